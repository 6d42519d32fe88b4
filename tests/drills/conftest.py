"""The drills (``make drills``): the app under concurrent writers, a database restart and a mail
server that is down. They start processes and servers of their own and take a minute or two,
so they run only when ``LEERPLATFORM_DRILLS=1`` is set, never as part of ``make test``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

if os.environ.get("LEERPLATFORM_DRILLS") != "1":
    collect_ignore_glob = ["test_*.py"]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get_status(url: str, timeout: float = 5.0) -> int:
    """The HTTP status of a GET, or 0 when nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - 127.0.0.1
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return 0


def app_environment(database_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "FLASK_APP": "leerplatform",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "drill-secret-key-that-is-long-enough-for-gunicorn",
        "RATELIMIT_ENABLED": "0",
        "TWO_STEP_REQUIRED_FOR_MODERATORS": "0",
        **extra,
    }


@contextmanager
def gunicorn(env: Mapping[str, str], workers: int = 2) -> Iterator[tuple[str, subprocess.Popen]]:
    """The app under gunicorn on a free port of 127.0.0.1, until the block ends."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "--graceful-timeout", "5", "leerplatform:create_app()"],
        cwd=ROOT, env=dict(env),
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while get_status(base + "/healthz", timeout=2) != 200:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=30)


def children_of(pid: int) -> set[int]:
    """The ids of the processes whose parent is ``pid`` (gunicorn's workers)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found
