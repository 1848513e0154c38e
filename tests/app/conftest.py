"""What every AppTest module shares: the app's entry file, a database the app will open, and a
run that fails on any exception the page raised."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import review_app
from db.engine import Database

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
    [shown] = [c for c in at.get("bidi_component") if c.proto.component_name.endswith(name)]
    return json.loads(shown.proto.json)


def send_event(at: AppTest, name: str, event: str, value: object) -> AppTest:
    """Run the page as the browser does after the component ``name`` sent ``event`` with
    ``value`` (``setTriggerValue``): the component's own callback for it runs, then the page.

    AppTest cannot click inside a component, so this builds the message the browser would
    send: the page's widget values plus the component's event, under the id Streamlit gives
    a component's events (an internal of Streamlit's, checked by every test that uses it).
    """
    from streamlit.components.v2.bidi_component.main import _make_trigger_id

    [shown] = [c for c in at.get("bidi_component") if c.proto.component_name.endswith(name)]
    states = at._tree.get_widget_states()
    state = states.widgets.add()
    state.id = _make_trigger_id(shown.proto.id, "events")
    state.json_trigger_value = json.dumps([{"event": event, "value": value}])
    at._run(states)
    assert not at.exception, [e.value for e in at.exception]
    return at


def rating_shown(at: AppTest) -> dict[str, str | None]:
    """The verdict and certainty the form's rating picker shows as chosen, by row name."""
    return {row["name"]: row["chosen"] for row in component_data(at, "claimreview_rating")["rows"]}


def choose(at: AppTest, label: str) -> AppTest:
    """Choose the review form's verdict or certainty option named ``label`` ("Misleading",
    "Low"), as a click on it does: the rating picker sends the row and the option's code."""
    from claims.scales import default_scales

    scales = default_scales()
    for name in ("verdict", "certainty"):
        codes = [c for c, text in scales[name].labels().items() if text == label]
        if codes:
            [row] = [r for r in component_data(at, "claimreview_rating")["rows"]
                     if r["name"] == name]  # fmt: skip
            assert codes[0] in [option[0] for option in row["options"]], (label, row)
            return send_event(at, "claimreview_rating", "pick", [name, codes[0]])
    raise AssertionError(f"no verdict or certainty is labelled {label!r}")
