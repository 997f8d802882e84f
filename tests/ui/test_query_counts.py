"""No query per row: each page issues as many SQL statements at demo scale 20 as at scale 1,
and each live screen as many for a room of twelve as for a room of two.

For every page in a role's navigation, the statements of one steady-state render (the
second run on that page, with st.cache_data cleared first so nothing is hidden by a
cache) are counted with a SQLAlchemy event on every Engine. Where a page shows one
network, the biggest network is chosen (the synthetic one at scale 20), and the tandem
member works for every tandem, so their data grows with the scale too.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import event, func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from peerlearn import models as m
from peerlearn.db import ENV_VAR, make_engine, upgrade
from peerlearn.demo import load_demo
from peerlearn.live import answers as live_answers
from peerlearn.live import lifecycle, votes, wall
from peerlearn.live import quiz as live_quiz
from peerlearn.models import Network, Tandem, User, UserRole, UserTandem
from tests.ui import live_helpers
from tests.ui.conftest import APP, EMAILS, _add_users, signed_in

SCALES = (1, 20)
ROLES = ("coordinator", "tandem")


def _build(path: Path, scale: int) -> None:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with Session(engine) as session:
        load_demo(session, scale=scale)
        _add_users(session)
        tandem_ids = list(session.exec(select(Tandem.id).order_by(Tandem.id)))
        member = session.exec(select(User).where(User.email == EMAILS["tandem"])).one()
        # Accounts grow with the scale too: three more tandem members per unit.
        extra = [
            User(email=f"member{n}@example.org", name=f"Member {n}", role=UserRole.TANDEM)
            for n in range(3 * scale)
        ]
        session.add_all(extra)
        session.flush()
        links = [UserTandem(user_id=member.id, tandem_id=t) for t in tandem_ids[1:]]
        links += [
            UserTandem(user_id=user.id, tandem_id=tandem_ids[n % len(tandem_ids)])
            for n, user in enumerate(extra)
        ]
        session.add_all(links)
        session.commit()
    engine.dispose()


@pytest.fixture(scope="module")
def scaled_templates(tmp_path_factory) -> dict[int, Path]:
    root = tmp_path_factory.mktemp("scaled")
    paths = {}
    for scale in SCALES:
        paths[scale] = root / f"scale{scale}.db"
        _build(paths[scale], scale)
    return paths


@contextmanager
def counting() -> Iterator[list[str]]:
    """The SQL statements every engine sends while the block runs."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def _biggest_network(path: Path) -> tuple[int, str]:
    engine = make_engine(f"sqlite:///{path}")
    with Session(engine) as session:
        found = session.exec(
            select(Network.id, Network.name)
            .join(Tandem, Tandem.network_id == Network.id)
            .group_by(Network.id, Network.name)
            .order_by(func.count().desc(), Network.name)
            .limit(1)
        ).one()
    engine.dispose()
    return found[0], found[1]


def _choose_network(at: AppTest, network: tuple[int, str]) -> bool:
    """Select the network in every network picker on the page; True if there was one.

    Pickers hold ids and show names, so the choice is set by id (select_index would
    set the shown name).
    """
    network_id, name = network
    chosen = False
    for box in [*at.main.selectbox, *at.sidebar.selectbox]:
        if name in box.options and box.value is not None:
            box.set_value(network_id)
            chosen = True
    return chosen


def _page_counts(path: Path, role: str, monkeypatch) -> tuple[dict[str, int], dict[str, str]]:
    """Statements per page of ``role``'s navigation on the database at ``path``."""
    monkeypatch.setenv(ENV_VAR, f"sqlite:///{path}")
    st.cache_resource.clear()
    st.cache_data.clear()
    engine = make_engine(f"sqlite:///{path}")
    network = _biggest_network(path)
    at = signed_in(engine, role)
    pages = [
        (info["page_name"], str(Path(str(info["script_path"])).relative_to(Path(APP).parent)))
        for info in at._registered_pages.values()
    ]
    counts, problems = {}, {}
    for title, file in pages:
        at.switch_page(file).run()
        if _choose_network(at, network):
            at.run()
        st.cache_data.clear()
        with counting() as statements:
            at.run()
        counts[title] = len(statements)
        if at.exception:
            problems[title] = at.exception[0].value
    engine.dispose()
    return counts, problems


