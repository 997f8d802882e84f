"""What the AppTest tests of the live pages share: the Berlin quiz session of the demo
network opened from "Run live", a facilitator's steps taken directly through
peerlearn.live, phones joining it, and the presenter view of it.

The screens follow the session's version row (peerlearn.ui.follow): under AppTest no
browser waits on it, so a test redraws a screen with ``at.run()`` once the change is
made, as the component would ask for. Every change made through peerlearn.live moves
that version, so the next run shows it; a row edited by hand has to move it too
(:func:`bump`).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session, SQLModel, select
from streamlit.testing.v1 import AppTest

from peerlearn import models as m
from peerlearn.live import clock, joining, screens
from peerlearn.live import quiz as live_quiz
from tests.ui.conftest import APP, user_of

QUIZ_SESSION = "Interactive quiz: smart city peculiarities of the cities"
DEMO_ANSWERS = 48  # twelve 2023 participants, four questions


# --- the session and its rows -----------------------------------------------------------


def quiz_session(engine) -> m.EventSession:
    with Session(engine) as session:
        return session.exec(
            select(m.EventSession).where(m.EventSession.title == QUIZ_SESSION)
        ).one()


def fresh(engine, row_id: int) -> m.EventSession:
    """The session row as stored now."""
    with Session(engine) as session:
        return session.get(m.EventSession, row_id)


def network_of(engine, row_id: int) -> int:
    with Session(engine) as session:
        row = session.get(m.EventSession, row_id)
        return session.get(m.Event, row.event_id).network_id


def questions(engine, row_id: int) -> list[m.Question]:
    with Session(engine) as session:
        actor = session.get(m.User, user_of(engine, "facilitator").id)
        found = live_quiz.session_questions(session, actor=actor, session_id=row_id)
        for question in found:
            session.expunge(question)
        return found


def states(engine, row_id: int) -> list[str]:
    return [live_quiz.state(q) for q in questions(engine, row_id)]


def options(engine, question_id: int) -> list[m.Option]:
    with Session(engine) as session:
        found = list(
            session.exec(
                select(m.Option)
                .where(m.Option.question_id == question_id)
                .order_by(m.Option.position, m.Option.id)
            )
        )
        for option in found:
            session.expunge(option)
        return found


def answers(engine, row_id: int) -> int:
    """Answers stored for the session's quiz."""
    with Session(engine) as session:
        actor = session.get(m.User, user_of(engine, "facilitator").id)
        return live_quiz.quiz_answers(session, actor=actor, session_id=row_id)


def bump(engine, row_id: int) -> None:
    """Move the session's version after a row was edited by hand, as every change made
    through peerlearn.live does."""
    with Session(engine) as session:
        clock.bump(session, row_id, stage=True)
        session.commit()


def not_yet_opened(engine, row_id: int, question_id: int) -> None:
    """The demo's quiz was played in 2023: put a question back to "not opened yet"."""
    with Session(engine) as session:
        question = session.get(m.Question, question_id)
        question.opened_at = question.closed_at = question.revealed_at = None
        question.closes_at = None
        session.add(question)
        session.commit()
    bump(engine, row_id)


# --- Run live -------------------------------------------------------------------------


def choose(at: AppTest, row: m.EventSession) -> AppTest:
    """Pick the network, the event and the session in Run live's pickers."""
    with Session(at.engine) as session:
        event = session.get(m.Event, row.event_id)
    at.selectbox(key="live_network").set_value(event.network_id).run()
    at.selectbox(key="live_event").set_value(event.id).run()
    at.selectbox(key="live_session").set_value(row.id).run()
    return at


def run_live(app, *, start: bool = True) -> AppTest:
    """'Run live' as a facilitator on the Berlin quiz session, opened for phones unless
    ``start`` is False; ``at.row_id`` is the session's id."""
    at = app("facilitator", "pages/live.py")
    row = quiz_session(at.engine)
    choose(at, row)
    assert not at.exception
    if start:
        at.button(key="live_start").click().run()
        assert not at.exception and not at.error
    at.row_id = row.id
    return at


