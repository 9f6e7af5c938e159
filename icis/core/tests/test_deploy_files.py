"""The deployment files parse and say what docs/deployment.md promises (no container is built here)."""

import configparser
import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"


def containerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, comments dropped, continuation lines joined; raises on junk."""
    known = {
        "FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER",
        "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
    }  # fmt: skip
    joined, current = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        current += " " + stripped.removesuffix("\\").strip() if current else stripped.removesuffix("\\").strip()
        if not stripped.endswith("\\"):
            joined.append(current)
            current = ""
    assert not current, "the Containerfile ends inside a continued line"
    instructions = []
    for entry in joined:
        word, _, rest = entry.partition(" ")
        assert word.upper() in known, f"unknown instruction {word!r}"
        assert word == word.upper(), f"instruction {word!r} not in capitals"
        instructions.append((word, rest.strip()))
    return instructions


def test_containerfile_essentials():
    instructions = containerfile_instructions((DEPLOY / "Containerfile").read_text())
    names = [name for name, _ in instructions]
    assert names[0] == "FROM"
    assert re.match(r"^\S+/python:3\.11[-\w.]*$", instructions[0][1]), "Python 3.11 like pyproject.toml"
    runs = " ".join(args for name, args in instructions if name == "RUN")
    assert "uv sync --frozen --no-dev" in runs, "dependencies exactly as locked, without the dev group"
    assert "collectstatic --noinput" in runs, "static files collected for WhiteNoise"
    copies = [args for name, args in instructions if name == "COPY"]
    assert copies[0] == "pyproject.toml uv.lock ./", "lock copied before the code, so the dependency layer is cached"
    env = " ".join(args for name, args in instructions if name == "ENV")
    assert "DJANGO_SETTINGS_MODULE=config.settings.production" in env
    assert "USER" in names and dict(instructions)["USER"] not in ("root", "0"), "runs as a non-root user"
    assert names.index("USER") > max(i for i, n in enumerate(names) if n == "RUN"), "USER after the last RUN"
    assert "/health/" in dict(instructions)["HEALTHCHECK"]
    assert dict(instructions)["EXPOSE"] == "8000"
    cmd = dict(instructions)["CMD"]
    assert cmd.startswith("[") and "gunicorn" in cmd and "config/gunicorn.conf.py" in cmd, "exec form, our config"
    for name, args in instructions:
        assert "SECRET_KEY=" not in args or "build-only" in args, f"no real secret baked into the image: {name}"


def test_containerfile_copies_nothing_secret():
    ignore = ROOT / ".containerignore"
    patterns = ignore.read_text().split() if ignore.exists() else []
    for needed in (".venv", "var", ".git", "*.env"):
        assert needed in patterns, f".containerignore must leave out {needed}"


@pytest.mark.parametrize("unit", sorted(p.name for p in (DEPLOY / "systemd").glob("*.service")))
def test_systemd_units_parse_and_run_our_commands(unit):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read_string((DEPLOY / "systemd" / unit).read_text())
    assert {"Unit", "Service"} <= set(parser.sections())
    service = parser["Service"]
    assert service["User"] == "icis", "never as root"
    assert service["WorkingDirectory"] == "/srv/icis"
    assert service["EnvironmentFile"] == "/etc/icis/icis.env"
    assert "DJANGO_SETTINGS_MODULE=config.settings.production" in service["Environment"]
    command = shlex.split(service["ExecStart"])
    assert command[0].startswith("/srv/icis/.venv/bin/")
    if unit.startswith("icis-app"):
        assert command[1:] == ["-c", "config/gunicorn.conf.py"]
        assert service["Type"] == "notify" and service["KillSignal"] == "SIGTERM"
        assert "Install" in parser.sections()
    elif unit.startswith("icis-worker"):
        assert command[1:3] == ["manage.py", "jobs_worker"]
        assert service["Restart"] == "always"
    else:
        assert service["Type"] == "oneshot"


def test_gunicorn_config_loads():
    from gunicorn.config import Config

    namespace: dict = {"__file__": str(ROOT / "config/gunicorn.conf.py")}
    exec(compile((ROOT / "config/gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)
    config = Config()
    for key, value in namespace.items():
        if key in config.settings:
            config.set(key, value)
    assert config.worker_class_str == "gthread"
    assert config.wsgi_app == "config.wsgi:application"
    assert config.graceful_timeout > 0 and config.preload_app
    assert config.accesslog is None, "access lines come from icis.request, with the request id"


def test_haproxy_example_checks_readiness():
    text = (DEPLOY / "haproxy.cfg").read_text()
    assert "uri /ready/" in text and "expect status 200" in text
    assert "option redispatch" in text and "X-Forwarded-Proto https" in text and "X-Request-ID" in text