@pytest.mark.parametrize("role", ROLES)
def test_statements_per_page_do_not_grow_with_the_data(
    scaled_templates, role, tmp_path, monkeypatch
):
    counts, problems = {}, {}
    for scale in SCALES:
        path = tmp_path / f"scale{scale}.db"
        shutil.copy(scaled_templates[scale], path)
        counts[scale], problems[scale] = _page_counts(path, role, monkeypatch)
    assert counts[1].keys() == counts[20].keys()
    table = "\n".join(
        f"  {title:<20} scale 1: {counts[1][title]:>4}   scale 20: {counts[20][title]:>4}"
        + ("" if counts[1][title] == counts[20][title] else "   <-- grows with the data")
        for title in counts[1]
    )
    print(f"\nSQL statements per render as {role}:\n{table}")
    assert not problems[1] and not problems[20], f"pages raised: {problems}"
    growing = [title for title in counts[1] if counts[1][title] != counts[20][title]]
    assert not growing, f"statement counts differ between scale 1 and 20 on {growing}:\n{table}"
    assert all(count > 0 for count in counts[1].values()), table


# --- the live screens: no query per person in the room ------------------------------------

ROOMS = (2, 12)
ACTIVITIES = ("quiz", "challenge wall", "voting")
RUN_LIVE_TABS = {"quiz": "Quiz", "challenge wall": "Challenge wall", "voting": "Dot-voting"}


def _fill_room(engine, row_id: int, people: int, *, question_id: int, option_id: int, group_id):
    """``people`` more participants: each answers, posts a challenge and places a dot."""
    tokens = []
    for n in range(people):
        token = live_helpers.join(engine, row_id, name=f"Person {n}")
        with Session(engine) as session:
            live_answers.answer_question(
                session, token=token, question_id=question_id, option_ids=[option_id]
            )
            tandem = wall.participant_tandems(session, token=token)[0]
            wall.post_challenge(
                session, token=token, data=m.WallPostCreate(text=f"Post {n}", tandem_id=tandem.id)
            )
            votes.add_dots(session, token=token, common_challenge_id=group_id, by=1)
        tokens.append(token)
    return tokens


def _redraw(engine, row_id: int, at: AppTest) -> int:
    """Statements of one redraw of ``at`` after the session moved (so the shared
    snapshot of the new version is built in it, not taken from the cache)."""
    live_helpers.bump(engine, row_id)
    with counting() as statements:
        at.run()
    assert not at.exception, at.exception[0].value
    return len(statements)


def test_statements_per_live_screen_do_not_grow_with_the_room(app):
    run_live = live_helpers.run_live(app)
    engine, row_id = run_live.engine, run_live.row_id
    facilitator = live_helpers.drive
    facilitator(engine, row_id, live_quiz.fresh_quiz_run)
    facilitator(engine, row_id, lifecycle.set_activity, activity="quiz")
    question = facilitator(engine, row_id, live_quiz.step, direction=1)
    facilitator(engine, row_id, live_quiz.open_question, question_id=question.id)
    option = live_helpers.options(engine, question.id)[0]
    with Session(engine) as session:
        loose = session.exec(
            select(m.Challenge.id)
            .join(m.Tandem)
            .where(
                m.Tandem.network_id == live_helpers.network_of(engine, row_id),
                m.Challenge.common_challenge_id.is_(None),
            )
        ).first()
    group = facilitator(
        engine, row_id, wall.group_wall_challenges, challenge_ids=[loose], name="Funding"
    )
    presenter = AppTest.from_file(APP, default_timeout=60)
    presenter.engine = engine
    presenter.run()
    live_helpers.presenter(presenter, row_id)
    room = dict(question_id=question.id, option_id=option.id, group_id=group.id)
    counts: dict[int, dict[str, int]] = {}
    filled, phone = 0, None
    for size in ROOMS:
        facilitator(engine, row_id, lifecycle.set_activity, activity="quiz")
        tokens = _fill_room(engine, row_id, size - filled, **room)
        filled = size
        phone = phone or live_helpers.phone({"p": tokens[0]})  # the same phone each time
        counts[size] = {}
        for activity in ACTIVITIES:
            facilitator(engine, row_id, lifecycle.set_activity, activity=activity)
            run_live.switch_page("pages/live.py").run()
            live_helpers.tab(run_live, RUN_LIVE_TABS[activity])
            screens = {"Run live": run_live, "presenter": presenter, "phone": phone}
            for name, at in screens.items():
                at.run()  # the redraw that follows the new activity
                counts[size][f"{name}, {activity}"] = _redraw(engine, row_id, at)
    small, big = ROOMS
    table = "\n".join(
        f"  {screen:<28} {small:>2} people: {counts[small][screen]:>3}   "
        f"{big:>2} people: {counts[big][screen]:>3}"
        + ("" if counts[small][screen] == counts[big][screen] else "   <-- grows with the room")
        for screen in counts[small]
    )
    print(f"\nSQL statements per redraw of a live screen:\n{table}")
    growing = [s for s in counts[small] if counts[small][s] != counts[big][s]]
    assert not growing, f"statement counts grow with the room on {growing}:\n{table}"
    assert all(count > 0 for count in counts[small].values()), table
