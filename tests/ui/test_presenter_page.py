"""The presenter view on the projector: let in by the key of its address, the join code
and QR code until people are in, then the question in each of its states, the wall,
the dot-voting and the podium, on the Berlin quiz of the demo network."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from peerlearn import models as m
from peerlearn import rules
from peerlearn.live import answers as live_answers
from peerlearn.live import lifecycle, votes, wall
from peerlearn.live import quiz as live_quiz
from peerlearn.live import snapshot as snapshots
from peerlearn.services import challenges, common_challenges
from peerlearn.ui import keys
from tests.ui.conftest import APP, user_of
from tests.ui.live_helpers import (
    bump,
    charted,
    drive,
    fresh,
    html,
    join,
    network_of,
    not_yet_opened,
    options,
    presenter,
    presenter_html,
    questions,
    run_live,
)


@pytest.fixture
def control(app):
    """'Run live' as a facilitator, on the Berlin quiz session, opened for phones."""
    return run_live(app)


def _on_the_projector(control) -> AppTest:
    """The presenter view in a browser nobody signed in to, as on the projector's
    computer."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.engine = control.engine
    at.run()
    return presenter(at, control.row_id)


def _show(control, n: int, state: str) -> m.Question:
    """The ``n``-th question on the screen in ``state``."""
    engine, row_id = control.engine, control.row_id
    drive(engine, row_id, lifecycle.set_activity, activity="quiz")
    question = questions(engine, row_id)[n]
    drive(engine, row_id, live_quiz.show_question, question_id=question.id)
    not_yet_opened(engine, row_id, question.id)  # the demo's quiz was played in 2023
    if state != "waiting":
        drive(engine, row_id, live_quiz.open_question, question_id=question.id)
    if state == "closed":
        drive(engine, row_id, live_quiz.close_question, question_id=question.id)
    if state == "revealed":
        drive(engine, row_id, live_quiz.reveal_question, question_id=question.id)
    return question


# --- who may see it ---------------------------------------------------------------------


def test_the_presenter_view_needs_the_key_of_its_address(control):
    at = presenter(control, control.row_id, key="guessed")
    assert "not valid" in at.error[0].value
    assert not at.get("imgs") and not at.get("image")
    assert fresh(control.engine, control.row_id).join_code not in html(at)


@pytest.mark.parametrize("session", ["", "abc", "²", "99999999999999999999", "-1"])
def test_a_malformed_session_in_the_address_says_where_to_open_it(control, session):
    control.query_params["session"] = session
    control.switch_page("pages/presenter.py").run()
    assert not control.exception
    assert "Run live" in control.info[0].value


def test_the_presenter_view_without_a_session_says_where_to_open_it(app):
    at = app("facilitator", "pages/presenter.py")
    assert not at.exception
    assert "Run live" in at.info[0].value


def test_the_presenter_view_opens_without_a_sign_in(control):
    at = _on_the_projector(control)
    assert not at.exception and not at.error
    assert fresh(control.engine, control.row_id).join_code in html(at)


def test_once_the_session_ends_its_presenter_address_shows_nothing_of_it(control):
    at = _on_the_projector(control)  # the screen left open on the projector
    key = at.query_params["key"]
    row = fresh(control.engine, control.row_id)
    assert row.join_code in html(at)
    drive(control.engine, control.row_id, lifecycle.end_live)
    at.run()  # its next redraw
    again = presenter(control, control.row_id, key=key)  # the address opened anew
    for page in (at, again):
        assert not page.exception
        assert "not valid" in page.error[0].value
        assert row.title not in html(page) and row.join_code not in html(page)
        assert not page.get("imgs") and not page.get("image")


# --- before people join -----------------------------------------------------------------


def test_the_presenter_view_shows_code_and_qr_until_people_join(control):
    at = presenter(control, control.row_id)
    assert not at.exception
    code = fresh(control.engine, control.row_id).join_code
    page = html(at)
    assert code in page and "Join on your phone" in page
    assert at.get("imgs") or at.get("image")


def test_the_demo_quiz_opens_with_nobody_joined_yet(control):
    """The demo's 2023 participants are not the room of this opening."""
    page = presenter_html(control, control.row_id)
    assert "0 people joined" in page
    assert "Munich" not in page  # a city of the 2023 participants


def test_the_presenter_counts_who_joins(control):
    at = presenter(control, control.row_id)
    join(control.engine, control.row_id)
    at.run()  # the follower's rerun: somebody joined
    assert "1 person joined" in html(at)


# --- the quiz ------------------------------------------------------------------------------


