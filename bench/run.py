#!/usr/bin/env python
"""`make bench`: load benchmark of the key pages against the framework's ceiling on this machine.

Builds the data set (manage.py bench_data), starts gunicorn with production settings on
PostgreSQL + Redis, warms up, runs wrk against each page and against /healthz (the ceiling),
and writes bench/RESULTS.md: requests/s, p50/p99 latency and each page's ratio to the ceiling.
A benchmark, not a test: it reports, it does not fail on numbers. wrk shares the CPU with the
server, so only ratios within one run mean anything.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import webhooks  # noqa: E402 - bench/ is a folder of scripts, not a package
from production_like import PRODUCTION_LIKE_ENV  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DURATION = os.environ.get("BENCH_DURATION", "5s")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
SCALE = os.environ.get("BENCH_SCALE", "1")
WEBHOOK_PAYMENTS = os.environ.get("BENCH_WEBHOOK_PAYMENTS", "1500")
WORKERS = os.environ.get("BENCH_WORKERS", "2")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(port: int) -> dict[str, str]:
    return (
        os.environ
        | PRODUCTION_LIKE_ENV
        | {
            "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bds_bench"),
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
            "SITE_URL": f"http://127.0.0.1:{port}",
        }
    )


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def ensure_database(env: dict) -> None:
    url = env["DATABASE_URL"]
    server, name = url.rsplit("/", 1)
    exists = subprocess.run(["psql", url, "-tAc", "SELECT 1"], capture_output=True, check=False).returncode == 0
    if not exists:
        subprocess.run(["psql", f"{server}/postgres", "-qc", f'CREATE DATABASE "{name}"'], check=True)


def wrk(url: str, headers: dict[str, str], *, connections: int = CONNECTIONS, threads: int = 2) -> dict:
    # A 10 s timeout: on a loaded machine a slower response must count in the latency, not vanish.
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{DURATION}", "--latency", "--timeout", "10s"]
    command += ["-H", "X-Forwarded-Proto: https"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.MULTILINE))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": rps,
        "p50": latency.get("50", "?"),
        "p99": latency.get("99", "?"),
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
    }


def to_ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def median_round(runs: list[dict]) -> dict:
    """Each figure's median over the rounds, taken separately (a spell of lost CPU in one round
    spikes that round's p99 without touching its throughput); non-2xx responses are summed."""

    def median(key):
        return sorted(runs, key=key)[len(runs) // 2]

    return median(lambda run: run["rps"]) | {
        "p50": median(lambda run: to_ms(run["p50"]))["p50"],
        "p99": median(lambda run: to_ms(run["p99"]))["p99"],
        "errors": sum(run["errors"] for run in runs),
    }


def peak_rss_kib(master_pid: int) -> int:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    peaks = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+)", status).group(1)))
    return max(peaks) if peaks else 0


VERIFY_WEBHOOKS = """
import json
from payments.models import Payment, StripeEvent
ids = {ids}
print(json.dumps({{
    "succeeded": Payment.objects.filter(pk__in=ids, status="succeeded").count(),
    "stored": StripeEvent.objects.filter(stripe_event_id__startswith="evt_bench_{run}_").count(),
    "processed": StripeEvent.objects.filter(
        stripe_event_id__startswith="evt_bench_{run}_", processed_at__isnull=False
    ).count(),
    "active": Payment.objects.filter(pk__in=ids, enrollment__status="active").count(),
}}))
"""


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk")
    port = free_port()
    stripe_port = free_port()
    # The webhook benchmark re-reads each PaymentIntent from a Stripe-compatible server, as in production.
    localstripe = subprocess.Popen([PYTHON, "tests/localstripe_server.py", str(stripe_port)], cwd=ROOT)
    try:
        run_benchmarks(port, stripe_port)
    finally:
        localstripe.terminate()
        localstripe.wait(timeout=10)


