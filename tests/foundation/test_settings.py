"""Production refuses to start on a missing secret; with every secret set it is deploy-clean."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "p" * 60 + "-a-long-random-production-key",
    "JWT_SECRET": "0123456789abcdef" * 4,
    "DATABASE_URL": "postgres://bds@127.0.0.1:5432/bds",
    "SITE_URL": "https://bostondroneschool.example",
    "STRIPE_API_KEY": "sk_test_not_a_real_key",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_not_a_real_key",
    "STRIPE_WEBHOOK_SECRET": "whsec_not_a_real_secret",
    "EMAIL_PROVIDER": "postmark",
    "EMAIL_API_KEY": "postmark-server-token",
    "EMAIL_WEBHOOK_SECRET": "anymail:webhook-basic-auth-secret",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG", "PYTHONPATH"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr


@pytest.mark.parametrize(
    "missing",
    ["SECRET_KEY", "JWT_SECRET", "DATABASE_URL", "STRIPE_WEBHOOK_SECRET", "EMAIL_PROVIDER", "EMAIL_WEBHOOK_SECRET"],
)
def test_production_refuses_to_start_without_a_secret_and_names_it(missing):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr
    # One line a person can act on, not a page of traceback noise at the end.
    assert result.stderr.strip().splitlines()[-1].startswith("django.core.exceptions.ImproperlyConfigured")


def test_a_misconfigured_email_provider_names_the_variable():
    result = run_manage("check", env={"EMAIL_PROVIDER": "postmark"})
    assert result.returncode != 0
    assert "EMAIL_API_KEY is not set" in result.stderr


def test_embedded_defaults_start_with_nothing_set():
    result = run_manage("check", env={})
    assert result.returncode == 0, result.stderr


def _variables_read_by_settings() -> set[str]:
    import re

    source = (ROOT / "bds" / "settings.py").read_text()
    names = set(re.findall(r'env(?:bool|int|float|list)?\("([A-Z0-9_]+)"', source))
    names |= set(re.findall(r'required_in_production\("([A-Z0-9_]+)"', source))
    names |= {
        name
        for group in re.findall(r"for _name in \(([^)]*)\)", source)
        for name in re.findall(r'"([A-Z0-9_]+)"', group)
    }
    return names


def test_render_blueprint_declares_every_variable_the_settings_read():
    blueprint = yaml.safe_load((ROOT / "render.yaml").read_text())
    declared = {item["key"] for group in blueprint["envVarGroups"] for item in group["envVars"]}
    for service in blueprint["services"]:
        declared |= {item["key"] for item in service.get("envVars", []) if "key" in item}
    provided_by_render = {"RENDER_GIT_COMMIT"}
    missing = _variables_read_by_settings() - declared - provided_by_render
    assert not missing, f"render.yaml does not declare {sorted(missing)}"
    assert len(_variables_read_by_settings()) > 30


def test_render_blueprint_declares_the_web_servers_variables():
    import re

    source = (ROOT / "gunicorn.conf.py").read_text()
    read_by_gunicorn = set(re.findall(r"os\.environ\.get\([\"']([A-Z0-9_]+)[\"']", source))
    blueprint = yaml.safe_load((ROOT / "render.yaml").read_text())
    web = next(service for service in blueprint["services"] if service["type"] == "web")
    declared = {item["key"] for item in web["envVars"] if "key" in item}
    assert read_by_gunicorn >= {"PORT", "WEB_CONCURRENCY", "WEB_THREADS"}
    assert read_by_gunicorn - {"PORT"} <= declared, "Render sets PORT; the others must be declared"


def test_render_blueprint_generates_the_signing_secrets_and_keeps_the_others_out_of_the_repo():
    blueprint = yaml.safe_load((ROOT / "render.yaml").read_text())
    variables = {item["key"]: item for item in blueprint["envVarGroups"][0]["envVars"]}
    assert variables["SECRET_KEY"].get("generateValue") is True
    assert variables["JWT_SECRET"].get("generateValue") is True
    for secret in ("STRIPE_API_KEY", "STRIPE_WEBHOOK_SECRET", "EMAIL_API_KEY", "AWS_SECRET_ACCESS_KEY", "SENTRY_DSN"):
        assert variables[secret].get("sync") is False
    web = next(service for service in blueprint["services"] if service["type"] == "web")
    assert web["healthCheckPath"] == "/healthz"
    assert "migrate" in web["preDeployCommand"]
    assert "collectstatic" in web["buildCommand"]
    assert {service["type"] for service in blueprint["services"]} >= {"web", "worker", "keyvalue"}


def test_the_render_worker_runs_an_image_with_ffmpeg_and_the_same_start_script():
    """Video durations, posters and HLS renditions need ffmpeg on the worker (docs/S3.md)."""
    blueprint = yaml.safe_load((ROOT / "render.yaml").read_text())
    worker = next(service for service in blueprint["services"] if service["name"] == "bds-worker")
    assert worker["runtime"] == "docker" and worker["dockerCommand"] == "scripts/start.sh worker"
    dockerfile = (ROOT / worker["dockerfilePath"]).read_text()
    assert "python:3.13" in dockerfile and "ffmpeg" in dockerfile
    assert "COPY requirements.txt" in dockerfile and "pip install -r requirements.txt" in dockerfile
    python_version = (ROOT / ".python-version").read_text().strip()
    assert dockerfile.count(f"python:{python_version}") == 1