def tab(at: AppTest, name: str) -> AppTest:
    """Open a tab of Run live (only the open tab runs)."""
    at.session_state["live_tab"] = name
    return at.run()


def drive(engine, row_id: int, action: Callable, **kwargs):
    """A facilitator's step taken directly through peerlearn.live (the page is tested
    apart); a row it returns comes back detached."""
    with Session(engine) as session:
        actor = session.get(m.User, user_of(engine, "facilitator").id)
        result = action(session, actor=actor, session_id=row_id, **kwargs)
        if isinstance(result, SQLModel):
            session.refresh(result)
            session.expunge(result)
    return result


def buttons(at: AppTest, *keys: str) -> dict[str, tuple[str, bool]]:
    """(label, disabled) of the buttons with these keys."""
    return {key: (at.button(key=key).label, at.button(key=key).disabled) for key in keys}


def labels(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


def click(at: AppTest, label: str) -> AppTest:
    """Click the (first) button labelled ``label`` and run."""
    return next(b for b in at.button if b.label == label).click().run()


# --- phones -----------------------------------------------------------------------------


def phone(query: dict) -> AppTest:
    """A phone's browser on the join page with ``query`` in its address."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query)
    at.switch_page("pages/join.py")
    return at.run()


def tandem_city(engine, row_id: int) -> int:
    """A city of the session's network that is in one of its tandems (so its people
    can post to the wall)."""
    network_id = network_of(engine, row_id)
    with Session(engine) as session:
        cities = {c.id for c in screens.session_cities(session, session_id=row_id)}
        in_tandems = session.exec(
            select(m.TandemCity.city_id)
            .join(m.Tandem, m.Tandem.id == m.TandemCity.tandem_id)
            .where(m.Tandem.network_id == network_id, m.Tandem.archived_at.is_(None))
            .order_by(m.TandemCity.city_id)
        ).all()
    return next(c for c in in_tandems if c in cities)


def join(engine, row_id: int, *, city_id: int | None = None, name: str = "") -> str:
    """A participant joining as the join page does; their token."""
    code = fresh(engine, row_id).join_code
    with Session(engine) as session:
        row = joining.session_by_code(session, code=code)
        person = joining.join(
            session,
            session_id=row.id,
            city_id=tandem_city(engine, row_id) if city_id is None else city_id,
            display_name=name,
        )
        return person.token


def joined(engine, row_id: int, **kwargs) -> tuple[AppTest, str]:
    """A phone that joined the session, on its participation link; and its token."""
    token = join(engine, row_id, **kwargs)
    return phone({"p": token}), token


def participant(engine, token: str) -> m.Participant:
    with Session(engine) as session:
        return session.exec(select(m.Participant).where(m.Participant.token == token)).one()


def texts(at: AppTest) -> list[str]:
    """What the page says in text, markdown, captions, alerts and HTML."""
    found = [e.value for kind in ("text", "markdown", "caption") for e in at.get(kind)]
    found += [e.value for e in [*at.info, *at.success, *at.warning, *at.error]]
    return found + [h.proto.body for h in at.get("html")]


# --- the presenter view -------------------------------------------------------------------


def presenter(at: AppTest, row_id: int, key: str | None = None) -> AppTest:
    """Switch ``at`` to the presenter view of the session (its key from Run live)."""
    if key is None:
        with Session(at.engine) as session:
            key = screens.presenter_key(session, session.get(m.EventSession, row_id))
    at.query_params["session"] = str(row_id)
    at.query_params["key"] = key
    return at.switch_page("pages/presenter.py").run()


def html(at: AppTest) -> str:
    """The large type of the presenter view (st.html blocks), in one string."""
    return " ".join(h.proto.body for h in at.get("html"))


def presenter_html(at: AppTest, row_id: int) -> str:
    presenter(at, row_id)
    assert not at.exception
    return html(at)


def charted(at: AppTest) -> bool:
    return bool(at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart"))
