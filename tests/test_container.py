"""The Dockerfile and compose.yaml, tested without a container engine (none runs here).

The fast tests read the Dockerfile's instructions: a slim Python base, a non-root user, the
server started as `runstrong serve --host 0.0.0.0`, a health check on /healthz, nothing it
copies left out by .dockerignore. The slow one does what the image does, outside Docker:
copies what the Dockerfile copies, runs its `pip install` into a fresh venv, starts its
CMD with its environment as an unprivileged user, and runs its HEALTHCHECK command against
it, on SQLite and on PostgreSQL. It runs under CI=true (or RUNSTRONG_CONTAINER_TEST=1): it
installs every dependency from the package index, which takes minutes.
"""

from __future__ import annotations

import fnmatch
import json
import os
import pwd
import re
import shlex
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import stop_process

ROOT = Path(__file__).resolve().parents[1]


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile: comments dropped, continuations joined."""
    joined = re.sub(r"\\\n", " ", "\n".join(
        line for line in text.splitlines() if not line.lstrip().startswith("#")))
    found = []
    for line in joined.splitlines():
        if line.strip():
            word, _, rest = line.strip().partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def final_stage() -> list[tuple[str, str]]:
    steps = instructions((ROOT / "Dockerfile").read_text())
    last_from = max(i for i, (word, _) in enumerate(steps) if word == "FROM")
    return steps[last_from:]


def env_of(steps: list[tuple[str, str]]) -> dict[str, str]:
    env: dict[str, str] = {}
    for word, rest in steps:
        if word == "ENV":
            for item in shlex.split(rest):
                key, _, value = item.partition("=")
                env[key] = value
    return env


def test_the_image_is_slim_and_runs_the_server_as_a_user() -> None:
    steps = final_stage()
    assert re.fullmatch(r"python:3\.\d+-slim", steps[0][1]), steps[0]
    words = [word for word, _ in steps]
    users = [rest for word, rest in steps if word == "USER"]
    assert users and users[-1] not in ("root", "0"), "the server must not run as root"
    assert words.index("USER") < words.index("CMD")
    cmd = json.loads(next(rest for word, rest in steps if word == "CMD"))
    assert cmd == ["runstrong", "serve", "--host", "0.0.0.0"]  # exec form: PID 1 gets SIGTERM
    env = env_of(steps)
    expose = next(rest for word, rest in steps if word == "EXPOSE")
    assert expose == env["RUNSTRONG_PORT"] == "8000"
    assert env["RUNSTRONG_DATABASE_URL"].startswith("/data/")
    assert any(word == "VOLUME" and "/data" in rest for word, rest in steps)
    health = next(rest for word, rest in steps if word == "HEALTHCHECK")
    assert "/healthz" in health and "RUNSTRONG_PORT" in health


def copied_sources() -> list[str]:
    steps = instructions((ROOT / "Dockerfile").read_text())
    sources = []
    for word, rest in steps:
        if word == "COPY" and not rest.startswith("--from"):
            sources.extend(rest.split()[:-1])
    return sources


def test_the_build_copies_what_pip_needs_and_dockerignore_keeps_it() -> None:
    sources = copied_sources()
    for needed in ("pyproject.toml", "README.md", "catalog.csv", "planner", "constraints"):
        assert needed in sources, needed
        assert (ROOT / needed).exists()
    ignored = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")]
    for source in sources:
        assert not any(fnmatch.fnmatch(source, pattern) for pattern in ignored), source
    install = next(rest for word, rest in instructions((ROOT / "Dockerfile").read_text())
                   if word == "RUN" and "pip install" in rest)
    assert "'.[postgres]'" in install  # the image talks to compose's PostgreSQL


def test_compose_runs_the_image_on_postgresql() -> None:
    yaml = pytest.importorskip("yaml")
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    db, web = compose["services"]["db"], compose["services"]["web"]
    assert db["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert web["build"] == "."
    url = web["environment"]["RUNSTRONG_DATABASE_URL"]
    user, password, name = (db["environment"][k] for k in
                            ("POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"))
    assert url == f"postgresql://{user}:{password}@db:5432/{name}"
    from planner.web.db import database_url

    assert database_url(url).startswith("postgresql+psycopg://")  # the [postgres] driver
    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    assert web["ports"] == ["8000:8000"]


# ---- the image's commands, outside Docker --------------------------------------------------


def _slow_enabled() -> bool:
    return (os.environ.get("CI", "").lower() == "true"
            or os.environ.get("RUNSTRONG_CONTAINER_TEST") == "1")


@pytest.fixture(scope="module")
def image_venv() -> Iterator[Path]:
    """/opt/runstrong as the Dockerfile builds it, in a temporary folder anyone can read."""
    if not _slow_enabled():
        pytest.skip("installs every dependency (minutes): runs under CI=true or "
                    "RUNSTRONG_CONTAINER_TEST=1")
    folder = Path(tempfile.mkdtemp(prefix="runstrong-image-"))
    os.chmod(folder, 0o755)
    try:
        src = folder / "src"
        src.mkdir()
        for source in copied_sources():
            path = ROOT / source
            if path.is_dir():
                shutil.copytree(path, src / source,
                                ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(path, src / source)
        venv = folder / "opt-runstrong"
        install = next(rest for word, rest in final_and_build_runs() if "pip install" in rest)
        command = install.replace("/opt/runstrong", str(venv))
        # `python` as the image has it: the base image's version, installed where any user
        # may run it (this interpreter may live in root's home)
        version = re.fullmatch(r"python:(3\.\d+)-slim", final_stage()[0][1]).group(1)
        system = next((p for p in (f"/usr/local/bin/python{version}",
                                   f"/usr/bin/python{version}") if Path(p).exists()), None)
        if system is None:
            pytest.skip(f"no system python{version} to build the image's venv with")
        shims = folder / "shims"
        shims.mkdir()
        (shims / "python").symlink_to(system)
        subprocess.run(["sh", "-c", command], cwd=src, check=True, timeout=1800,
                       capture_output=True,
                       env={**os.environ, "PATH": f"{shims}:/usr/local/bin:/usr/bin:/bin"})
        for path in folder.rglob("*"):  # the image's files are world-readable
            if not path.is_symlink():
                path.chmod(path.stat().st_mode | 0o444 | (0o111 if path.is_dir() else 0))
        yield venv
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def final_and_build_runs() -> list[tuple[str, str]]:
    return [(w, r) for w, r in instructions((ROOT / "Dockerfile").read_text()) if w == "RUN"]


def test_the_image_commands_serve_and_pass_the_health_check(image_venv: Path,
                                                            database: str) -> None:
    steps = final_stage()
    env = env_of(steps)
    cmd = json.loads(next(rest for word, rest in steps if word == "CMD"))
    health = json.loads(next(rest for word, rest in steps if word == "HEALTHCHECK")
                        .split(" CMD ", 1)[1])
    data = Path(tempfile.mkdtemp(prefix="runstrong-data-"))
    nobody = pwd.getpwnam("nobody")
    os.chown(data, nobody.pw_uid, nobody.pw_gid)
    runuser = shutil.which("runuser") or "/usr/sbin/runuser"
    user = [runuser, "-u", "nobody", "--"] if os.geteuid() == 0 else []
    environment = {
        "PATH": f"{image_venv / 'bin'}:/usr/bin:/bin", "HOME": str(data),
        **{k: v for k, v in env.items() if k != "PATH"},
        "RUNSTRONG_PORT": "0",
        "RUNSTRONG_DATABASE_URL": (str(data / "runstrong.sqlite3")
                                   if "://" not in database else database),
    }
    process = subprocess.Popen([*user, *cmd], cwd=data, env=environment, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"open http://127\.0\.0\.1:(\d+)/", line)
        assert found, f"the image's CMD printed {line!r}"
        environment["RUNSTRONG_PORT"] = found.group(1)
        deadline = time.monotonic() + 180
        while True:
            check = subprocess.run([*user, *health], env=environment, cwd=data,
                                   capture_output=True, timeout=30, check=False)
            if check.returncode == 0:
                break
            assert process.poll() is None, "the server stopped"
            assert time.monotonic() < deadline, check.stderr[-500:]
            time.sleep(1)
        if "://" not in database:
            assert (data / "runstrong.sqlite3").exists()  # written by the unprivileged user
    finally:
        stop_process(process, timeout=30)
        shutil.rmtree(data, ignore_errors=True)
