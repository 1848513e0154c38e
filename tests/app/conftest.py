"""What every AppTest module shares: the app's entry file, a database the app will open, and a
run that fails on any exception the page raised."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import review_app
from db.engine import Database
from review_app import resources
from review_app.deferred_saves import wait_for_all

APP = str(Path(review_app.__file__).parent / "app.py")


@pytest.fixture
def app_database(sqlite_database: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    """A fresh database that the app's cached resources point at."""
    monkeypatch.setenv("CLAIMREVIEW_DATABASE_URL", sqlite_database.url)
    monkeypatch.setenv("CLAIMREVIEW_BACKGROUND_MATCHING", "0")  # the tests match explicitly
    from review_app import resources

    resources.database.clear()
    resources.clear_cached_reads()
    return sqlite_database


def run_app(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def component_data(at: AppTest, name: str) -> dict:
    """What the page sends the component ``name`` (``claimreview_rating``...): its JSON data."""
    return json.loads(_component(at, name).proto.json)


def _component(at: AppTest, name: str):
    [shown] = [c for c in at.get("bidi_component") if c.proto.component_name.endswith(name)]
    return shown


def send_event(
    at: AppTest,
    name: str,
    event: str,
    value: object,
    *,
    state: dict | None = None,
    states: dict[str, dict] | None = None,
    then: list[tuple[str, object]] = (),
) -> AppTest:
    """Run the page as the browser does after the component ``name`` sent ``event`` with
    ``value`` (``setTriggerValue``; none when ``event`` is empty), and it (``state``) or others
    (``states``, by component name) set those state values (``setStateValue``): all in one
    request, as the browser merges what happens before the page answers. The components'
    callbacks run, then the page.

    AppTest cannot click inside a component, so this builds the message the browser would
    send: the page's widget values plus the components', under the ids Streamlit gives a
    component's state and events (internals of Streamlit's, checked by every test that uses
    them).
    """
    from streamlit.components.v2.bidi_component.main import _make_trigger_id

    widgets = at._tree.get_widget_states()
    if event:
        trigger = widgets.widgets.add()
        trigger.id = _make_trigger_id(_component(at, name).proto.id, "events")
        payloads = [(event, value), *then]  # ``then``: more events sent in the same batch
        trigger.json_trigger_value = json.dumps([{"event": e, "value": v} for e, v in payloads])
    held_states = dict(states or {})
    if state is not None:
        held_states[name] = state
    for component, held in held_states.items():
        widget = widgets.widgets.add()
        widget.id = _component(at, component).proto.id
        widget.json_value = json.dumps(held)
    at._run(widgets)
    assert not at.exception, [e.value for e in at.exception]
    # A Submit & next is saved just after its run (review_app/deferred_saves.py): made now, as
    # it is a moment later in the browser; the session's next run learns how it went.
    wait_for_all()
    return at


SAVES = {"Save draft": "draft", "Submit": "submit", "Submit & next": "next"}


def save(at: AppTest, label: str, **states: dict) -> AppTest:
    """Click the review form's save button ``label`` ("Save draft", "Submit", "Submit &
    next"), with the components' ``states`` (by component name) sent in the same request."""
    [shown] = [b for b in component_data(at, "claimreview_saves")["buttons"] if b[1] == label]
    assert shown[0] == SAVES[label], shown
    return send_event(at, "claimreview_saves", "save", SAVES[label], states=states)


def send_choice(at: AppTest, **chosen: str | None) -> AppTest:
    """The rating picker after a click: the rows clicked (``chosen``), with the form they were
    chosen on and the next count, as the picker sends them."""
    data = component_data(at, "claimreview_rating")
    choice = {"form": data["form"], "count": data["seen"] + 1, **chosen}
    return send_event(at, "claimreview_rating", "", None, state={"choice": choice})


def rating_shown(at: AppTest) -> dict[str, str | None]:
    """The verdict and certainty the form's rating picker shows as chosen, by row name."""
    return {row["name"]: row["chosen"] for row in component_data(at, "claimreview_rating")["rows"]}


def choose(at: AppTest, label: str) -> AppTest:
    """Choose the review form's verdict or certainty option named ``label`` ("Misleading",
    "Low"), as a click on it does: the rating picker sends every row's value."""
    from claims.scales import default_scales

    scales = default_scales()
    for name in ("verdict", "certainty"):
        codes = [c for c, text in scales[name].labels().items() if text == label]
        if codes:
            [row] = [r for r in component_data(at, "claimreview_rating")["rows"]
                     if r["name"] == name]  # fmt: skip
            assert codes[0] in [option[0] for option in row["options"]], (label, row)
            return send_choice(at, **{name: codes[0]})
    raise AssertionError(f"no verdict or certainty is labelled {label!r}")


@pytest.fixture(autouse=True)
def _no_reviews_kept_from_other_tests() -> Iterator[None]:
    """What the app keeps for a user between sessions lives in the process (by user id), and
    every test's database has its own user 1."""
    from review_app import deferred_saves

    deferred_saves._KEPT.clear()
    yield
    # What the page read ahead on a thread is done before the test's database goes.
    for thread in threading.enumerate():
        if thread.name == resources.READ_AHEAD_THREAD:
            thread.join(10)
