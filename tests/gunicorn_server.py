"""The repo's gunicorn.conf.py serving the project on a free port, for the tests that need a real
server (preloading and recycling, slow clients): production settings, its own SQLite database,
stopped by its PID whatever happens, with its log printed for pytest to show on failure."""

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from tests.foundation.test_settings import PRODUCTION_ENV
from tests.ports import free_port, stop_process

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 60


@contextlib.contextmanager
def deployed_gunicorn(
    folder: Path,
    *,
    arguments: list[str],
    answers_healthz: Callable[[int], bool],
    environment: dict[str, str] | None = None,
) -> Iterator[tuple[int, Path]]:
    """Migrate a fresh SQLite database in `folder`, start gunicorn with the deployed config plus
    `arguments`, and yield (port, log path) once `answers_healthz(port)` is true."""
    port = free_port()
    inherited = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG", "PYTHONPATH"}}
    env = (
        inherited
        | PRODUCTION_ENV
        | {
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": f"https://127.0.0.1:{port}",
            "LOG_LEVEL": "WARNING",
        }
        | (environment or {})
    )
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    log_path = folder / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "bds.wsgi", "--config", str(ROOT / "gunicorn.conf.py")]
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [*command, "--bind", f"127.0.0.1:{port}", *arguments],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        give_up_at = time.monotonic() + STARTUP_SECONDS
        while True:
            assert process.poll() is None, f"gunicorn exited:\n{log_path.read_text()}"
            with contextlib.suppress(OSError):
                if answers_healthz(port):
                    break
            assert time.monotonic() < give_up_at, f"gunicorn did not answer /healthz:\n{log_path.read_text()}"
            time.sleep(0.2)
        yield port, log_path
    finally:
        stop_process(process, seconds=15)
        print(f"--- gunicorn log ---\n{log_path.read_text()}")  # shown by pytest when a test failed
