"""A live workshop in real browsers under load: the facilitator's Run live, the
presenter, three phones in Chromium and a crowd of protocol phones (tests/load/room.py)
in the background, through the quiz with a countdown, the challenge wall, dot-voting and
the podium. Each step checks a way the screens once fell out of step with the session:
every screen follows each change, by itself, and never fades while it redraws."""

from __future__ import annotations

import re
import time

from sqlalchemy import func
from sqlmodel import Session, select

from peerlearn import models as m
from peerlearn.db import make_engine
from peerlearn.live import snapshot as snapshots
from tests.e2e.conftest import running_server, server_port, wait_for_app_run
from tests.e2e.live_steps import (
    PHONE,
    answers,
    click,
    count,
    drive,
    join,
    presenter_url,
    press,
    question_state,
    row_of,
    shoot,
    sign_in,
    tile,
    until,
)
from tests.load.room import Crowd

CROWD = 12  # protocol phones in the background
COUNTDOWN = 20  # seconds each question is open
# Any element Streamlit marks stale while it redraws, drawn at less than full opacity.
FADED = """() => Array.from(document.querySelectorAll("[data-stale='true']"))
    .filter((e) => getComputedStyle(e).opacity !== "1").length"""
STALE = "() => document.querySelectorAll(\"[data-stale='true']\").length"


def _faded_samples(page, seconds: float) -> tuple[int, int]:
    """(samples with stale elements, samples where something faded) over ``seconds``."""
    stale = faded = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        stale += page.evaluate(STALE) > 0
        faded += page.evaluate(FADED) > 0
        page.wait_for_timeout(50)
    return stale, faded


def _question(url: str) -> m.Question:
    engine = make_engine(url)
    with Session(engine) as session:
        question = session.get(m.Question, row_of(url).current_question_id)
        session.expunge(question)
    engine.dispose()
    return question


def _leaderboard(url: str, session_id: int):
    engine = make_engine(url)
    with Session(engine) as session:
        by_city, _ = snapshots.leaderboard(session, session_id=session_id)
    engine.dispose()
    return by_city


def _settle(page) -> None:
    wait_for_app_run(page)


def _countdown(staff, url: str) -> None:
    field = staff.get_by_label("Countdown for each question (s, 0 = none)", exact=True)
    field.fill(str(COUNTDOWN))
    field.press("Enter")
    until(lambda: row_of(url).countdown_seconds == COUNTDOWN, "counting down")
    _settle(staff)


def _activity(staff, url: str, label: str, activity: str) -> None:
    staff.locator("[data-testid='stButtonGroup']").get_by_text(label, exact=True).click()
    until(lambda: row_of(url).activity == activity, f"on {activity}")
    _settle(staff)


def _scalars(url: str, statement) -> list:
    engine = make_engine(url)
    with Session(engine) as session:
        found = list(session.exec(statement).all())
    engine.dispose()
    return found


def _groups(url: str, session_id: int) -> list[str]:
    """Names of the common challenges this session's posts are grouped into."""
    statement = (
        select(m.CommonChallenge.name)
        .join(m.Challenge, m.Challenge.common_challenge_id == m.CommonChallenge.id)
        .where(m.Challenge.session_id == session_id)
        .distinct()
    )
    return _scalars(url, statement)


def _ballot(url: str, session_id: int) -> list[int]:
    statement = select(m.Ballot.common_challenge_id).where(m.Ballot.session_id == session_id)
    return _scalars(url, statement)


def _dots(url: str, session_id: int) -> dict[int, int]:
    """Dots per participant of the session."""
    statement = (
        select(m.Vote.participant_id, func.sum(m.Vote.dots))
        .join(m.Participant, m.Participant.id == m.Vote.participant_id)
        .where(m.Participant.session_id == session_id)
        .group_by(m.Vote.participant_id)
    )
    return dict(_scalars(url, statement))


