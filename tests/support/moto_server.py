"""Point code under test at the session's moto server through the standard AWS environment.

The server itself (started with `sys.executable -m moto.server` on 127.0.0.1 and a free port,
waited for, reset with POST /moto-api/reset, stopped by its PID) is tests/support/moto.py, used
through the `moto_server` / `moto` fixtures of tests/conftest.py. Code under test makes its own
boto3 clients (the s3:// state store does), so it must find the server the way a user's tools
would: `AWS_ENDPOINT_URL`, credentials and region in the environment. `aws_environment` sets
exactly that for the duration of a test, and keeps a developer's own AWS configuration (profiles,
credentials files, service-specific endpoints, the instance metadata service) out of it.

    from tests.support.moto_server import aws_environment

    def test_something(moto, monkeypatch):
        aws_environment(moto, monkeypatch)
        ...  # boto3 clients made here talk to moto

Subprocesses (the kopsgen CLI run as a command) get the same with `aws_env(moto)`.
"""

from __future__ import annotations

import os

import pytest

from tests.support.moto import ACCESS_KEY, SECRET_KEY, MotoServer


def aws_env(server: MotoServer) -> dict[str, str]:
    """The variables that send every AWS SDK client to `server` with test credentials."""
    return {
        "AWS_ENDPOINT_URL": server.endpoint,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_DEFAULT_REGION": server.region,
        "AWS_REGION": server.region,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
    }


# Variables that would send a client elsewhere or pick other credentials.
_CLEARED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")


def aws_environment(server: MotoServer, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Set aws_env(server) for the current test (undone by monkeypatch afterwards)."""
    for name in list(os.environ):
        if name in _CLEARED or name.startswith("AWS_ENDPOINT_URL_"):
            monkeypatch.delenv(name, raising=False)
    env = aws_env(server)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def subprocess_env(server: MotoServer, **extra: str) -> dict[str, str]:
    """A full environment for a subprocess: the current one, cleaned, plus aws_env(server)."""
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED and not k.startswith("AWS_ENDPOINT_URL_")}
    env.update(aws_env(server))
    env.update(extra)
    return env
