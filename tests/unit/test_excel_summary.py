"""The Excel summary: every sheet's figures against the database, its Excel features,
the three scopes, and refusals (bad scope, wrong actor) that write nothing."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import openpyxl
import pytest
from sqlmodel import func, select

from peerlearn import models as m
from peerlearn.analytics.report import QUIZ_COLUMNS
from peerlearn.demo import load_demo
from peerlearn.errors import InvalidInput, NotFound, PermissionDenied
from peerlearn.excel.summary import SHEETS, build_summary
from peerlearn.live import answers as live_answers
from peerlearn.live import joining, lifecycle
from peerlearn.live import quiz as live_quiz
from peerlearn.models import ChallengeCreate

GENERATED = datetime(2024, 6, 1, 9, 30, tzinfo=UTC)
TODAY = GENERATED.date()


@pytest.fixture
def demo(session):
    load_demo(session)
    return session


def _network(session, name="#connectedinEurope") -> m.Network:
    return session.exec(select(m.Network).where(m.Network.name == name)).one()


def _book(session, actor, **scope) -> openpyxl.Workbook:
    content = build_summary(session, actor=actor, generated_at=GENERATED, **scope)
    return openpyxl.load_workbook(io.BytesIO(content))


def _rows(sheet) -> list[dict]:
    values = list(sheet.iter_rows(values_only=True))
    header = values[0]
    return [dict(zip(header, row, strict=True)) for row in values[1:] if row[0] != "(none)"]


def _summary(book) -> dict:
    return {row["What"]: row["Value"] for row in _rows(book["Summary"])}


@pytest.fixture
def cie(demo, coordinator):
    network = _network(demo)
    return _book(demo, coordinator, network_id=network.id), network


def test_the_workbook_has_every_sheet_in_order(cie):
    book, _ = cie
    assert book.sheetnames == ["README", *SHEETS]
    readme = {row["What"]: row["Value"] for row in _rows(book["README"])}
    assert readme["Summary of"] == "network: #connectedinEurope"
    assert readme["Generated (UTC)"] == datetime(2024, 6, 1, 9, 30)  # a real date and time
    assert set(SHEETS) <= set(readme)


def test_every_sheet_is_a_filterable_table_with_a_frozen_header(cie):
    book, _ = cie
    names = []
    for name in book.sheetnames:
        sheet = book[name]
        assert len(sheet.tables) == (2 if name == "Charts" else 1), name
        names += [table.displayName for table in sheet.tables.values()]
        assert all(table.autoFilter is not None for table in sheet.tables.values()), name
        # The Charts sheet's blocks have headers of their own: none is frozen for all.
        assert sheet.freeze_panes == (None if name == "Charts" else "A2"), name
        widths = [d.width for d in sheet.column_dimensions.values() if d.width]
        assert widths and all(8 <= w <= 60 for w in widths), name
    assert len(names) == len(set(names))  # Excel wants each table name once per workbook


def test_cities_and_tandems_match_the_database(demo, cie):
    book, network = cie
    members = demo.exec(select(func.count()).where(m.Membership.network_id == network.id)).one()
    assert len(_rows(book["Cities"])) == members
    tandems = demo.exec(select(m.Tandem).where(m.Tandem.network_id == network.id)).all()
    rows = {row["Tandem"]: row for row in _rows(book["Tandems"])}
    assert set(rows) == {t.name for t in tandems}
    for tandem in tandems:
        row = rows[tandem.name]
        assert row["Deadline"].date() == tandem.deadline  # a real date, not text
        assert row["Days to deadline"] == (tandem.deadline - TODAY).days
    assert book["Tandems"]["H2"].number_format == "0%"


def test_the_summary_counts_match_the_database(demo, cie):
    book, network = cie
    facts = _summary(book)
    challenges = demo.exec(
        select(func.count())
        .select_from(m.Challenge)
        .join(m.Tandem)
        .where(m.Tandem.network_id == network.id, m.Challenge.archived_at.is_(None))
    ).one()
    assert facts["Challenges"] == challenges
    dots = demo.exec(
        select(func.coalesce(func.sum(m.Vote.dots), 0))
        .join(m.CommonChallenge)
        .where(m.CommonChallenge.network_id == network.id)
    ).one()
    assert facts["Dots given in votes"] == dots
    milestones = demo.exec(
        select(m.Milestone.status)
        .join(m.Roadmap)
        .join(m.Tandem)
        .where(m.Tandem.network_id == network.id, m.Milestone.archived_at.is_(None))
    ).all()
    assert facts["Milestones"] == len(milestones)
    assert facts["Milestones done"] == milestones.count("done")
    assert facts["Milestones red"] + facts["Milestones amber"] + facts["Milestones green"] == len(
        milestones
    )


def test_common_challenges_carry_their_challenges_tandems_and_votes(demo, cie):
    book, network = cie
    rows = {row["Common challenge"]: row for row in _rows(book["Common challenges"])}
    assert {"Funding", "Consulting", "Qualified staff"} <= set(rows)
    funding = demo.exec(
        select(m.CommonChallenge).where(
            m.CommonChallenge.network_id == network.id, m.CommonChallenge.name == "Funding"
        )
    ).one()
    members = demo.exec(
        select(m.Challenge).where(m.Challenge.common_challenge_id == funding.id)
    ).all()
    assert rows["Funding"]["Challenges"] == len(members)
    assert all(c.text in rows["Funding"]["The challenges"] for c in members)
    dots = demo.exec(
        select(func.coalesce(func.sum(m.Vote.dots), 0)).where(
            m.Vote.common_challenge_id == funding.id
        )
    ).one()
    assert rows["Funding"]["Dots"] == dots


def _results(book) -> dict[int, list[dict]]:
    """Quiz results rows by question number."""
    grouped: dict[int, list[dict]] = {}
    for row in _rows(book["Quiz results"]):
        grouped.setdefault(row["#"], []).append(row)
    return grouped


def _cie_answers(session, network) -> dict[int, list[m.Answer]]:
    rows = session.exec(
        select(m.Question.position, m.Answer)
        .join(m.Answer, m.Answer.question_id == m.Question.id)
        .join(m.Quiz)
        .join(m.EventSession)
        .join(m.Event)
        .where(m.Event.network_id == network.id)
    ).all()
    grouped: dict[int, list[m.Answer]] = {}
    for position, answer in rows:
        grouped.setdefault(position + 1, []).append(answer)
    return grouped


def test_every_question_is_in_the_results_with_its_answers(demo, cie):
    book, network = cie
    results, answers = _results(book), _cie_answers(demo, network)
    questions = demo.exec(
        select(m.Question)
        .join(m.Quiz)
        .join(m.EventSession)
        .join(m.Event)
        .where(m.Event.network_id == network.id)
    ).all()
    assert set(results) == {q.position + 1 for q in questions}  # scale ones too
    for number, rows in results.items():
        assert {row["People answering"] for row in rows} == {len(answers.get(number, []))}
    assert _summary(book)["Quiz answers"] == sum(len(a) for a in answers.values())
    assert any(row["Correct"] == "yes" for rows in results.values() for row in rows)


def test_a_scale_question_lists_every_value_and_its_mean(demo, cie):
    book, network = cie
    scale = next(rows for rows in _results(book).values() if rows[0]["Type"] == "scale")
    question = demo.exec(select(m.Question).where(m.Question.text == scale[0]["Question"])).one()
    values = [a.value for a in _cie_answers(demo, network)[question.position + 1]]
    assert [row["Answer"] for row in scale] == [
        str(v) for v in range(question.scale_min, question.scale_max + 1)
    ]
    assert [row["Answers"] for row in scale] == [
        values.count(v) for v in range(question.scale_min, question.scale_max + 1)
    ]
    assert {row["Mean"] for row in scale} == {round(sum(values) / len(values), 2)}


def test_multiple_choice_shares_are_of_the_people_answering(demo, cie):
    book, _ = cie
    multiple = next(
        rows for rows in _results(book).values() if rows[0]["Type"] == "multiple choice"
    )
    people = multiple[0]["People answering"]
    assert people > 0
    for row in multiple:
        assert row["Share"] == pytest.approx(row["Answers"] / people)
    assert sum(row["Answers"] for row in multiple) > people  # several picks per person


def test_open_answers_are_counted_alike_whatever_their_case_and_spaces(session, world, coordinator):
    from peerlearn.services import quizzes

    quiz = quizzes.add_quiz(
        session, actor=coordinator, data=m.QuizCreate(session_id=world.workshop.id, title="Open")
    )
    question = quizzes.add_question(
        session,
        actor=coordinator,
        data=m.QuestionCreate(quiz_id=quiz.id, text="One word?", kind="open text"),
    )
    lifecycle.start_live(session, actor=coordinator, session_id=world.workshop.id)
    live_quiz.open_question(
        session, actor=coordinator, session_id=world.workshop.id, question_id=question.id
    )
    for text in ["Funding", "  funding ", "Staff"]:
        participant = joining.join(session, session_id=world.workshop.id, city_id=world.arezzo.id)
        live_answers.answer_question(
            session, token=participant.token, question_id=question.id, text=text
        )
    book = _book(session, coordinator, network_id=world.network.id)
    rows = [row for row in _rows(book["Quiz results"]) if row["Question"] == "One word?"]
    assert [(row["Answer"], row["Answers"]) for row in rows] == [("Funding", 2), ("Staff", 1)]
    assert {row["People answering"] for row in rows} == {3}
    coverage = [row for row in _rows(book["Quiz coverage"]) if row["Question"] == "One word?"]
    assert [(r["City"], r["People present"], r["People answering"]) for r in coverage] == [
        ("Arezzo", 3, 3)
    ]


def _coverage(book, question) -> list[tuple]:
    return [
        (r["Session"], r["City"], r["People present"], r["People answering"])
        for r in _rows(book["Quiz coverage"])
        if r["Question"] == question.text
    ]


def test_people_present_are_those_of_the_current_run(session, world, coordinator, quiz):
    """A fresh run of the quiz counts the people present from its start: those who
    joined an earlier run (here, as in the demo, in October 2023) are not in the room."""
    sid = world.workshop.id
    lifecycle.start_live(session, actor=coordinator, session_id=sid)
    earlier = [
        joining.join(session, session_id=sid, city_id=city.id)
        for city in (world.arezzo, world.arezzo, world.utrecht)
    ]
    for person in earlier:
        person.joined_at = datetime(2023, 10, 23, 9, 57, tzinfo=UTC)
        session.add(person)
    session.commit()
    live_quiz.fresh_quiz_run(session, actor=coordinator, session_id=sid)
    assert session.get(m.EventSession, sid).run_started_at is not None
    now_here = [joining.join(session, session_id=sid, city_id=world.arezzo.id) for _ in "ab"]
    live_quiz.open_question(session, actor=coordinator, session_id=sid, question_id=quiz.open.id)
    live_answers.answer_question(
        session, token=now_here[0].token, question_id=quiz.open.id, text="Budget"
    )
    book = _book(session, coordinator, event_id=world.event.id)
    assert _coverage(book, quiz.open) == [(world.workshop.title, "Arezzo", 2, 1)]
    # A session that never had a fresh run counts everyone who joined it.
    lifecycle.start_live(session, actor=coordinator, session_id=world.plenary.id)
    joining.join(session, session_id=world.plenary.id, city_id=world.pirna.id)
    plenary_quiz = m.Quiz(session_id=world.plenary.id, title="Plenary")
    session.add(plenary_quiz)
    session.flush()
    question = m.Question(quiz_id=plenary_quiz.id, kind=m.QuestionKind.OPEN, text="Plenary?")
    session.add(question)
    session.commit()
    book = _book(session, coordinator, event_id=world.event.id)
    assert _coverage(book, question) == [(world.plenary.title, "Pirna", 1, 0)]


def test_someone_who_joined_before_a_fresh_run_and_answers_in_it_is_present(
    session, world, coordinator, quiz
):
    """The room stays joined through a fresh run (after a rehearsal, say): whoever
    answers in the run was there, and a fresh run leaves no earlier answers."""
    sid = world.workshop.id
    lifecycle.start_live(session, actor=coordinator, session_id=sid)
    stayed = joining.join(session, session_id=sid, city_id=world.utrecht.id)
    left = joining.join(session, session_id=sid, city_id=world.arezzo.id)
    for person in (stayed, left):
        person.joined_at = datetime(2023, 10, 23, 9, 57, tzinfo=UTC)
        session.add(person)
    session.commit()
    live_quiz.open_question(session, actor=coordinator, session_id=sid, question_id=quiz.scale.id)
    live_answers.answer_question(session, token=left.token, question_id=quiz.scale.id, value=2)
    live_quiz.fresh_quiz_run(session, actor=coordinator, session_id=sid)
    live_quiz.open_question(session, actor=coordinator, session_id=sid, question_id=quiz.scale.id)
    live_answers.answer_question(session, token=stayed.token, question_id=quiz.scale.id, value=4)
    book = _book(session, coordinator, event_id=world.event.id)
    assert _coverage(book, quiz.scale) == [(world.workshop.title, "Utrecht", 1, 1)]


def test_a_fresh_run_of_a_demo_session_leaves_the_2023_room_out(demo, coordinator):
    event = demo.exec(select(m.Event).where(m.Event.title == "#CIE meeting Berlin")).one()
    row, question = demo.exec(
        select(m.EventSession, m.Question)
        .join(m.Quiz, m.Quiz.session_id == m.EventSession.id)
        .join(m.Question, m.Question.quiz_id == m.Quiz.id)
        .join(m.Answer, m.Answer.question_id == m.Question.id)
        .where(m.EventSession.event_id == event.id)
        .order_by(m.Question.id)
    ).first()
    before = [r for r in _coverage(_book(demo, coordinator, event_id=event.id), question)]
    assert sum(present for _, _, present, _ in before) > 1  # the demo's room of 2023
    city = demo.exec(select(m.City).where(m.City.name == "Arezzo")).one()
    lifecycle.start_live(demo, actor=coordinator, session_id=row.id)
    live_quiz.fresh_quiz_run(demo, actor=coordinator, session_id=row.id)
    joining.join(demo, session_id=row.id, city_id=city.id)
    after = _coverage(_book(demo, coordinator, event_id=event.id), question)
    assert after == [(row.title, "Arezzo", 1, 0)]


def test_text_that_looks_like_a_formula_stays_text(session, world, coordinator):
    from peerlearn.services import challenges

    challenges.add_challenge(
        session,
        actor=coordinator,
        data=ChallengeCreate(
            tandem_id=world.tandem.id, text='=HYPERLINK("http://example.org","click")'
        ),
    )
    content = build_summary(
        session, actor=coordinator, network_id=world.network.id, generated_at=GENERATED
    )
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Challenges"]
    cells = [row[0] for row in sheet.iter_rows(min_row=2) if row[0].value.startswith("=")]
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_roadmaps_flag_overdue_milestones(cie):
    book, _ = cie
    sheet = book["Roadmaps"]
    rows = _rows(sheet)
    assert rows
    for row in rows:
        assert isinstance(row["Due date"], datetime)
        overdue = row["Due date"].date() < TODAY and row["Status"] != "done"
        if overdue:
            assert row["RAG"] == "red"
    formulas = [rule.formula for rng in sheet.conditional_formatting for rule in rng.rules]
    assert ['AND(ISNUMBER($D2),$D2<TODAY(),$E2<>"done")'] in formulas
    assert sheet.cell(row=1, column=4).value == "Due date"
    assert sheet.cell(row=1, column=5).value == "Status"


def test_native_charts_for_categories_and_milestone_status(cie):
    book, _ = cie
    charts = book["Charts"]._charts
    assert [chart.tagname for chart in charts] == ["barChart"] * 3
    groups, challenges, by_status = charts
    assert groups.grouping == challenges.grouping == "clustered"
    assert len(groups.series) == len(challenges.series) == 1  # one measure each
    assert by_status.grouping == "stacked"
    assert len(by_status.series) == len(m.MilestoneStatus)


def test_an_event_scope_keeps_that_events_work(demo, facilitator):
    event = demo.exec(select(m.Event).where(m.Event.title == "#CIE meeting Berlin")).one()
    book = _book(demo, facilitator, event_id=event.id)
    challenges = _rows(book["Challenges"])
    sessions = set(
        demo.exec(select(m.EventSession.title).where(m.EventSession.event_id == event.id))
    )
    assert challenges and all(row["Session"] in sessions for row in challenges)
    assert {row["Event"] for row in _rows(book["Take-aways"])} <= {event.title}


def test_a_tandem_scope_keeps_that_tandems_work(demo, coordinator):
    tandem = demo.exec(select(m.Tandem).where(m.Tandem.name == "Arezzo–Arnsberg")).one()
    book = _book(demo, coordinator, tandem_id=tandem.id)
    assert {row["Tandem"] for row in _rows(book["Tandems"])} == {tandem.name}
    assert {row["Tandem"] for row in _rows(book["Roadmaps"])} == {tandem.name}
    assert {row["City"] for row in _rows(book["Cities"])} == {"Arezzo", "Arnsberg"}
    assert _rows(book["Quiz results"]) == []  # phones answer for cities, not tandems


def test_an_empty_network_gives_a_valid_workbook(session, coordinator):
    network = m.Network(name="Brand new")
    session.add(network)
    session.commit()
    book = _book(session, coordinator, network_id=network.id)
    assert _rows(book["Challenges"]) == []
    assert book["Challenges"]["A2"].value == "(none)"


@pytest.mark.parametrize(
    "scope",
    [{}, {"network_id": 1, "tandem_id": 1}],
    ids=["none", "two"],
)
def test_exactly_one_scope_is_required(demo, coordinator, scope):
    with pytest.raises(InvalidInput, match="one scope"):
        build_summary(demo, actor=coordinator, **scope)


def test_an_unknown_scope_is_refused(demo, coordinator):
    with pytest.raises(NotFound):
        build_summary(demo, actor=coordinator, event_id=999_999)


def test_tandem_members_export_only_their_own_tandem(session, world):
    with pytest.raises(PermissionDenied):
        build_summary(session, actor=world.member, network_id=world.network.id)
    with pytest.raises(PermissionDenied):
        build_summary(session, actor=world.outsider, tandem_id=world.tandem.id)
    assert build_summary(session, actor=world.member, tandem_id=world.tandem.id)


def test_nobody_signed_in_gets_nothing(session, world):
    with pytest.raises(PermissionDenied):
        build_summary(session, actor=None, network_id=world.network.id)


def test_dates_are_dates(cie):
    book, _ = cie
    value = book["Roadmaps"]["D2"].value
    assert isinstance(value, datetime) and value.date() >= date(2023, 1, 1)
    assert book["Roadmaps"]["D2"].number_format == "yyyy-mm-dd"


def test_challenges_and_takeaways_match_the_database(demo, cie):
    book, network = cie
    texts = demo.exec(
        select(m.Challenge.text)
        .join(m.Tandem)
        .where(m.Tandem.network_id == network.id, m.Challenge.archived_at.is_(None))
    ).all()
    assert sorted(row["Challenge"] for row in _rows(book["Challenges"])) == sorted(texts)
    takeaways = demo.exec(
        select(m.Takeaway.text)
        .join(m.EventSession)
        .join(m.Event)
        .where(m.Event.network_id == network.id)
    ).all()
    assert sorted(row["Take-away"] for row in _rows(book["Take-aways"])) == sorted(takeaways)


def test_every_option_counts_its_answers_and_single_choice_shares_add_up(demo, cie):
    book, network = cie
    stored = demo.exec(
        select(
            m.EventSession.title,
            m.Quiz.title,
            m.Question.position,
            m.Option.text,
            func.count(m.AnswerOption.answer_id),
        )
        .select_from(m.Option)
        .join(m.AnswerOption, m.AnswerOption.option_id == m.Option.id, isouter=True)
        .join(m.Question, m.Question.id == m.Option.question_id)
        .join(m.Quiz)
        .join(m.EventSession)
        .join(m.Event)
        .where(m.Event.network_id == network.id)
        .group_by(m.Option.id, m.EventSession.title, m.Quiz.title, m.Question.position)
    ).all()
    rows = [r for r in _rows(book["Quiz results"]) if "choice" in r["Type"]]
    assert sorted(
        (r["Session"], r["Quiz"], r["#"] - 1, r["Answer"], r["Answers"]) for r in rows
    ) == (sorted(tuple(row) for row in stored))
    shares: dict[tuple, float] = {}
    for row in rows:
        if row["Type"] == "single choice":
            key = (row["Session"], row["Quiz"], row["#"])
            shares[key] = shares.get(key, 0) + row["Share"]
    answered = [total for total in shares.values() if total]
    assert answered and all(abs(total - 1) < 1e-9 for total in answered)
    share = QUIZ_COLUMNS.index("Share") + 1
    assert book["Quiz results"].cell(row=2, column=share).number_format == "0%"


def test_quiz_coverage_counts_people_of_each_city(demo, cie):
    book, network = cie
    expected = {
        (question, city or "(no city)"): people
        for question, city, people in demo.exec(
            select(
                m.Question.text,
                m.City.name,
                func.count(func.distinct(m.Participant.id)),
            )
            .select_from(m.Answer)
            .join(m.Question)
            .join(m.Quiz)
            .join(m.EventSession)
            .join(m.Event)
            .join(m.Participant, m.Participant.id == m.Answer.participant_id)
            .join(m.City, m.City.id == m.Participant.city_id, isouter=True)
            .where(m.Event.network_id == network.id)
            .group_by(m.Question.id, m.Question.text, m.City.name)
        ).all()
    }
    got: dict[tuple, int] = {}
    for row in _rows(book["Quiz coverage"]):
        key = (row["Question"], row["City"])
        got[key] = got.get(key, 0) + row["People answering"]
    summed: dict[tuple, int] = {}
    for key, people in expected.items():
        summed[key] = summed.get(key, 0) + people
    assert got == summed


def test_every_milestone_with_its_status_and_days_to_the_deadline(demo, cie):
    book, network = cie
    stored = demo.exec(
        select(m.Milestone, m.Tandem)
        .join(m.Roadmap, m.Roadmap.id == m.Milestone.roadmap_id)
        .join(m.Tandem, m.Tandem.id == m.Roadmap.tandem_id)
        .where(m.Tandem.network_id == network.id, m.Milestone.archived_at.is_(None))
    ).all()
    rows = _rows(book["Roadmaps"])
    assert sorted((r["Tandem"], r["Milestone"], r["Status"]) for r in rows) == sorted(
        (t.name, ms.title, str(ms.status)) for ms, t in stored
    )
    by_key = {(r["Tandem"], r["Milestone"]): r for r in rows}
    for milestone, tandem in stored:
        row = by_key[(tandem.name, milestone.title)]
        assert row["Due date"].date() == milestone.due_date
        assert row["Days until due"] == (milestone.due_date - TODAY).days
        assert row["Days to deadline"] == (tandem.deadline - TODAY).days
        assert row["RAG"] in {"red", "amber", "green"}
    facts = _summary(book)
    for status in m.MilestoneStatus:
        count = sum(1 for ms, _ in stored if ms.status == status)
        assert facts[f"Milestones {status.value}"] == count
    overdue = sum(1 for ms, _ in stored if ms.due_date < TODAY and ms.status != "done")
    assert facts["Milestones overdue"] == overdue
    chart_rows = list(book["Charts"].iter_rows(values_only=True))
    header = next(i for i, row in enumerate(chart_rows) if row[0] == "Tandem")
    per_tandem = {row[0]: sum(row[1:5]) for row in chart_rows[header + 1 :] if row[0]}
    assert per_tandem == {t.name: sum(1 for _, t2 in stored if t2.id == t.id) for _, t in stored}


def test_the_category_chart_counts_common_challenges(demo, cie):
    book, network = cie
    groups = demo.exec(
        select(m.CommonChallenge).where(
            m.CommonChallenge.network_id == network.id, m.CommonChallenge.archived_at.is_(None)
        )
    ).all()
    rows = list(book["Charts"].iter_rows(min_row=2, max_col=3, values_only=True))
    block = [row for row in rows[: rows.index((None, None, None))]]
    assert sum(row[1] for row in block) == len(groups)


def test_an_event_scope_keeps_only_that_events_quizzes(demo, facilitator):
    event = demo.exec(select(m.Event).where(m.Event.title == "#CIE meeting Berlin")).one()
    book = _book(demo, facilitator, event_id=event.id)
    readme = {row["What"]: row["Value"] for row in _rows(book["README"])}
    assert readme["Summary of"] == f"event: {event.title}"
    assert {row["Event"] for row in _rows(book["Quiz results"])} <= {event.title}
    assert {row["Event"] for row in _rows(book["Quiz coverage"])} <= {event.title}
    answers = demo.exec(
        select(func.count())
        .select_from(m.Answer)
        .join(m.Question)
        .join(m.Quiz)
        .join(m.EventSession)
        .where(m.EventSession.event_id == event.id)
    ).one()
    assert _summary(book)["Quiz answers"] == answers


def test_a_tandem_member_exports_their_tandem(session, world):
    book = _book(session, world.member, tandem_id=world.tandem.id)
    assert {row["Tandem"] for row in _rows(book["Tandems"])} == {world.tandem.name}
    assert _rows(book["Take-aways"]) == []


@pytest.mark.parametrize(
    "scope",
    [{}, {"network_id": 1, "event_id": 1}, {"event_id": 1, "tandem_id": 1}],
    ids=["none", "network+event", "event+tandem"],
)
def test_a_bad_scope_writes_nothing(session, world, unchanged, scope):
    with unchanged(), pytest.raises(InvalidInput, match="one scope"):
        build_summary(session, actor=world.coordinator, **scope)


@pytest.mark.parametrize("kind", ["network_id", "event_id", "tandem_id"])
def test_unknown_ids_are_refused_for_every_scope(session, world, unchanged, kind):
    with unchanged(), pytest.raises(NotFound):
        build_summary(session, actor=world.coordinator, **{kind: 999_999})


def test_an_inactive_coordinator_is_refused(session, world):
    world.coordinator.active = False
    session.add(world.coordinator)
    session.commit()
    with pytest.raises(PermissionDenied, match="active account"):
        build_summary(session, actor=world.coordinator, network_id=world.network.id)


def test_an_empty_roadmap_sheet_keeps_its_overdue_rule_harmless(session, coordinator):
    network = m.Network(name="Quiet")
    session.add(network)
    session.commit()
    book = _book(session, coordinator, network_id=network.id)
    assert book["Roadmaps"]["A2"].value == "(none)" and book["Roadmaps"]["D2"].value is None
    assert book["Charts"]._charts == []
    assert all(len(book[name].tables) >= 1 for name in book.sheetnames)
    facts = _summary(book)
    assert facts["Cities"] == facts["Milestones"] == facts["Quiz answers"] == 0


def test_an_event_scope_keeps_the_cities_and_tandems_that_took_part(session, world, coordinator):
    from peerlearn.services import challenges

    lifecycle.start_live(session, actor=coordinator, session_id=world.workshop.id)
    joining.join(session, session_id=world.workshop.id, city_id=world.utrecht.id)
    challenges.add_challenge(
        session,
        actor=coordinator,
        data=ChallengeCreate(
            tandem_id=world.tandem.id,
            city_id=world.arezzo.id,
            session_id=world.workshop.id,
            text="No budget line for the pilot.",
        ),
    )
    book = _book(session, coordinator, event_id=world.event.id)
    assert {row["City"] for row in _rows(book["Cities"])} == {"Utrecht", "Arezzo"}
    # Utrecht spoke on a phone: its tandem took part too.
    assert {row["Tandem"] for row in _rows(book["Tandems"])} == {
        world.tandem.name,
        world.other_tandem.name,
    }


def test_an_event_nobody_attended_lists_no_cities_or_tandems(session, world, coordinator):
    book = _book(session, coordinator, event_id=world.event.id)
    assert _rows(book["Cities"]) == _rows(book["Tandems"]) == _rows(book["Roadmaps"]) == []


def test_invented_tandems_are_marked_as_example_data(demo, cie):
    book, network = cie
    invented = {
        t.name
        for t in demo.exec(
            select(m.Tandem).where(m.Tandem.network_id == network.id, m.Tandem.is_example)
        )
    }
    rows = _rows(book["Tandems"])
    assert invented and {r["Tandem"] for r in rows if r["Example data"] == "yes"} == invented
