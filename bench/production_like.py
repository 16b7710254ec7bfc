"""The production settings both benchmarks run Django with (bench/run.py through gunicorn,
bench/inprocess.py in process): DEBUG off, stand-in secrets, and the API rate limits lifted, since
a benchmark is one client hammering from one address. Each adds its own database, Redis and site."""

PRODUCTION_LIKE_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "bench-" + "x" * 60,
    "JWT_SECRET": "b" * 64,
    "ALLOWED_HOSTS": "127.0.0.1",
    "STRIPE_API_KEY": "sk_test_bench",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_bench",
    "STRIPE_WEBHOOK_SECRET": "whsec_bench",
    "EMAIL_PROVIDER": "smtp",
    "EMAIL_HOST": "127.0.0.1",
    "EMAIL_PORT": "2525",
    "EMAIL_USE_TLS": "false",
    "LOG_LEVEL": "WARNING",
    "API_RATE_LIMIT_PER_IP": "1000000/m",
    "API_RATE_LIMIT_PER_USER": "1000000/m",
}