def test_the_presenter_view_shows_the_question_and_coverage(control):
    engine, row_id = control.engine, control.row_id
    drive(
        engine, row_id, lifecycle.update_settings, data=m.LiveSettingsUpdate(results_hidden=False)
    )
    drive(engine, row_id, live_quiz.fresh_quiz_run)  # without the 2023 answers
    question = _show(control, 0, "open")
    at = presenter(control, row_id)
    page = html(at)
    assert question.text in page
    assert "Answer now" in page and "0 people counted" in page
    assert charted(at)
    token = join(engine, row_id)
    with Session(engine) as session:
        live_answers.answer_question(
            session,
            token=token,
            question_id=question.id,
            option_ids=[options(engine, question.id)[0].id],
        )
    at.run()
    assert "1 of 1 cities answered · 1 person counted" in html(at)


@pytest.mark.parametrize("state", ["waiting", "open", "closed", "revealed"])
def test_the_presenter_view_in_each_state_of_a_question(control, state):
    _show(control, 0, state)
    at = presenter(control, control.row_id)
    assert not at.exception
    expected = {
        "waiting": "Get ready",
        "open": "Answer now",
        "closed": "Answers are closed",
        "revealed": "The answer",
    }[state]
    assert expected in html(at)
    assert charted(at) == (state == "revealed")  # results stay hidden until the reveal
    if state in ("open", "closed"):
        assert "Results are shown after the reveal." in html(at)


@pytest.mark.parametrize(
    ("n", "heading"),
    [(0, "The answer"), (1, "The results"), (2, "The results"), (3, "The results")],
    ids=["single with a right answer", "multiple", "scale", "single, an opinion"],
)
def test_the_answer_heading_is_only_for_questions_with_a_right_answer(control, n, heading):
    question = _show(control, n, "revealed")
    has_correct = any(o.is_correct for o in options(control.engine, question.id))
    assert has_correct == (heading == "The answer")
    page = presenter_html(control, control.row_id)
    assert heading in page
    if heading != "The answer":
        assert "The answer" not in page
    assert charted(control)


def test_the_podium_after_the_last_question(control):
    engine, row_id = control.engine, control.row_id
    drive(engine, row_id, live_quiz.fresh_quiz_run)
    question = _show(control, 0, "open")
    right = next(o for o in options(engine, question.id) if o.is_correct)
    token = join(engine, row_id)
    with Session(engine) as session:
        live_answers.answer_question(
            session, token=token, question_id=question.id, option_ids=[right.id]
        )
    drive(engine, row_id, live_quiz.reveal_question, question_id=question.id)
    for _ in questions(engine, row_id):  # Next to the end, and past it
        drive(engine, row_id, live_quiz.step, direction=1)
    page = presenter_html(control, row_id)
    assert "The quiz is over" in page and "The podium of the cities" in page
    assert "1 of 1 right" in page


# --- the facilitator's keys ----------------------------------------------------------------


def test_a_facilitator_signed_in_here_is_told_the_keys(control):
    _show(control, 0, "waiting")
    at = presenter(control, control.row_id)
    assert keys.HINT in [c.value for c in at.caption]
    projector = _on_the_projector(control)
    assert keys.HINT not in [c.value for c in projector.caption]  # nobody signed in


def test_the_keys_step_open_close_and_reveal(control):
    engine, row_id = control.engine, control.row_id
    drive(engine, row_id, live_quiz.fresh_quiz_run)
    drive(engine, row_id, lifecycle.set_activity, activity="quiz")
    facilitator = user_of(engine, "facilitator")

    def press(action: str) -> snapshots.Snapshot:
        with Session(engine) as session:
            snap = snapshots.snapshot(session, session_id=row_id)
            keys.apply(session, facilitator, snap, action)
            session.expire_all()
            return snapshots.snapshot(session, session_id=row_id)

    first = questions(engine, row_id)[0]
    assert press("next").question.id == first.id
    assert press("open").question.state == "open"
    assert press("open").question.state == "closed"  # O again closes it
    assert press("reveal").question.state == "revealed"
    assert press("next").question.position == 2
    assert press("previous").question.id == first.id


# --- the wall and the dot-voting --------------------------------------------------------------


def test_the_presenter_view_shows_the_wall_without_hidden_challenges(control):
    engine, row_id = control.engine, control.row_id
    drive(engine, row_id, lifecycle.set_activity, activity="challenge wall")
    token = join(engine, row_id)
    with Session(engine) as session:
        tandem = wall.participant_tandems(session, token=token)[0]

        def post(text):
            data = m.WallPostCreate(text=text, tandem_id=tandem.id)
            return wall.post_challenge(session, token=token, data=data)

        post("Shown on the wall")
        hidden = post("Not for the wall")
        challenges.set_hidden(
            session, actor=user_of(engine, "facilitator"), challenge_id=hidden.id, hidden=True
        )
    page = presenter_html(control, row_id)
    assert "Shown on the wall" in page and "Not for the wall" not in page


