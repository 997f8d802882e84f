"""The Berlin quiz of the demo run live in real browsers, end to end: a facilitator opens
it from "Run live" and starts a fresh run (the demo holds the 2023 answers), five
phones join through the join URL and answer, the presenter view counts them (by city,
no names); a phone reloads, and scans the QR code again, and is the same participant;
the server restarts mid-quiz and the session goes on with nothing lost."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from peerlearn import models as m
from tests.e2e.conftest import IDLE, running_server, server_port, wait_for_app_run
from tests.e2e.live_steps import (
    CITIES,
    PHONE,
    SESSION,
    answer,
    answer_several,
    answers,
    click,
    count,
    drive,
    fresh_run,
    join,
    next_and_open,
    presenter_url,
    press,
    question_state,
    row_of,
    shoot,
    sign_in,
    tile,
    until,
)


def test_five_phones_answer_and_the_presenter_counts_them(
    browser, live_db, tmp_path, screenshot_dirs
):
    port = server_port(5)
    with running_server(live_db, port, tmp_path / "s1.log") as base:
        staff_context = browser.new_context(viewport={"width": 1400, "height": 1000})
        staff = staff_context.new_page()
        staff.set_default_timeout(30_000)
        sign_in(staff, base)
        drive(staff)
        presenter = staff_context.new_page()
        click(staff, "Open for phones")
        row = row_of(live_db)
        assert row.join_code and row.live_started_at
        assert f"/join?code={row.join_code}" in staff.locator("code").first.inner_text()
        presenter.set_viewport_size({"width": 1920, "height": 1080})
        presenter.goto(presenter_url(base, live_db))
        presenter.get_by_text("Join on your phone").wait_for()
        # The demo's 2023 participants are not in this room.
        presenter.get_by_text("0 people joined", exact=True).wait_for()
        shoot(presenter, screenshot_dirs, "presenter-lobby")

        # The demo's participants have random tokens: a made-up address speaks for nobody.
        guessed = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        made_up = guessed.new_page()
        made_up.goto(f"{base}/join?p=demo-1")
        made_up.get_by_text("This participation link is not known", exact=False).wait_for()
        assert "Alba Iulia" not in made_up.locator("body").inner_text()
        guessed.close()

        # The demo quiz was played in 2023: the facilitator starts it afresh.
        assert answers(live_db, row.id) == 48
        fresh_run(staff, live_db, row.id)
        assert answers(live_db, row.id) == 0
        staff.get_by_text("not opened yet").first.wait_for(state="attached")  # in the table

        # A wrong code counts once per page load against the code space's budget; the
        # five phones with the right code then join at once, whatever came before.
        guesser = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        wrong = guesser.new_page()
        for _ in range(3):
            wrong.goto(f"{base}/join?code=ZZZZZ9")
            wrong.get_by_text("No live session has the code ZZZZZ9").wait_for()
        guesser.close()
        counted = select(func.coalesce(func.sum(m.WrongCodeCount.wrong), 0))
        assert count(live_db, counted) == 3

        phones, tokens, contexts = [], [], []
        for n, city in enumerate(CITIES):
            context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
            phone = context.new_page()
            phone.set_default_timeout(30_000)
            tokens.append(join(phone, base, row.join_code, city, f"Person {n + 1}"))
            phones.append(phone)
            contexts.append(context)
        assert len(set(tokens)) == 5
        for phone in phones:  # the lobby, on a phone-sized screen with no sideways scroll
            phone.get_by_text("You're in").wait_for()
            shoot(phone, screenshot_dirs, "phone-lobby")
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], width
        presenter.get_by_text("5 people joined", exact=False).wait_for(timeout=10_000)

        # Scanning the QR code again in the same browser: the same participant.
        again = contexts[0].new_page()
        again.goto(f"{base}/join?code={row.join_code}")
        again.wait_for_url(f"**/join?p={tokens[0]}", timeout=30_000)
        again.get_by_text("Welcome back").wait_for()
        shoot(again, screenshot_dirs, "phone-welcome-back")
        click(again, "Not you? Join as someone else")
        again.get_by_label("The city you speak for").wait_for()  # a new person may join
        again.wait_for_url(f"**/join?code={row.join_code}")
        again.close()
        participants = select(func.count()).select_from(m.Participant)
        assert count(live_db, participants.where(m.Participant.session_id == row.id)) == 17

        activity = staff.locator("[data-testid='stButtonGroup']")
        activity.get_by_text("Quiz", exact=True).click()
        until(lambda: row_of(live_db).activity == "quiz", "on the quiz")
        wait_for_app_run(staff)
        next_and_open(staff, live_db)
        tile(phones[0], "All of them").wait_for()
        shoot(phones[0], screenshot_dirs, "phone-question")
        for phone in phones:
            answer(phone, "All of them")
        shoot(phones[0], screenshot_dirs, "phone-answered")
        # Run live follows by itself: no click, and the five answers are counted.
        staff.get_by_text("5 of 5 cities answered", exact=False).wait_for(timeout=10_000)
        shoot(staff, screenshot_dirs, "run-live")

        presenter.get_by_text("5 of 5 cities answered").wait_for(timeout=10_000)
        presenter.get_by_text("5 people counted", exact=False).wait_for(timeout=10_000)
        shoot(presenter, screenshot_dirs, "presenter-question")

        # A reload keeps the participant: same token, their answer still theirs.
        phones[0].reload()
        phones[0].wait_for_selector(IDLE)
        assert phones[0].url.endswith(tokens[0])
        phones[0].get_by_text("your answer", exact=False).first.wait_for()  # the tile it chose
        # Those who joined this opening (the demo's participants joined in 2023).
        opened = row_of(live_db).live_started_at
        new_ones = participants.where(
            m.Participant.session_id == row.id, m.Participant.joined_at >= opened
        )
        assert count(live_db, new_ones) == 5

    # The server restarts mid-quiz: phones reconnect by themselves, staff sign in again.
    with running_server(live_db, port, tmp_path / "s2.log") as base:
        for phone, token in zip(phones, tokens, strict=True):
            phone.get_by_text("your answer", exact=False).first.wait_for(timeout=60_000)
            assert phone.url.endswith(token)
        sign_in(staff, base)
        drive(staff)
        presenter.goto(presenter_url(base, live_db))
        # Who joined is counted from the opening's stored start: the restart changes nothing.
        presenter.get_by_text("5 people joined", exact=False).wait_for(timeout=10_000)
        press(staff, "Reveal results", lambda: question_state(live_db) == "revealed", "revealed")
        presenter.get_by_text("Leaderboard of the cities").wait_for(timeout=10_000)
        presenter.locator("[data-testid='stVegaLiteChart']").first.wait_for(timeout=15_000)
        shoot(presenter, screenshot_dirs, "presenter-revealed")
        assert "Person 1" not in presenter.locator("body").inner_text()  # no names up there
        next_and_open(staff, live_db)  # an opinion: who drives it in your city
        for phone in phones:
            answer_several(phone, "Public authorities")
        presenter.get_by_text("5 of 5 cities answered").wait_for(timeout=10_000)
        assert count(live_db, new_ones) == 5
        assert answers(live_db, row.id) == 10

        # The session ends: the screen left open, and its address opened anew, show
        # nothing of it any more.
        address = presenter.url
        click(staff, "End session")
        refused = "This presenter address is not valid"
        presenter.get_by_text(refused, exact=False).wait_for(timeout=15_000)
        presenter.goto(address)
        presenter.get_by_text(refused, exact=False).wait_for()
        shown = presenter.locator("body").inner_text()
        assert row.join_code not in shown and SESSION not in shown
        shoot(presenter, screenshot_dirs, "presenter-ended")
    staff_context.close()
