"""The shipped nginx configuration (deploy/nginx) in front of two app servers: a login and an
upload through it, and a browser that loses its server carries on, logged in, on the other."""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from tests import samples
from tests.browser.conftest import ROOT, Site, log_in, serve, settle, shot, start_site, stop_site

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
pytestmark = pytest.mark.skipif(
    NGINX is None,
    reason="nginx is not installed: `apt-get install nginx-light` (as .ci/run does) to test "
    "deploy/nginx",
)
DEPLOY = ROOT / "deploy" / "nginx"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[tuple[Site, dict[str, subprocess.Popen], Path]]:
    """Two servers on one database behind nginx run with the shipped files: the proxy's site,
    the servers by port, and nginx's access log (which names the server of each request)."""
    folder = tmp_path / "site"
    folder.mkdir()
    site, first = start_site(folder)
    base, second = serve(site.database_url, folder, log_name="server-b")
    servers = {site.base.rsplit(":", 1)[1]: first, base.rsplit(":", 1)[1]: second}
    shipped = (DEPLOY / "claimreview.conf").read_text("utf-8")
    upstream = shipped[shipped.index("upstream claimreview") : shipped.index("map $http_upgrade")]
    for shipped_port, port in zip(("8501", "8502"), servers, strict=True):
        upstream = upstream.replace(f"127.0.0.1:{shipped_port}", f"127.0.0.1:{port}")
    upgrade = shipped[shipped.index("map $http_upgrade") : shipped.index("server {")]
    proxy_port = _free_port()
    prefix = tmp_path / "nginx"
    (prefix / "logs").mkdir(parents=True)
    config = prefix / "nginx.conf"
    log = prefix / "logs" / "access.log"
    # The shipped upstream, map and snippet; only the TLS server is left out (no certificate).
    # Run as root, nginx's workers would drop to a user that cannot enter the test's folder.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    config.write_text(
        f"{user}worker_processes 1; pid {prefix}/nginx.pid; error_log {prefix}/logs/error.log;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        "  log_format upstream '$request_uri $upstream_addr $status';\n"
        f"  access_log {log} upstream;\n"
        f"  client_body_temp_path {prefix}/body; proxy_temp_path {prefix}/proxy;\n"
        f"  {upstream}\n  {upgrade}\n"
        f"  server {{ listen 127.0.0.1:{proxy_port}; "
        f"include {DEPLOY / 'claimreview-proxy.conf'}; }}\n"
        "}\n",
        "utf-8",
    )
    command = [NGINX, "-c", str(config), "-p", str(prefix)]
    subprocess.run([*command, "-t"], check=True, capture_output=True)
    subprocess.run(command, check=True, capture_output=True)
    try:
        yield replace(site, base=f"http://127.0.0.1:{proxy_port}"), servers, log
    finally:
        subprocess.run([*command, "-s", "stop"], check=False, capture_output=True)
        for process in servers.values():
            if process.poll() is None:
                stop_site(process)


def _last_server(log: Path) -> str:
    return re.findall(r"127\.0\.0\.1:(\d+)", log.read_text("utf-8"))[-1]


def test_the_shipped_proxy_carries_logins_uploads_and_a_lost_server(page, proxied) -> None:
    site, servers, log = proxied
    with urllib.request.urlopen(site.url("/_stcore/health"), timeout=10) as response:
        assert response.read() == b"ok"
    log_in(page, site, "editor", "/articles")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        str(samples.write_docx(site.folder))
    )
    settle(page)
    page.get_by_role("button", name="Import file").click()
    settle(page)
    page.get_by_text(re.compile(r"Imported Exercise and blood pressure with \d+ claims")).wait_for(
        timeout=30_000
    )
    # The server this browser was on stops (an upgrade rolling through the servers)...
    used = _last_server(log)
    stop_site(servers[used])
    page.reload()
    settle(page)
    # ...and the next page load reaches the other one, still logged in.
    page.get_by_role("button", name="Log out").wait_for(timeout=30_000)
    assert _last_server(log) != used
    shot(page, "after-its-server-stopped")