def run_benchmarks(port: int, stripe_port: int) -> None:
    env = production_env(port) | {"STRIPE_API_BASE": f"http://127.0.0.1:{stripe_port}"}
    ensure_database(env)
    print("migrating and building the data set (first run takes a few minutes)…", flush=True)
    manage(env, "migrate", "--no-input")
    started = time.monotonic()
    manage(env, "bench_data", "--scale", SCALE)
    build_seconds = time.monotonic() - started
    load_before = os.getloadavg()
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    fixtures = json.loads(manage(env, "bench_fixtures"))
    fixtures |= {"build_seconds": build_seconds, "load_before": load_before}

    log_path = Path(tempfile.gettempdir()) / f"bds-bench-gunicorn-{port}.log"
    # Production's server settings as deployed: gunicorn.conf.py, its memory-based recycling included.
    server = start_server(env, port, log_path)
    try:
        base = f"http://127.0.0.1:{port}"
        cookie = {"Cookie": f"sessionid={fixtures['session_key']}"}
        bearer = {"Authorization": f"Bearer {fixtures['access_token']}"}
        pages = [
            ("/healthz (ceiling)", "/healthz", {}, "ceiling"),
            ("home", "/", {}, "anonymous"),
            ("catalog", "/courses/", {}, "anonymous"),
            ("catalog search", "/courses/?q=part+107", {}, "anonymous"),
            ("course page", f"/courses/{fixtures['course_slug']}/", {}, "anonymous"),
            ("dashboard (logged in)", "/dashboard/", cookie, "logged-in"),
            ("course outline (logged in)", f"/learn/{fixtures['course_slug']}/", cookie, "logged-in"),
            ("course page (logged in)", f"/courses/{fixtures['course_slug']}/", cookie, "logged-in"),
            ("my account (logged in)", "/accounts/me/", cookie, "logged-in"),
            ("lesson (logged in)", fixtures["lesson_path"], cookie, "logged-in"),
            ("API courses", "/api/v1/courses", {}, "anonymous"),
            ("API my enrollments", "/api/v1/me/enrollments", bearer, "logged-in"),
        ]
        if only := os.environ.get("BENCH_PAGES"):  # a quick look at a few pages: "healthz,dashboard"
            pages = [page for page in pages if any(word in page[0] for word in only.split(","))]
        print("warming up…", flush=True)
        for _, path, headers, _ in pages:
            subprocess.run(
                [
                    "wrk",
                    "-t1",
                    "-c2",
                    "-d2s",
                    "-H",
                    "X-Forwarded-Proto: https",
                    *sum((["-H", f"{k}: {v}"] for k, v in headers.items()), []),
                    base + path,
                ],
                capture_output=True,
                check=False,
            )
        # Rounds over all pages, each page's median round reported: a shared two-core machine has
        # spells of lost CPU, and one spell during one page's only run would skew its ratio.
        rounds: dict[str, list[dict]] = {name: [] for name, *_ in pages}
        for round_number in range(1, ROUNDS + 1):
            for name, path, headers, kind in pages:
                result = wrk(base + path, headers) | {"name": name, "path": path, "kind": kind}
                print(
                    f"round {round_number}  {name:28} {result['rps']:8.0f} req/s"
                    f"  p50 {result['p50']:>8}  p99 {result['p99']:>8}",
                    flush=True,
                )
                rounds[name].append(result)
        results = [median_round(runs) for runs in rounds.values()]
        staff = measure_staff_lists(base, fixtures)
        recycles = log_path.read_text().count("Booting worker") - int(WORKERS)
        rss = peak_rss_kib(server.pid)
    finally:
        stop_server(server)
    # The same pages with the request-count recycling gunicorn.conf.py used before (one round
    # each), for comparison: what moving to a memory cap changed.
    log_path = log_path.with_name(f"bds-bench-gunicorn-{port}-request-count.log")  # the first one is kept
    server = start_server(env, port, log_path, extra_arguments=REQUEST_COUNT_RECYCLING)
    try:
        by_request_count = [
            wrk(base + path, headers) | {"name": name, "path": path, "kind": kind}
            for name, path, headers, kind in pages
        ]
        count_recycles = log_path.read_text().count("Booting worker") - int(WORKERS)
        query_counts = json.loads(
            manage(
                env,
                "bench_queries",
                json.dumps([{"name": name, "path": path, "headers": headers} for name, path, headers, _ in pages]),
            )
            .strip()
            .splitlines()[-1]  # log lines (JSON too) may come first
        )
        webhook = run_webhooks(env, base) if int(WEBHOOK_PAYMENTS) else None
    finally:
        stop_server(server)
    write_results(results, by_request_count, staff, (recycles, count_recycles), rss, fixtures, webhook, query_counts)