def test_the_wall_shows_the_common_challenges_as_they_are_grouped(control):
    engine, row_id = control.engine, control.row_id
    drive(engine, row_id, lifecycle.set_activity, activity="challenge wall")
    token = join(engine, row_id)
    with Session(engine) as session:
        tandem = wall.participant_tandems(session, token=token)[0]
        posted = [
            wall.post_challenge(
                session, token=token, data=m.WallPostCreate(text=t, tandem_id=tandem.id)
            ).id
            for t in ("Too few data engineers", "No budget for sensors")
        ]
    at = presenter(control, row_id)
    assert "Not grouped yet" not in html(at)
    drive(engine, row_id, wall.group_wall_challenges, challenge_ids=posted[:1], name="Skills")
    at.run()
    page = html(at)
    assert "Skills" in page and "1 challenge" in page and "Not grouped yet" in page


def test_the_wall_shows_the_newest_posts_and_counts_the_rest(control):
    engine, row_id = control.engine, control.row_id
    drive(engine, row_id, lifecycle.set_activity, activity="challenge wall")
    more = 3
    with Session(engine) as session:
        tandem_id = session.exec(
            select(m.Tandem.id).where(m.Tandem.network_id == network_of(engine, row_id))
        ).first()
        session.add_all(
            m.Challenge(tandem_id=tandem_id, text=f"Post number {n}", session_id=row_id)
            for n in range(rules.WALL_SHOWN + more)
        )
        session.commit()
    bump(engine, row_id)
    page = presenter_html(control, row_id)
    newest, oldest = f"Post number {rules.WALL_SHOWN + more - 1}<", "Post number 0<"
    assert newest in page and oldest not in page
    assert f"and {more} more" in page


def _group_on_the_vote(control) -> int:
    engine, row_id = control.engine, control.row_id
    network_id = network_of(engine, row_id)
    with Session(engine) as session:
        loose = session.exec(
            select(m.Challenge.id)
            .join(m.Tandem)
            .where(
                m.Tandem.network_id == network_id,
                m.Challenge.common_challenge_id.is_(None),
                m.Challenge.archived_at.is_(None),
            )
        ).first()
        return common_challenges.create_common_challenge(
            session,
            actor=user_of(engine, "facilitator"),
            data=m.CommonChallengeCreate(
                network_id=network_id,
                name="Funding the next exchange",
                challenge_ids=[loose],
                session_id=row_id,
            ),
        ).id


def test_the_presenter_ranks_the_dots(control):
    engine, row_id = control.engine, control.row_id
    group_id = _group_on_the_vote(control)
    drive(engine, row_id, lifecycle.set_activity, activity="voting")
    token = join(engine, row_id)
    with Session(engine) as session:
        votes.add_dots(session, token=token, common_challenge_id=group_id, by=2)
    at = presenter(control, row_id)
    page = html(at)
    assert "Dot-voting" in page and "3 dots per person" in page
    assert charted(at)
    drive(engine, row_id, lifecycle.close_voting)
    at.run()
    assert "Ranking" in html(at) and charted(at)


def test_a_hidden_tally_shows_only_how_many_dots_are_placed(control):
    engine, row_id = control.engine, control.row_id
    group_id = _group_on_the_vote(control)
    drive(engine, row_id, lifecycle.update_settings, data=m.LiveSettingsUpdate(tally_hidden=True))
    drive(engine, row_id, lifecycle.set_activity, activity="voting")
    token = join(engine, row_id)
    with Session(engine) as session:
        votes.add_dots(session, token=token, common_challenge_id=group_id, by=2)
    at = presenter(control, row_id)
    assert "2 dots placed so far" in html(at)
    assert not charted(at)
    drive(engine, row_id, lifecycle.close_voting)
    at.run()
    assert charted(at)  # the ranking, once voting closes


def test_a_hand_edited_row_shows_once_the_version_moves(control):
    """The presenter draws the snapshot of the version it follows: a change that does
    not move the version (here, a row edited by hand) waits for the next that does."""
    engine, row_id = control.engine, control.row_id
    at = presenter(control, row_id)
    with Session(engine) as session:
        row = session.get(m.EventSession, row_id)
        row.title = "Renamed by hand"
        session.add(row)
        session.commit()
    at.run()
    assert "Renamed by hand" not in html(at)
    bump(engine, row_id)
    at.run()
    assert "Renamed by hand" in html(at)
