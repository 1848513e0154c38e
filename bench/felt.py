"""Felt speed: a review-page click timed in a real browser, against a trivial Streamlit app's.

bench/interaction.py measures the server's run of the page; a reviewer feels more than that:
the click's trip to the server, the run, the trip back and the browser drawing the new claim.
This module times the whole of it, in Playwright driving Debian's Chromium (headless), against
real servers:

- ``trivial``, the baseline: ``streamlit run bench/trivial_app.py`` (a title, a button and a
  line counting the clicks; the server flags ``claimreview serve`` uses). A click on "Add one"
  until the line shows the new count.
- ``small`` and ``large``: ``claimreview serve`` on a new SQLite database (the demo imported,
  reviewers created with ``db.accounts.create_user``, one health-style article of bench/
  textgen.py text cut to exactly 20, or 2,000, claims imported with ``db.articles.
  import_file``). A reviewer logs in and opens ``/review?article=A&claim=C``; then "Next →"
  until the header shows "Claim N of M" with the next N; a claim picked in the navigator (a
  click on its words in its row, found by the row's "Open claim N" button) until the header
  shows its N; and "Submit and next" (a verdict and
  a certainty chosen first, untimed: the scales' first values, in a selectbox or as a button,
  whichever the form offers) until it shows the next unreviewed claim's N.

How a click is timed, inside the page so that Python's own latency never enters the figures:

1. Before each click, ``page.evaluate`` arms the page: a capture-phase ``click`` listener on
   the window and a MutationObserver on the body (child lists, text, and the
   ``data-test-script-state`` attribute of ``[data-testid='stApp']``).
2. Playwright clicks the button, found by its role and accessible name. The listener records
   ``performance.now()`` when the click reaches the page, so Playwright's waiting for the
   button to be actionable is not counted.
3. On every batch of DOM changes the observer checks: is a visible text node showing the new
   figure (the counter, or "Claim N of M" with an N other than before the click) AND is the
   script state ``notRunning``? The first time both hold it records the time ("DOM"), then
   asks for the next animation frame; a zero-delay task queued from that frame's
   requestAnimationFrame callback runs once the frame has been produced: its time is the
   figure ("painted": the new content on screen and the script finished).
4. Python awaits the page's promise and reads the times.

Between clicks, untimed, the page settles (script ``notRunning``, a pause, ``notRunning``
again). Each button gets ``WARMUPS`` untimed clicks, then ``Scale.felt_repeats`` timed ones
(a reviewer who runs out of unreviewed claims hands over to a new one, after one more untimed
click). The figures are the median, minimum and maximum painted time in ms; the rows give each
median's ratio to the trivial click's median of the same run, against the target of at most
1.5×. Selectors are roles and accessible names (labels that may be shortened are matched by
pattern: "Submit and next …" or "Submit & next …"); the only Streamlit internal the module reads
is the stApp element's script state.

- ``recurring``: the Evidence gaps page of a desk where the demo's first claim recurs in four
  articles; an editor opens the recurring claim (an expander) until its table of each
  article's claim is on screen and the script has finished (``__feltArmAdded``: more tables
  than before the click), closed again between clicks, untimed.

Steps (each in its own process under bench/run.py, each with its own server, database and
browser): ``trivial``, ``trivial_no_gc``, ``small``, ``large``, ``recurring``.

Run alone: .venv/bin/python bench/felt.py [--scale small|full]   (the three in one process)
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import textgen
from common import ROOT, SCALES, Scale, get, row

from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, READY

TARGET_RATIO = 1.5
WARMUPS = 2
SETTLE_MS = 400  # the pause between clicks, after the script has finished
CLICK_TIMEOUT_MS = 60_000
PASSWORD = "felt benchmark password"
TRIVIAL_APP = Path(__file__).resolve().parent / "trivial_app.py"
SERVER_FLAGS = [
    "--server.headless", "true",
    "--server.fileWatcherType", "none",
    "--browser.gatherUsageStats", "false",
    "--client.toolbarMode", "minimal",
    "--global.developmentMode", "false",
]  # fmt: skip

# What a click waits for: (text prefix, pattern whose first group is the figure that changes).
COUNTER = ("Clicked ", r"^Clicked (\d+) times?")
CLAIM_HEADER = ("Claim ", r"^Claim (\d+) of \d+")
# Buttons and fields by accessible name; a pattern where the label may be shortened.
ADD_ONE = "Add one"
NEXT = re.compile(r"^Next →")  # not the navigator's "Next page"
SUBMIT_AND_NEXT = re.compile(r"^Submit (and|&) next")

# Installed in every page (an init script): finding the figure shown, and arming a timed click.
PAGE_SCRIPT = """
(() => {
  const APP = "[data-testid='stApp']";
  const shown = (prefix, pattern) => {
    const re = new RegExp(pattern);
    const nodes = document.evaluate(
      "//text()[starts-with(normalize-space(.), " + JSON.stringify(prefix) + ")]",
      document, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
    const values = [];
    for (let i = 0; i < nodes.snapshotLength; i++) {
      const node = nodes.snapshotItem(i);
      const element = node.parentElement;
      const match = re.exec(node.nodeValue.trim());
      if (!match || !element || !element.checkVisibility()) continue;
      const box = element.getBoundingClientRect();
      if (box.width > 0 && box.height > 0) values.push(match[1]);
    }
    return values;
  };
  const scriptState = () => {
    const app = document.querySelector(APP);
    return app ? app.getAttribute("data-test-script-state") : null;
  };
  window.__feltShown = shown;
  // Arm a timed click: ``ready()`` gives what the click brought on screen (null until then);
  // done when it does and the script has finished. ``failure()`` says what was missing.
  const arm = (ready, failure, timeoutMs) => {
    let start = null;
    let dom = null;
    let observer = null;
    let timer = null;
    let onClick = null;
    const stop = () => {
      if (observer) observer.disconnect();
      if (timer) clearTimeout(timer);
      window.removeEventListener("click", onClick, true);
    };
    window.__feltResult = new Promise((resolve, reject) => {
      const check = () => {
        if (start === null || dom !== null) return;
        if (scriptState() !== "notRunning") return;
        const now = ready();
        if (now === null) return;
        dom = performance.now();
        requestAnimationFrame(() => setTimeout(() => {
          stop();
          resolve({start, dom, painted: performance.now(), shown: now});
        }, 0));
      };
      onClick = () => {
        if (start === null) {
          start = performance.now();
          check();
        }
      };
      observer = new MutationObserver(check);
      observer.observe(document.body, {
        subtree: true, childList: true, characterData: true,
        attributes: true, attributeFilter: ["data-test-script-state"],
      });
      window.addEventListener("click", onClick, true);
      timer = setTimeout(() => {
        stop();
        reject(new Error(failure() + " within " + timeoutMs + " ms of the click (clicked: " +
          (start !== null) + ", script state: " + scriptState() + ")"));
      }, timeoutMs);
    });
    return true;
  };
  // A click that changes a figure shown ("Claim N of M", the counter).
  window.__feltArm = (prefix, pattern, before, timeoutMs) => arm(
    () => {
      const now = shown(prefix, pattern).filter((value) => value !== before);
      return now.length ? now[0] : null;
    },
    () => "no new " + JSON.stringify(prefix) + " figure (shown: " +
      JSON.stringify(shown(prefix, pattern)) + ")",
    timeoutMs);
  // A click that adds an element: more match ``selector`` than before it.
  window.__feltArmAdded = (selector, timeoutMs) => {
    const count = () => document.querySelectorAll(selector).length;
    const before = count();
    return arm(() => (count() > before ? String(count()) : null),
      () => "no new " + selector, timeoutMs);
  };
})();
"""


# --- servers ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End the server's whole process group (it was started in a session of its own)."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    with contextlib.suppress(ProcessLookupError):  # anything left behind in its group
        os.killpg(process.pid, signal.SIGKILL)


@contextmanager
def served(command: Callable[[int], list[str]], folder: Path, env: dict[str, str]) -> Iterator[str]:
    """Start a server (``command(port)``) in a session of its own; its address once healthy."""
    port = _free_port()
    log_path = folder / f"server-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command(port),
            cwd=folder,
            env={**os.environ, **env},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server ended ({process.returncode}): {_tail(log_path)}")
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"no answer on {base}/_stcore/health: {_tail(log_path)}")
            time.sleep(0.2)
        yield base
    finally:
        _stop(process)


def _tail(path: Path, chars: int = 600) -> str:
    text = path.read_text("utf-8", errors="replace") if path.exists() else ""
    return text[-chars:].strip() or "(no output)"


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, through Playwright; closed whatever happens."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install chromium (never downloaded)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def work_folder(context: dict[str, Any]) -> Iterator[Path]:
    """A folder for the step's database and server logs, removed afterwards.

    A SIGTERM (a run stopped from outside) becomes SystemExit here, so that the servers and the
    browser are still stopped on the way out.
    """
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    parent = context.get("run_dir")
    folder = Path(tempfile.mkdtemp(prefix="felt-", dir=parent if parent else None))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- the page --------------------------------------------------------------------------------


def new_page(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(script=PAGE_SCRIPT)
    return context.new_page()


def settle(page: Any) -> None:
    page.wait_for_selector(READY, timeout=60_000)
    page.wait_for_timeout(SETTLE_MS)
    page.wait_for_selector(READY, timeout=60_000)


def shown(page: Any, target: tuple[str, str]) -> str:
    """The one figure the page shows for ``target`` (waits until exactly one is shown)."""
    handle = page.wait_for_function(
        "([prefix, pattern]) => { const v = new Set(window.__feltShown(prefix, pattern));"
        " return v.size === 1 ? [...v][0] : null; }",
        arg=list(target),
        timeout=60_000,
    )
    return handle.json_value()


def timed_click(page: Any, button: Any, target: tuple[str, str]) -> dict[str, Any]:
    """Click ``button``; milliseconds, measured in the page, until the new figure is shown."""
    before = shown(page, target)
    page.evaluate(
        "([prefix, pattern, before, ms]) => window.__feltArm(prefix, pattern, before, ms)",
        [*target, before, CLICK_TIMEOUT_MS],
    )
    button.click()
    times = page.evaluate("() => window.__feltResult")
    settle(page)
    return {
        "ms": times["painted"] - times["start"],
        "dom_ms": times["dom"] - times["start"],
        "before": before,
        "after": times["shown"],
    }


def summary(timings: list[dict[str, Any]]) -> dict[str, Any]:
    painted = [t["ms"] for t in timings]
    dom = [t["dom_ms"] for t in timings]
    return {
        "median_ms": statistics.median(painted),
        "min_ms": min(painted),
        "max_ms": max(painted),
        "dom_median_ms": statistics.median(dom),
        "samples_ms": [round(ms, 1) for ms in painted],
        "clicks": len(painted),
        "moves": [f"{t['before']}→{t['after']}" for t in timings],  # the claims (or counts)
    }


# --- the trivial app -------------------------------------------------------------------------


def step_trivial(scale: Scale, context: dict[str, Any]) -> dict[str, Any]:
    """The baseline: the trivial app as Streamlit serves any app (its post-run collection on)."""
    return _trivial(scale, context, [])


def step_trivial_no_gc(scale: Scale, context: dict[str, Any]) -> dict[str, Any]:
    """For the record: the trivial app with claimreview's own setting, no full garbage
    collection after each run. Streamlit's default collection costs a trivial click about
    20 ms, so this is the stricter baseline; the target is judged against the default."""
    return _trivial(scale, context, ["--runner.postScriptGC", "false"])


def _trivial(scale: Scale, context: dict[str, Any], flags: list[str]) -> dict[str, Any]:
    def command(port: int) -> list[str]:
        return [
            sys.executable, "-m", "streamlit", "run", str(TRIVIAL_APP), *SERVER_FLAGS, *flags,
            "--server.address", "localhost", "--server.port", str(port),
        ]  # fmt: skip

    with work_folder(context) as folder, served(command, folder, {}) as base, chromium() as b:
        page = new_page(b)
        page.goto(base)
        settle(page)
        button = page.get_by_role("button", name=ADD_ONE)
        timings = [timed_click(page, button, COUNTER) for _ in range(WARMUPS + scale.felt_repeats)]
    return {"click": summary(timings[WARMUPS:])}


# --- the review page -------------------------------------------------------------------------


def article_text(claims: int) -> bytes:
    """bench/textgen.py's health-style text, cut after its ``claims``-th claim."""
    from db.articles import read_and_split

    size = claims * 300
    while True:
        text = textgen.corpus(size, seed=23)
        _, found = read_and_split(text.encode(), "felt.txt")
        if len(found) > claims:
            break
        size *= 2
    for last in range(claims - 1, len(found)):  # the cut may join or drop a trailing piece
        cut = (text[: found[last].end].rstrip() + "\n").encode()
        if len(read_and_split(cut, "felt.txt")[1]) == claims:
            return cut
    raise RuntimeError(f"could not cut the generated text at {claims} claims")


def prepare(folder: Path, claims: int, clicks: int) -> dict[str, Any]:
    """A new database: the demo, the article, and reviewers enough for ``clicks`` submissions."""
    from sqlalchemy import select

    from claims.permissions import Actor
    from db.accounts import create_user
    from db.articles import import_demo_if_empty, import_file
    from db.engine import Database
    from db.models import Claim
    from db.setup import prepare_database

    url = f"sqlite:///{folder / 'felt.db'}"
    database = prepare_database(Database(url))
    try:
        operator = Actor.operator("bench")
        import_demo_if_empty(database)
        imported = import_file(database, article_text(claims), f"felt-{claims}.txt", actor=operator)
        if imported.claim_count != claims:
            raise RuntimeError(f"imported {imported.claim_count} claims, not {claims}")
        with database.read() as session:
            found = session.execute(
                select(Claim.id, Claim.ordinal, Claim.checkable)
                .where(Claim.article_id == imported.article_id)
                .order_by(Claim.ordinal)
            ).all()
        # A reviewer submits on every checkable claim but the last one left (then "next" has
        # nowhere to go); each one after the first costs one more untimed click.
        checkable = sum(bool(c.checkable) for c in found)
        if checkable < 3:
            raise RuntimeError(f"the article has {checkable} checkable claims; 3 are needed")
        reviewers = 1 + math.ceil(clicks / (checkable - 2))
        names = [f"felt-reviewer-{n}" for n in range(1, reviewers + 1)]
        for name in names:
            create_user(database, operator, name, ["reviewer"], password=PASSWORD)
    finally:
        database.dispose()
    return {
        "url": url,
        "article": imported.article_id,
        "claims": [(c.id, c.ordinal, bool(c.checkable)) for c in found],
        "reviewers": names,
    }


def log_in(browser: Any, base: str, username: str) -> Any:
    page = new_page(browser)
    page.goto(base)
    settle(page)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("textbox", name="Username").wait_for(state="detached", timeout=60_000)
    settle(page)
    return page


def open_claim(page: Any, base: str, article: int, claim_id: int, ordinal: int) -> None:
    page.goto(f"{base}/review?article={article}&claim={claim_id}")
    settle(page)
    try:
        found = shown(page, CLAIM_HEADER)
    except Exception as error:
        raise RuntimeError(f"no claim header on {page.url}: {_screen(page)}") from error
    if found != str(ordinal):
        raise RuntimeError(f"{page.url} opened claim {found}, not {ordinal}")


def _screen(page: Any, chars: int = 400) -> str:
    """The start of what the page shows, for an error message."""
    text = page.evaluate("() => document.body.innerText")
    return " ".join(text.split())[:chars]


def choose(page: Any, scale: str) -> None:
    """Choose the first value of ``scale`` (its label, from the scale data) in the form, which
    offers each value as an option (a radio; the two scales' labels differ)."""
    from claims.scales import default_scales

    label = next(iter(default_scales()[scale].labels().values()))
    value = re.compile(rf"^{re.escape(label)}\b")
    page.get_by_role("radio", name=value).first.click()
    settle(page)


def time_next(page: Any, base: str, setup: dict[str, Any], scale: Scale) -> list[dict[str, Any]]:
    first_id, first_ordinal, _ = setup["claims"][0]
    open_claim(page, base, setup["article"], first_id, first_ordinal)
    button = page.get_by_role("button", name=NEXT)
    timings = []
    while len(timings) < WARMUPS + scale.felt_repeats:
        if button.is_disabled():  # the last claim: start again from the first, untimed
            open_claim(page, base, setup["article"], first_id, first_ordinal)
        timings.append(timed_click(page, button, CLAIM_HEADER))
    return timings[WARMUPS:]


def time_pick(page: Any, base: str, setup: dict[str, Any], scale: Scale) -> list[dict[str, Any]]:
    """Open claims by picking them in the navigator: a click on the claim's words in its row,
    each time a row other than the claim shown (the first few checkable claims, in turn)."""
    first_id, first_ordinal, _ = setup["claims"][0]
    open_claim(page, base, setup["article"], first_id, first_ordinal)
    ordinals = [o for _, o, checkable in setup["claims"] if checkable][1:6]
    timings = []
    for n in range(WARMUPS + scale.felt_repeats):
        number = page.get_by_role("button", name=f"Open claim {ordinals[n % len(ordinals)]}")
        row = page.get_by_role("row").filter(has=number)
        timings.append(timed_click(page, row.get_by_role("cell").nth(2), CLAIM_HEADER))
    return timings[WARMUPS:]


def time_submit(browser: Any, base: str, setup: dict[str, Any], scale: Scale) -> list[Any]:
    checkable = [(i, o) for i, o, c in setup["claims"] if c]
    reviewers = iter(setup["reviewers"])
    timings: list[dict[str, Any]] = []
    page, untimed, submitted = None, WARMUPS, set()
    try:
        while len(timings) < scale.felt_repeats:
            current = shown(page, CLAIM_HEADER) if page else None
            if page is None or not {str(o) for _, o in checkable} - submitted - {current}:
                # This reviewer has no other claim to go to: a new one starts at the first.
                if page is not None:
                    page.context.close()
                    untimed = max(untimed, 1)
                page, submitted = log_in(browser, base, next(reviewers)), set()
                open_claim(page, base, setup["article"], *checkable[0])
                current = str(checkable[0][1])
            choose(page, "verdict")
            choose(page, "certainty")
            timing = timed_click(
                page, page.get_by_role("button", name=SUBMIT_AND_NEXT), CLAIM_HEADER
            )
            submitted.add(current)
            if untimed:
                untimed -= 1
            else:
                timings.append(timing)
    finally:
        if page is not None:
            page.context.close()
    return timings


def serve_command() -> Callable[[int], list[str]]:
    """``claimreview serve`` on a port, as a person starts the app (this venv's script)."""
    script = shutil.which("claimreview", path=str(Path(sys.executable).parent))
    if script is None:
        raise RuntimeError("the claimreview console script is missing: pip install -e .")
    return lambda port: [script, "serve", "--port", str(port), "--address", "localhost"]


def _article(claims: int, scale: Scale, context: dict[str, Any]) -> dict[str, Any]:
    command = serve_command()

    with work_folder(context) as folder:
        setup = prepare(folder, claims, WARMUPS + scale.felt_repeats)
        checkable = sum(c for *_, c in setup["claims"])
        env = {"CLAIMREVIEW_DATABASE_URL": setup["url"]}
        with served(command, folder, env) as base, chromium() as browser:
            page = log_in(browser, base, setup["reviewers"][0])
            next_timings = time_next(page, base, setup, scale)
            pick_timings = time_pick(page, base, setup, scale)
            page.context.close()
            submit_timings = time_submit(browser, base, setup, scale)
    return {
        "claims": claims,
        "checkable": checkable,
        "next": summary(next_timings),
        "pick": summary(pick_timings),
        "submit": summary(submit_timings),
    }


def step_small(scale: Scale, context: dict[str, Any]) -> dict[str, Any]:
    return _article(scale.interaction_claims[0], scale, context)


def step_large(scale: Scale, context: dict[str, Any]) -> dict[str, Any]:
    return _article(scale.interaction_claims[1], scale, context)


# --- the dashboard's recurring claims ----------------------------------------------------------

RECURRING_TABLE = "[data-testid='stExpander'] table"  # a recurring claim's occurrences, opened


def prepare_recurring(folder: Path) -> dict[str, Any]:
    """The demo and three articles retelling its first claim (so it recurs in four), matched,
    and an editor."""
    from claims.permissions import Actor
    from db.accounts import create_user
    from db.articles import import_demo_if_empty, import_file
    from db.claim_matches import match_queued
    from db.engine import Database
    from db.setup import prepare_database
    from tests.samples import MYELOMA_RETELLINGS

    url = f"sqlite:///{folder / 'felt.db'}"
    database = prepare_database(Database(url))
    try:
        operator = Actor.operator("bench")
        import_demo_if_empty(database)
        for n, wording in enumerate(MYELOMA_RETELLINGS):
            import_file(database, f"Myeloma {n}\n\n{wording}\n".encode(), f"myth{n}.txt",
                        actor=operator)  # fmt: skip
        match_queued(database, limit=1000)
        create_user(database, operator, "felt-editor", ["editor"], password=PASSWORD)
    finally:
        database.dispose()
    return {"url": url}


def step_recurring(scale: Scale, context: dict[str, Any]) -> dict[str, Any]:
    """Opening a recurring claim on the Evidence gaps page, until each article's claim is
    listed and the script has finished (closed again between clicks, untimed)."""
    command = serve_command()

    with work_folder(context) as folder:
        setup = prepare_recurring(folder)
        env = {"CLAIMREVIEW_DATABASE_URL": setup["url"], "CLAIMREVIEW_BACKGROUND_MATCHING": "0"}
        with served(command, folder, env) as base, chromium() as browser:
            page = log_in(browser, base, "felt-editor")
            page.goto(f"{base}/dashboard")
            settle(page)
            myth = page.get_by_test_id("stExpander").filter(has_text=re.compile(r"\d+ articles"))
            head = myth.first.locator("summary")
            head.wait_for(timeout=60_000)
            head.scroll_into_view_if_needed()
            timings = []
            for _ in range(WARMUPS + scale.felt_repeats):
                page.evaluate("([s, ms]) => window.__feltArmAdded(s, ms)",
                              [RECURRING_TABLE, CLICK_TIMEOUT_MS])  # fmt: skip
                head.click()
                times = page.evaluate("() => window.__feltResult")
                settle(page)
                timings.append({"ms": times["painted"] - times["start"],
                                "dom_ms": times["dom"] - times["start"],
                                "before": "closed", "after": "open"})  # fmt: skip
                head.click()  # closed again, untimed
                settle(page)
                page.locator(RECURRING_TABLE).wait_for(state="detached", timeout=30_000)
    return {"open": summary(timings[WARMUPS:])}


STEPS = {
    "trivial": step_trivial,
    "trivial_no_gc": step_trivial_no_gc,
    "small": step_small,
    "large": step_large,
    "recurring": step_recurring,
}


def _spread(figures: dict[str, Any]) -> dict[str, Any]:
    return {
        "min_ms": figures["min_ms"],
        "max_ms": figures["max_ms"],
        "dom_median_ms": figures["dom_median_ms"],
        "samples_ms": figures["samples_ms"],
    }


def _against_trivial(
    name: str, figures: dict[str, Any], base: float | None, peak_mb: float, **details: Any
) -> dict[str, Any]:
    """A timed click's row, judged against the trivial click's median ``base``."""
    ratio = figures["median_ms"] / base if base else None
    return row(
        name,
        figures["median_ms"],
        "ms",
        baseline=base,
        baseline_name="trivial app click",
        target=f"≤{TARGET_RATIO:g}× the trivial click",
        met=None if ratio is None else ratio <= TARGET_RATIO,
        peak_mb=peak_mb,
        **details,
        **_spread(figures),
    )


def rows(_scale: Scale, measurements: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    trivial = get(measurements, "felt.trivial")
    base = trivial["click"]["median_ms"] if trivial else None
    result = []
    if trivial:
        result.append(
            row(
                "felt: trivial app click (browser)",
                base,
                "ms",
                target="(the baseline of felt clicks)",
                peak_mb=trivial["peak_mb"],
                **_spread(trivial["click"]),
            )
        )
    strict = get(measurements, "felt.trivial_no_gc")
    if strict:
        result.append(
            row(
                "felt: trivial app click, no post-run GC (as claimreview serves)",
                strict["click"]["median_ms"],
                "ms",
                target="(for the record: the stricter baseline)",
                peak_mb=strict["peak_mb"],
                **_spread(strict["click"]),
            )
        )
    recurring = get(measurements, "felt.recurring")
    if recurring:
        name = "felt: dashboard, opening a recurring claim"
        result.append(_against_trivial(name, recurring["open"], base, recurring["peak_mb"]))
    for step in ("small", "large"):
        found = get(measurements, f"felt.{step}")
        if not found:
            continue
        labels = (("next", "Next →"), ("pick", "a claim picked in the navigator"),
                  ("submit", "submit and next"))  # fmt: skip
        for key, label in labels:
            if key not in found:  # a run saved before picks were timed
                continue
            name = f"felt: review {label}, {found['claims']:,} claims"
            checkable = {"checkable_claims": found["checkable"]}
            result.append(_against_trivial(name, found[key], base, found["peak_mb"], **checkable))
    return result


def main(argv: list[str] | None = None) -> int:
    from common import peak_mb
    from run import table

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    args = parser.parse_args(argv)
    scale = SCALES[args.scale]
    measurements = {}
    for name, step in STEPS.items():
        print(f"» felt.{name} ...", file=sys.stderr, flush=True)
        measurements[f"felt.{name}"] = {**step(scale, {}), "peak_mb": peak_mb()}
    found = rows(scale, measurements)
    print(table(found))
    print(f"\n{scale.felt_repeats} timed clicks each, after {WARMUPS} untimed; min–max (ms):")
    for r in found:
        d = r["details"]
        print(f"  {r['name']}: {d['min_ms']:.0f}–{d['max_ms']:.0f}; samples {d['samples_ms']}")
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} on {os.cpu_count()} CPUs; root {ROOT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
