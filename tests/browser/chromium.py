"""Debian's Chromium as the browser suite and bench/felt.py start it (never a downloaded browser).

Without the networking flags Chromium floods this machine's closed network at every start.
"""

from __future__ import annotations

import shutil

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"  # the script has finished
