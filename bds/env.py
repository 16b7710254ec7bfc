"""Tiny typed readers of environment variables for bds/settings.py (healthchecks-style): each
strips the value and names the variable when it cannot be read."""

import os

from django.core.exceptions import ImproperlyConfigured


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def envbool(name: str, default: str) -> bool:
    value = env(name, default).lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def envint(name: str, default: str) -> int:
    try:
        return int(env(name, default))
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number.") from error


def envfloat(name: str, default: str) -> float:
    try:
        return float(env(name, default))
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a number.") from error


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]