STAFF_P99_TARGET_MS = 200


def measure_staff_lists(base: str, fixtures: dict) -> list[dict]:
    """The staff admin's big lists, their search and a filter, with one staff session (one
    connection): what one person at the back office waits for."""
    cookie = {"Cookie": f"sessionid={fixtures['staff_session_key']}"}
    email = fixtures["student_email"]
    pages = [
        ("enrollments", "/admin/enrollments/enrollment/"),
        ("enrollments: search an email", f"/admin/enrollments/enrollment/?q={email}"),
        ("enrollments: status filter", "/admin/enrollments/enrollment/?status__exact=active"),
        ("payments", "/admin/payments/payment/"),
        ("payments: search an email", f"/admin/payments/payment/?q={email}"),
        ("payments: status filter", "/admin/payments/payment/?status__exact=succeeded"),
        ("users", "/admin/accounts/user/"),
        ("users: search an email", f"/admin/accounts/user/?q={email}"),
        ("users: active filter", "/admin/accounts/user/?is_active__exact=1"),
    ]
    results = []
    for name, path in pages:
        result = wrk(base + path, cookie, connections=1, threads=1) | {"name": name, "path": path}
        print(f"staff  {name:30} {result['rps']:8.1f} req/s  p99 {result['p99']:>8}", flush=True)
        results.append(result)
    return results


def staff_table(results: list[dict]) -> list[str]:
    lines = [
        "| staff list | path | req/s | p50 | p99 | target | met | non-2xx |",
        "|---|---|---:|---:|---:|---:|---|---:|",
    ]
    for result in results:
        met = "yes" if to_ms(result["p99"]) < STAFF_P99_TARGET_MS and not result["errors"] else "no"
        lines.append(
            f"| {result['name']} | `{result['path']}` | {result['rps']:.1f} | {result['p50']} | {result['p99']} | "
            f"p99 < {STAFF_P99_TARGET_MS} ms | {met} | {result['errors']} |"
        )
    return lines


def run_webhooks(env: dict, base: str) -> dict:
    print("webhooks: creating confirmed payments on the Stripe-compatible server…", flush=True)
    run_id = str(int(time.time()))
    rows = json.loads(manage(env, "bench_webhook_payments", "--count", WEBHOOK_PAYMENTS, "--run", run_id))
    webhook = webhooks.run(base, rows, env["STRIPE_WEBHOOK_SECRET"], run_id)
    verify = VERIFY_WEBHOOKS.format(ids=[row["payment_id"] for row in rows], run=run_id)
    # The shell may print a line of its own first; the check's JSON is the last line.
    check = json.loads(manage(env, "shell", "-c", verify).strip().splitlines()[-1])
    webhook |= check
    print(f"webhooks: {webhook}", flush=True)
    return webhook


# gunicorn.conf.py's recycling until 2026-12-04: a restart every ~2,000 requests per worker.
REQUEST_COUNT_RECYCLING = ["--max-requests", "2000", "--max-requests-jitter", "200"]


def start_server(env: dict, port: int, log_path: Path, *, extra_arguments: list[str] = ()) -> subprocess.Popen:
    """gunicorn with the deployed gunicorn.conf.py (threads, preload_app, keep-alive off, recycling
    on memory); only the address, the process count and `extra_arguments` are ours."""
    command = [
        PYTHON,
        "-m",
        "gunicorn",
        "bds.wsgi",
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        WORKERS,
        "--access-logfile",
        "/dev/null",
        "--log-level",
        "info",  # "Booting worker" lines count the recycles
    ]
    command += list(extra_arguments)
    with log_path.open("w") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    wait_for(f"http://127.0.0.1:{port}")
    return server


def wait_for(base: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.2)


def stop_server(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)


TARGETS = {"ceiling": None, "anonymous": 0.60, "logged-in": 0.35}
P99_TARGET_MS = 50