def test_a_room_follows_the_facilitator_through_a_workshop(
    browser, live_db, tmp_path, screenshot_dirs
):
    with running_server(live_db, server_port(7), tmp_path / "server.log") as base:
        staff_context = browser.new_context(viewport={"width": 1400, "height": 1000})
        staff = staff_context.new_page()
        staff.set_default_timeout(30_000)
        sign_in(staff, base)
        drive(staff)
        row = row_of(live_db)

        # A fresh run before the room sees anything: the 2023 answers are counted, not
        # "nobody has answered".
        staff.get_by_text("Start a fresh run of this quiz").click()
        staff.get_by_text("Yes, delete the 48 answers and start afresh").click()
        click(staff, "Clear the answers and start afresh")
        until(lambda: answers(live_db, row.id) == 0, "cleared")
        click(staff, "Open for phones")
        row = row_of(live_db)
        assert row.join_code

        screen = staff_context.new_page()
        screen.set_viewport_size({"width": 1920, "height": 1080})
        screen.goto(presenter_url(base, live_db))
        screen.get_by_text("Join on your phone").wait_for()

        # The quiz, with hidden results and a countdown kept for every question, set
        # before the room joins, as a facilitator prepares it.
        staff.get_by_text("Settings: counting, hidden results", exact=False).click()
        staff.get_by_label("Hide results until the reveal").check()
        press(staff, "Save settings", lambda: row_of(live_db).results_hidden, "hiding results")
        staff.locator("[data-testid='stButtonGroup']").get_by_text("Quiz", exact=True).click()
        until(lambda: row_of(live_db).activity == "quiz", "on the quiz")
        _settle(staff)
        _countdown(staff, live_db)

        phones = []
        for n, city in enumerate(["Arezzo", "Arnsberg", "Hamm"]):
            context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
            phone = context.new_page()
            phone.set_default_timeout(30_000)
            join(phone, base, row.join_code, city, f"Person {n + 1}")
            phones.append(phone)
        with Crowd(base, row.join_code, CROWD, think=3.0) as crowd:
            assert crowd.joined == CROWD, crowd.stats.errors
            # The people of this run only: the 2023 participants are not in the room.
            people = f"{3 + CROWD} people joined"
            screen.get_by_text(people, exact=False).wait_for(timeout=15_000)

            # Next: Run live shows the question at once (it once still said "Lobby").
            click(staff, "Next")
            until(lambda: row_of(live_db).current_question_id is not None, "on a question")
            staff.get_by_text("Question 1 of 4", exact=False).first.wait_for()
            _settle(staff)
            assert row_of(live_db).countdown_seconds == COUNTDOWN
            press(staff, "Open question", lambda: question_state(live_db) == "open", "open")
            opened = _question(live_db)
            assert (opened.closes_at - opened.opened_at).total_seconds() == COUNTDOWN

            # Two phones answer; each says so once, with no form left to send.
            for phone, option in zip(phones[:2], ["All of them", "All of them"], strict=True):
                tile(phone, option).click()
                phone.get_by_text("Your answer is saved").wait_for()
                assert phone.get_by_text("Send my answer").count() == 0
            screen.get_by_text("Results are shown after the reveal.").wait_for()
            # The big screen redraws as answers come in, and never fades.
            for page, seconds in ((screen, 4.0), (staff, 2.0), (phones[2], 2.0)):
                stale, faded = _faded_samples(page, seconds)
                assert faded == 0, f"{faded} samples faded ({stale} with stale elements)"
            shoot(screen, screenshot_dirs, "room-presenter-open")

            # The countdown closes the question by itself, when it says: the third
            # phone, which did not answer, shows it closed without a tap.
            phones[2].get_by_text("Answers are closed", exact=False).wait_for(
                timeout=(COUNTDOWN + 15) * 1000
            )
            assert not tile(phones[2], "All of them").count()
            assert question_state(live_db) == "closed"
            staff.get_by_text("Question 1 of 4 · closed").wait_for(timeout=15_000)

            # The reveal: the chart at once on the big screen, results on every phone.
            press(
                staff, "Reveal results", lambda: question_state(live_db) == "revealed", "revealed"
            )
            screen.get_by_text(re.compile(r"^The answer · ")).wait_for(timeout=10_000)
            screen.locator("[data-testid='stVegaLiteChart']").first.wait_for(timeout=10_000)
            assert not screen.get_by_text("Results are shown after the reveal.").count()
            for phone in phones[:2]:
                phone.get_by_text("Right!").wait_for(timeout=15_000)
            # Cities with as many answers right share their place.
            by_city = _leaderboard(live_db, row.id)
            assert [s.rank for s in by_city].count(1) > 1, by_city  # a tie for first
            for score in by_city[:5]:
                screen.get_by_text(f"{score.rank}. {score.name}", exact=True).wait_for()
            shoot(screen, screenshot_dirs, "room-presenter-revealed")
            shoot(phones[0], screenshot_dirs, "room-phone-revealed")

            # The next question keeps the countdown; an opinion has no answer to reveal.
            click(staff, "Next")
            until(lambda: _question(live_db).id != opened.id, "on the second question")
            staff.get_by_text("Question 2 of 4", exact=False).first.wait_for()
            countdown = staff.get_by_label("Countdown for each question (s, 0 = none)", exact=True)
            assert countdown.input_value() == str(COUNTDOWN)
            press(staff, "Open question", lambda: question_state(live_db) == "open", "open")
            second = _question(live_db)
            assert (second.closes_at - second.opened_at).total_seconds() == COUNTDOWN
            for phone in phones:
                phone.get_by_role("button", name="Public authorities", exact=True).click()
                click(phone, "Send my answer")
                phone.get_by_text("Your answer is saved").wait_for()
            press(staff, "Close question", lambda: question_state(live_db) == "closed", "closed")
            for phone in phones:  # the form leaves every phone with the close
                phone.get_by_text("Answers are closed", exact=False).wait_for(timeout=15_000)
                assert not phone.get_by_text("Change my answer").count()
            press(
                staff, "Reveal results", lambda: question_state(live_db) == "revealed", "revealed"
            )
            screen.get_by_text(re.compile(r"^The results · ")).wait_for(timeout=10_000)
            assert not screen.get_by_text(re.compile(r"^The answer")).count()

            # The challenge wall: every phone shows the form (they once kept only the
            # title), and a post reaches Run live.
            _activity(staff, live_db, "Challenge wall", "challenge wall")
            posts = ["Funding for pilot projects", "Staff who know data platforms"]
            for phone, text in zip(phones[:2], posts, strict=True):
                phone.get_by_text("Post a challenge for your tandem").wait_for(timeout=15_000)
                phone.get_by_label("The challenge", exact=True).fill(text)
                click(phone, "Post")
                phone.get_by_text("Challenge posted").wait_for()
            staff.get_by_role("tab", name="Challenge wall").click()
            _settle(staff)
            grid = staff.locator("[data-testid='stDataFrame']").first
            grid.get_by_text(posts[1]).wait_for(state="attached", timeout=15_000)
            # Select both rows (the row markers at the grid's left) and group them with
            # one click: it is applied at once.
            grid.scroll_into_view_if_needed()
            box = grid.bounding_box()
            for n in range(2):
                staff.mouse.click(box["x"] + 18, box["y"] + 35 * (n + 1) + 17)
                _settle(staff)
            staff.get_by_text("Group the 2 selected challenges").wait_for()
            staff.get_by_label("Into the common challenge named", exact=True).fill(
                "Skills and money"
            )
            click(staff, "Group")
            until(lambda: _groups(live_db, row.id) == ["Skills and money"], "grouped", 10)
            screen.get_by_text("Skills and money").wait_for(timeout=10_000)

            # A second group to vote on, brought from the network's earlier ones.
            staff.get_by_role("tab", name="Dot-voting").click()
            _settle(staff)
            _activity(staff, live_db, "Voting", "voting")
            staff.get_by_text("What this session votes on").click()
            earlier = staff.get_by_label("Bring common challenges to this vote", exact=True)
            earlier.click()
            staff.keyboard.type("Funding")  # the list filtered, the first one chosen
            staff.keyboard.press("Enter")
            staff.keyboard.press("Escape")
            click(staff, "Add to the vote")
            until(lambda: len(_ballot(live_db, row.id)) == 2, "two groups on the vote")

            # Dot-voting: the cards keep their order under a finger while another
            # phone's votes change the ranking; three taps put three dots on one card.
            cards = phones[0].locator("[data-testid='stVerticalBlockBorderWrapper']")
            phones[0].get_by_text("3 of 3 dots left").wait_for(timeout=15_000)
            order = [t.strip() for t in cards.all_inner_texts()]
            last = phones[0].get_by_role("button", name="+").last
            other = phones[1].get_by_role("button", name="+").first
            for n in range(3):
                if n < 2:
                    other.click()
                last.click()
                phones[0].get_by_text(f"{2 - n} of 3 dots left").wait_for(timeout=15_000)
                names = [t.split("\n")[0] for t in cards.all_inner_texts()]
                assert names == [t.split("\n")[0] for t in order]
            dots = _dots(live_db, row.id)
            assert sorted(dots.values()) == [2, 3], dots
            # The tally on the big screen ranks what was placed.
            press(
                staff,
                "Close voting and show the ranking",
                lambda: row_of(live_db).voting_closed_at is not None,
                "closed for voting",
            )
            screen.get_by_text("Ranking", exact=True).wait_for(timeout=10_000)
            shoot(screen, screenshot_dirs, "room-presenter-ranking")
            shoot(phones[0], screenshot_dirs, "room-phone-voted")

            # Back to the quiz: "Next" past the last question ends it with a podium.
            _activity(staff, live_db, "Quiz", "quiz")
            staff.get_by_role("tab", name="Quiz").click()
            _settle(staff)
            while row_of(live_db).quiz_finished_at is None:
                button = staff.locator(".st-key-live_next button")
                button.click()
                _settle(staff)
            screen.get_by_text("The quiz is over").wait_for(timeout=10_000)
            screen.get_by_text("The podium of the cities").wait_for()
            for phone in phones:
                phone.get_by_text("The quiz is over", exact=False).wait_for(timeout=15_000)
            shoot(screen, screenshot_dirs, "room-presenter-podium")

        assert not crowd.stats.errors, crowd.stats.errors
        stored = select(func.count()).select_from(m.Answer).where(m.Answer.question_id == opened.id)
        # The crowd answered the first question once each, the browsers twice of three.
        assert count(live_db, stored) == len(crowd.stats.taps.get(opened.id, [])) + 2
        staff_context.close()
