"""An unexpected error on any page shows a short, polite message with an incident id,
and logs the whole trace with that id on the server; the browser never sees the trace.
A malformed address is not an error at all: it shows the page's own "not found"."""

from __future__ import annotations

import logging
import re

import pytest
from streamlit.testing.v1 import AppTest

from peerlearn.live import screens
from peerlearn.ui import auth, incidents
from tests.ui.conftest import APP
from tests.ui.live_helpers import texts

SECRET = "secret detail at /srv/peerlearn/db.py line 42"
TRACE_WORDS = ("Traceback", "RuntimeError", "ValueError", "OverflowError", "secret", "/srv/")


def _presenter(query: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query)
    at.switch_page("pages/presenter.py")
    return at


def _everything(at: AppTest) -> str:
    shown = texts(at) + [e.value for e in at.exception] + [e.stack_trace for e in at.exception]
    return " ".join(str(part) for part in shown)


def test_an_unexpected_error_shows_an_incident_id_and_logs_the_trace(app_db, monkeypatch, caplog):
    app_db("demo")

    def broken(*_args, **_kwargs):
        raise RuntimeError(SECRET)

    monkeypatch.setattr(screens, "session_for_presenter", broken)
    at = _presenter({"session": "1", "key": "anything"})
    with caplog.at_level(logging.ERROR):
        at.run()

    assert not at.exception
    everything = _everything(at)
    for word in TRACE_WORDS:
        assert word not in everything
    [message] = [e.value for e in at.error]
    incident = re.search(r"\b[0-9a-f]{8}\b", message)
    assert incident, message
    logged = [r for r in caplog.records if getattr(r, "incident", None) == incident.group()]
    assert len(logged) == 1
    assert incident.group() in logged[0].getMessage()
    assert logged[0].exc_info[0] is RuntimeError
    assert SECRET in logged[0].exc_text or SECRET in str(logged[0].exc_info[1])


def test_each_incident_has_its_own_id(app_db, monkeypatch):
    app_db("demo")

    def broken(*_args, **_kwargs):
        raise RuntimeError(SECRET)

    monkeypatch.setattr(screens, "session_for_presenter", broken)
    ids = set()
    for _ in range(2):
        at = _presenter({"session": "1", "key": "anything"}).run()
        ids |= set(re.findall(r"\b[0-9a-f]{8}\b", " ".join(e.value for e in at.error)))
    assert len(ids) == 2


@pytest.mark.parametrize(
    "session", ["²", "99999999999999999999999", "-1", "1.5", "0x10", " 1", "1\x00", "٣"]
)
def test_a_malformed_session_in_the_address_is_not_found(app_db, session):
    app_db("demo")
    at = _presenter({"session": session, "key": "anything"}).run()
    assert not at.exception
    assert not at.error
    everything = _everything(at)
    for word in TRACE_WORDS:
        assert word not in everything
    assert any("Open the presenter view from" in text for text in texts(at))


@pytest.mark.parametrize("key", ["é", "\x00", "ключ" * 20])
def test_a_malformed_presenter_key_is_refused_politely(app_db, key):
    app_db("demo")
    at = _presenter({"session": "1", "key": key}).run()
    assert not at.exception
    assert any("not valid" in text for text in texts(at))


def test_a_malformed_participant_link_is_refused_politely(app_db):
    app_db("demo")
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"p": "abc\x00def", "code": "²\x00"})
    at.switch_page("pages/join.py")
    at.run()
    assert not at.exception
    everything = _everything(at)
    for word in TRACE_WORDS:
        assert word not in everything


def test_an_error_in_the_router_itself_shows_the_incident_message(app_db, monkeypatch):
    app_db("demo")

    def broken(*_args, **_kwargs):
        raise RuntimeError(SECRET)

    monkeypatch.setattr(auth, "current_user", broken)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert SECRET not in _everything(at)
    assert re.search(r"\b[0-9a-f]{8}\b", " ".join(e.value for e in at.error))


def test_the_servers_last_net_logs_an_incident_and_hides_streamlits_message(caplog):
    # st.App(on_script_error=...) in app.py: fragments' own reruns and widget callbacks.
    with caplog.at_level(logging.ERROR):
        assert incidents.on_script_error(RuntimeError(SECRET)) is True
    [record] = [r for r in caplog.records if getattr(r, "incident", None)]
    assert re.fullmatch(r"[0-9a-f]{8}", record.incident)
    assert record.exc_info[0] is RuntimeError