def table(results: list[dict], query_counts: dict | None) -> list[str]:
    ceiling = results[0]["rps"] if results and results[0]["kind"] == "ceiling" else 0
    lines = [
        "| page | kind | req/s | p50 | p99 | ratio to /healthz | target | met | non-2xx |"
        + (" queries fresh / stored |" if query_counts else ""),
        "|---|---|---:|---:|---:|---:|---:|---|---:|" + ("---:|" if query_counts else ""),
    ]
    for result in results:
        ratio = result["rps"] / ceiling if ceiling else 0
        target = TARGETS[result["kind"]]
        met = "" if target is None else ("yes" if ratio >= target and to_ms(result["p99"]) < P99_TARGET_MS else "no")
        line = (
            f"| {result['name']} | {result['kind']} | {result['rps']:.0f} | {result['p50']} | {result['p99']} | "
            f"{ratio:.2f} | {'' if target is None else f'≥ {target:.2f}, p99 < {P99_TARGET_MS} ms'} | {met} | "
            f"{result['errors']} |"
        )
        if query_counts:
            counts = query_counts[result["name"]]
            line += f" {counts['fresh']} / {counts['stored']} |"
        lines.append(line)
    return lines


def write_results(
    results: list[dict],
    by_request_count: list[dict],
    staff: list[dict],
    recycles: tuple[int, int],
    rss_kib: int,
    fixtures: dict,
    webhook: dict | None,
    query_counts: dict,
) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `make bench` on this machine ({os.cpu_count()} cores,",
        f"wrk on the same cores), gunicorn.conf.py as deployed: {WORKERS} workers of "
        f"{os.environ.get('WEB_THREADS', '4')} threads, preload_app, workers recycled on memory",
        "(WEB_WORKER_MAX_MEMORY_MB),",
        f"production settings, PostgreSQL + Redis, {CONNECTIONS} connections, {ROUNDS} rounds of {DURATION} per page,",
        "the median of each figure.",
        f"Data: {fixtures['counts']} (bench_data took {fixtures['build_seconds']:.0f} s in this run; "
        "a few seconds means it was already there).",
        f"Load average (1, 5, 15 min) before the pages: {', '.join(f'{v:.1f}' for v in fixtures['load_before'])}; "
        f"after: {', '.join(f'{v:.1f}' for v in os.getloadavg())}. The machine is shared: see the notes at the end.",
        "",
        "SQL queries: on a fresh render (caches cleared; tests hold this count fixed whatever the data",
        "size) and when the page's caches are filled (what the benchmark mostly measures).",
        "",
        f"## Production's server settings (workers recycled {recycles[0]} times during the run)",
        "",
        *table(results, query_counts),
        "",
        "## Staff lists, one staff session (one connection), production's server settings",
        "",
        *staff_table(staff),
        "",
        "## For comparison: the request-count recycling it replaced (max_requests 2000, jitter 200), "
        f"one round each; workers recycled {recycles[1]} times",
        "",
        *table(by_request_count, None),
    ]
    if webhook is None:
        lines += ["", f"Peak RSS of a gunicorn worker after the run: {rss_kib / 1024:.0f} MiB.", ""]
        (ROOT / "bench" / "RESULTS.md").write_text("\n".join(lines))
        print(f"\nwrote bench/RESULTS.md (peak worker RSS {rss_kib / 1024:.0f} MiB)")
        return
    exactly_once = webhook["succeeded"] == webhook["unique"] == webhook["stored"] == webhook["processed"]
    lines += [
        "",
        "## Webhooks",
        "",
        f"{webhook['events']} signed `payment_intent.succeeded` deliveries ({webhook['unique']} events, "
        f"{webhook['events'] - webhook['unique']} of them delivered twice) posted to `/payments/confirm` over "
        f"16 connections in {webhook['seconds']:.1f} s ({webhook['events'] / webhook['seconds']:.0f} per second), "
        "each re-reading its PaymentIntent from localstripe.",
        f"Responses: {webhook['statuses']}. Payments succeeded: {webhook['succeeded']} of {webhook['unique']}; "
        f"events stored: {webhook['stored']}, processed: {webhook['processed']}; enrollments active: "
        f"{webhook['active']}. Every payment processed exactly once: {'yes' if exactly_once else 'NO'}.",
        "",
        f"Peak RSS of a gunicorn worker after the run: {rss_kib / 1024:.0f} MiB.",
        "",
    ]
    (ROOT / "bench" / "RESULTS.md").write_text("\n".join(lines))
    print(f"\nwrote bench/RESULTS.md (peak worker RSS {rss_kib / 1024:.0f} MiB)")


if __name__ == "__main__":
    main()
