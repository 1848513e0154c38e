"""`claimreview serve` (what `make run` ends with): migrates, seeds the demo, answers health."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from sqlalchemy import func, select

from db.accounts import PasswordIdentity
from db.engine import Database
from db.models import Article, Claim

SCRIPT = shutil.which("claimreview", path=str(Path(sys.executable).parent))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_answers_health_on_localhost_with_the_demo_imported(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    port = _free_port()
    env = {**os.environ, "CLAIMREVIEW_DATABASE_URL": url}
    server = subprocess.Popen(
        [SCRIPT, "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        body = ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(
                    f"http://localhost:{port}/_stcore/health", timeout=2
                ) as response:
                    body = response.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        assert body == "ok", server.stdout.read().decode() if server.poll() is not None else ""
        # Listening on localhost only: not on another address of this machine.
        with socket.socket() as probe:
            probe.settimeout(1)
            external = socket.gethostbyname(socket.gethostname())
            if not external.startswith("127."):
                assert probe.connect_ex((external, port)) != 0
        database = Database(url)
        with database.read() as session:
            assert session.scalar(select(func.count()).select_from(Article)) == 1
            assert session.scalar(select(func.count()).select_from(Claim)) > 20
        database.dispose()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    output = server.stdout.read().decode()
    assert "First start: created the administrator 'admin'" in output
    password = output.split("Password (shown only now): ")[1].split()[0]
    assert PasswordIdentity(Database(url)).authenticate("admin", password).must_change_password
