"""A real peerlearn server (``streamlit run app.py``, the README's first command) on a
given database, for the browser tests and the load tools."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from peerlearn.db import ENV_VAR

ROOT = Path(__file__).resolve().parents[1]


class ServerFailed(RuntimeError):
    """The server exited or did not answer in time; the message holds its log."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_script(
    script: str | Path,
    port: int,
    log: Path,
    *,
    cwd: Path = ROOT,
    options: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> Iterator[subprocess.Popen]:
    """``streamlit run script`` at ``http://127.0.0.1:port`` from ``cwd``; yields its
    process once its health endpoint answers, and stops it afterwards. ``options`` are
    further ``--section.name value`` pairs, ``env`` further environment variables (some
    options are refused on the command line, such as the cookie secret)."""
    command = [sys.executable, "-m", "streamlit", "run", str(script)]
    command += ["--server.headless", "true", "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    command += ["--server.fileWatcherType", "none", *options]
    with log.open("w") as output:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=dict(os.environ, **(env or {})),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise ServerFailed(
                    f"streamlit exited with {process.returncode}:\n{log.read_text()}"
                )
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise ServerFailed(
                    f"streamlit did not answer on {base} in 60 s:\n{log.read_text()}"
                )
            time.sleep(0.3)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def running_server(
    database: str,
    port: int,
    log: Path,
    *,
    options: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> contextlib.AbstractContextManager[subprocess.Popen]:
    """The README's server (``streamlit run app.py``) on ``database``."""
    return running_script(
        "app.py", port, log, options=options, env={**(env or {}), ENV_VAR: database}
    )
