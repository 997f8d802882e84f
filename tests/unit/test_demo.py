"""The demo network: the seed texts' facts, idempotent loading, the synthetic scale."""

from __future__ import annotations

import copy
import secrets
import shutil
import string
from datetime import date

import pytest
from sqlmodel import Session, func, select

from peerlearn import demo
from peerlearn import models as m
from peerlearn.db import make_engine, table_counts, upgrade
from peerlearn.demo import DemoDataError, load_demo, read_spec, synthetic_spec
from peerlearn.demo.loader import system_actor
from peerlearn.errors import Conflict, InvalidInput, NotFound
from peerlearn.live import joining
from peerlearn.services import roadmaps, solutions, targets

CIE = "#connectedinEurope"
URLSAFE = set(string.ascii_letters + string.digits + "-_")
CIE_CITIES = {
    "Alba Iulia",
    "Arezzo",
    "Arnsberg",
    "Geestland",
    "Hamm",
    "Krefeld",
    "Munich",
    "Pirna",
    "Utrecht",
    "Vari-Voula-Vouliagmeni",
}


@pytest.fixture
def loaded(session):
    load_demo(session)
    return session


def network(session: Session, name: str) -> m.Network:
    return session.exec(select(m.Network).where(m.Network.name == name)).one()


def roles(session: Session, network_name: str) -> dict[str, str]:
    rows = session.exec(
        select(m.City.name, m.Membership.role)
        .join(m.Membership, m.Membership.city_id == m.City.id)
        .join(m.Network, m.Network.id == m.Membership.network_id)
        .where(m.Network.name == network_name)
    )
    return dict(rows.all())


def event(session: Session, title: str) -> m.Event:
    return session.exec(select(m.Event).where(m.Event.title == title)).one()


def sessions_of(session: Session, event_id: int) -> list[m.EventSession]:
    statement = (
        select(m.EventSession)
        .where(m.EventSession.event_id == event_id)
        .order_by(m.EventSession.starts_at, m.EventSession.id)
    )
    return list(session.exec(statement))


# --- idempotence and scale ----------------------------------------------------------


def test_loading_twice_gives_the_same_row_counts(session, engine):
    load_demo(session)
    first = table_counts(engine)
    load_demo(session)

    assert table_counts(engine) == first
    assert first["network"] == 5
    assert first["city"] == 46
    assert first["membership"] == 49
    assert first["tandem"] == 6
    assert first["answer"] == 48
    assert first["user"] == 0  # no accounts, so no default password anywhere


def test_loading_keeps_rows_someone_already_made(session, engine):
    # A coordinator named a theme and a city before loading: no near-duplicates.
    session.add_all(
        [m.Theme(name="energy"), m.City(name="MUNICH", country="germany", latitude=48.1)]
    )
    session.commit()

    load_demo(session)

    themes = session.exec(select(m.Theme.name)).all()
    assert [t for t in themes if t.casefold() == "energy"] == ["energy"]
    munich = session.exec(select(m.City).where(func.lower(m.City.name) == "munich")).all()
    assert [c.name for c in munich] == ["MUNICH"]
    assert roles(session, "Smarter Together")["MUNICH"] == m.Role.LIGHTHOUSE


def test_scale_adds_a_synthetic_network_idempotently(session, engine):
    load_demo(session)
    demo_counts = table_counts(engine)
    load_demo(session, scale=2)
    scaled = table_counts(engine)
    load_demo(session, scale=2)

    assert table_counts(engine) == scaled
    grown = {table: scaled[table] - demo_counts[table] for table in scaled}
    assert grown["network"] == 1
    assert grown["city"] == 80
    assert grown["tandem"] == 24
    assert grown["event"] == 6
    assert grown["challenge"] == 240
    assert grown["milestone"] == 160
    assert grown["answer"] == 2 * 3 * 17 * 4
    assert grown["vote"] > 0 and grown["commonchallenge"] == 2 * 3 * 4
    assert grown["user"] == 0
    synthetic = network(session, "Synthetic network ×2")
    assert synthetic.is_example
    tandems = session.exec(select(m.Tandem).where(m.Tandem.network_id == synthetic.id)).all()
    assert all(t.is_example for t in tandems)
    challenges = session.exec(
        select(m.Challenge.is_example)
        .join(m.Tandem, m.Tandem.id == m.Challenge.tandem_id)
        .where(m.Tandem.network_id == synthetic.id)
    ).all()
    assert len(challenges) == 240 and all(challenges)


def test_synthetic_votes_respect_the_three_dot_budget(session):
    load_demo(session, scale=2)
    totals = session.exec(
        select(m.Participant.token, func.sum(m.Vote.dots))
        .join(m.Vote, m.Vote.participant_id == m.Participant.id)
        .group_by(m.Participant.token)
    ).all()
    assert totals and all(dots <= 3 for _, dots in totals)


def test_synthetic_data_is_deterministic():
    vocabulary = {
        "themes": ["Energy", "Mobility", "ICT", "Refurbishment"],
        "categories": list("ABCDE"),
    }
    first = synthetic_spec(3, **vocabulary)
    assert synthetic_spec(3, **vocabulary) == first
    assert synthetic_spec(4, **vocabulary) != first
    assert len(first["city"]) == 120 and len(first["milestone"]) == 240


@pytest.mark.parametrize("scale", [2, 20])
def test_every_synthetic_common_challenge_groups_a_challenge(scale):
    # The common challenges service refuses an empty group; the loader goes through it.
    spec = synthetic_spec(scale, themes=["Energy", "Mobility"], categories=list("ABCDE"))
    joined = {row["common"] for row in spec["challenge"] if "common" in row}
    assert spec["common_challenge"] and {g["key"] for g in spec["common_challenge"]} == joined


@pytest.mark.parametrize("scale", [0, -1, 1.5, "2", True, None])
def test_a_scale_below_one_or_not_whole_is_refused(session, unchanged, scale):
    with unchanged(), pytest.raises(InvalidInput, match="scale"):
        load_demo(session, scale=scale)


@pytest.mark.postgres
def test_sqlite_and_postgresql_load_the_same_rows(pg_server, tmp_path):
    engines = {
        "sqlite": make_engine(f"sqlite:///{tmp_path / 'demo.db'}"),
        "postgresql": make_engine(pg_server.create_database("demo_compare")),
    }
    counts, memberships = {}, {}
    try:
        for backend, engine in engines.items():
            upgrade(engine)
            with Session(engine) as session:
                load_demo(session, scale=2)
                memberships[backend] = roles(session, CIE) | roles(session, "Smarter Together")
            counts[backend] = table_counts(engine)
    finally:
        for engine in engines.values():
            engine.dispose()

    assert counts["sqlite"] == counts["postgresql"]
    assert counts["sqlite"]["answer"] > 48
    assert memberships["sqlite"] == memberships["postgresql"]


# --- the seed texts' facts ----------------------------------------------------------


def test_cie_cities_are_members_with_coordinates(loaded):
    assert roles(loaded, CIE) == dict.fromkeys(CIE_CITIES, m.Role.MEMBER)
    cities = loaded.exec(select(m.City).where(m.City.name.in_(CIE_CITIES))).all()
    assert all(c.latitude is not None and c.longitude is not None for c in cities)
    utrecht = next(c for c in cities if c.name == "Utrecht")
    assert (utrecht.country, round(utrecht.latitude), round(utrecht.longitude)) == (
        "Netherlands",
        52,
        5,
    )


def test_munich_is_one_city_in_two_networks(loaded):
    munich = loaded.exec(select(m.City).where(m.City.name == "Munich")).all()
    assert len(munich) == 1 and munich[0].country == "Germany"
    assert roles(loaded, CIE)["Munich"] == m.Role.MEMBER
    assert roles(loaded, "Smarter Together")["Munich"] == m.Role.LIGHTHOUSE


def test_smarter_together_roles(loaded):
    assert roles(loaded, "Smarter Together") == {
        "Lyon": "lighthouse",
        "Vienna": "lighthouse",
        "Munich": "lighthouse",
        "Santiago de Compostela": "follower",
        "Sofia": "follower",
        "Venice": "follower",
        "Kiev": "observer",
        "Yokohama": "observer",
    }


def test_sharing_cities_roles_and_ten_goals(loaded):
    assert roles(loaded, "Sharing Cities") == {
        "London": "lighthouse",
        "Lisbon": "lighthouse",
        "Milan": "lighthouse",
        "Bordeaux": "fellow",
        "Burgas": "fellow",
        "Warsaw": "fellow",
    }
    description = network(loaded, "Sharing Cities").description
    for number in range(1, 11):
        assert f"\n{number}. " in description
    assert "€500 million" in description


def test_mysmartlife_has_its_sixteen_members_and_project_cities(loaded):
    by_role: dict[str, set[str]] = {}
    for city, role in roles(loaded, "mySMARTLife Cities Network").items():
        by_role.setdefault(role, set()).add(city)
    assert len(by_role["member"]) == 16
    assert {"Joensuu", "Kartal", "Mianyang", "Medellin", "Alba Iulia"} <= by_role["member"]
    assert by_role["lighthouse"] == {"Nantes", "Hamburg", "Helsinki"}
    assert by_role["follower"] == {"Palencia", "Bydgoszcz", "Rijeka"}


def test_mysmartlife_workshops(loaded):
    helsinki = event(loaded, "1st mySMARTLife Cities Network Workshop")
    nantes = event(loaded, "2nd mySMARTLife Cities Network Workshop")
    online = event(loaded, "3rd mySMARTLife Cities Network Workshop")
    assert (helsinki.start_date, helsinki.mode) == (date(2018, 2, 14), m.EventMode.ONSITE)
    assert (nantes.start_date, nantes.mode) == (date(2019, 3, 6), m.EventMode.ONSITE)
    assert (online.start_date, online.mode) == (date(2020, 3, 18), m.EventMode.ONLINE)
    assert "Hamburg" in online.place
    kinds = [s.kind for s in sessions_of(loaded, nantes.id)]
    assert m.SessionKind.SITE_VISIT in kinds


def test_themes_and_categories_from_the_texts(loaded):
    themes = set(loaded.exec(select(m.Theme.name)).all())
    assert {
        "Energy",
        "Mobility",
        "Urban data platforms",
        "Citizen engagement",
        "Refurbishment",
        "E-mobility",
        "ICT",
        "Urban planning",
        "CO2 reduction and air quality",
        "Knowledge integration",
        "Business and environment",
    } <= themes
    categories = set(loaded.exec(select(m.Category.name)).all())
    assert {"Funding", "Consulting", "Qualified staff", "Assistance for further exchange"} < (
        categories
    )


def test_berlin_meeting_and_its_sessions(loaded):
    berlin = event(loaded, "#CIE meeting Berlin")
    assert (berlin.start_date, berlin.end_date) == (date(2023, 10, 23), date(2023, 10, 24))
    assert (berlin.place, berlin.mode) == ("Berlin", m.EventMode.ONSITE)
    assert berlin.network_id == network(loaded, CIE).id
    agenda = sessions_of(loaded, berlin.id)
    assert [s.kind for s in agenda] == [
        "quiz",
        "workshop",
        "plenary",
        "workshop",
        "plenary",
        "panel",
    ]
    assert all(
        berlin.start_date <= s.starts_at.date() <= berlin.end_date and s.ends_at > s.starts_at
        for s in agenda
    )
    eu = agenda[4]
    assert eu.starts_at.date() == date(2023, 10, 24)
    takeaways = loaded.exec(
        select(m.Takeaway.text).where(m.Takeaway.session_id == eu.id).order_by(m.Takeaway.position)
    ).all()
    assert len(takeaways) == 4
    assert takeaways[0].startswith("Strong political will within EU")
    assert takeaways[3].startswith("Smart cities are collaborative cities")


def test_lyon_meeting_with_three_site_visits(loaded):
    lyon = event(loaded, "Smarter Together meeting Lyon")
    assert (lyon.start_date, lyon.end_date) == (date(2017, 6, 28), date(2017, 6, 30))
    visits = [s.title for s in sessions_of(loaded, lyon.id) if s.kind == m.SessionKind.SITE_VISIT]
    assert len(visits) == 3
    assert any("Cité Perrache" in v for v in visits)
    assert any("e-mobility" in v for v in visits)


def _actor() -> m.User:
    return system_actor()


def test_the_lighthouse_cities_targets_from_the_texts(loaded):
    smarter = network(loaded, "Smarter Together")
    rows = targets.list_targets(loaded, actor=_actor(), network_id=smarter.id)
    by_title = {r.title: r for r in rows}
    co2 = by_title["Cut CO2 emissions by more than 20 %"]
    assert (co2.city, co2.direction, co2.measurements, co2.status) == (
        "Munich",
        "at most",
        3,
        "at risk",
    )
    assert by_title["Waste heat and solar heat for 3,000 households"].target_value == 3000
    assert by_title["Carbon-neutral Neuaubing-Westkreuz/Freiham by 2050"].deadline == date(
        2050, 12, 31
    )
    # Values the texts do not give are example data, and say so.
    history = targets.target_history(loaded, actor=_actor(), target_id=co2.id)
    assert all(h.is_example and h.source == "Example data" for h in history)
    assert "example data" in co2.description
    assert {r.city for r in rows} == {"Munich", "Vienna", "Lyon"}


def test_sharing_cities_ten_goals_are_the_networks_targets(loaded):
    rows = targets.list_targets(
        loaded, actor=_actor(), network_id=network(loaded, "Sharing Cities").id
    )
    assert len(rows) == 10
    assert {r.owner for r in rows} == {"The network"}
    assert any(r.title == "Attract €500 million in external investment" for r in rows)


def test_the_knowledge_carrier_of_smarter_together(loaded):
    smarter = network(loaded, "Smarter Together")
    found = solutions.list_solutions(loaded, actor=_actor(), network_id=smarter.id)
    shuttle = next(s for s in found if s.title == "Navly autonomous e-shuttle")
    assert (shuttle.city, shuttle.theme, shuttle.latitude is not None) == (
        "Lyon",
        "E-mobility",
        True,
    )
    assert [(r.city, r.kind) for r in shuttle.replications] == [("Sofia", "studies")]
    assert {s.city for s in found} == {"Lyon", "Munich", "Vienna"}
    lyon = event(loaded, "Smarter Together meeting Lyon")
    shown = solutions.event_site_visits(loaded, actor=_actor(), event_id=lyon.id)
    titles = {
        s.title: [x.title for x in shown[s.id]]
        for s in sessions_of(loaded, lyon.id)
        if s.id in shown
    }
    assert titles["Site visit Confluence: e-mobility"] == [
        "Bluely e-car sharing stations",
        "CNR charging stations",
        "Navly autonomous e-shuttle",
    ]
    assert len(titles) == 3
    roles = {
        (r.city, r.theme): r.role
        for r in solutions.list_theme_roles(loaded, actor=_actor(), network_id=smarter.id)
    }
    assert roles[("Lyon", "E-mobility")] == "lighthouse"
    assert roles[("Sofia", "E-mobility")] == "follower"


def test_cie_tandems_are_example_data_until_end_of_2024(loaded):
    cie = network(loaded, CIE)
    tandems = loaded.exec(select(m.Tandem).where(m.Tandem.network_id == cie.id)).all()
    assert len(tandems) == 6
    assert all(t.is_example and "example data" in t.description.lower() for t in tandems)
    assert {t.deadline for t in tandems} == {date(2024, 12, 31)}
    sizes = loaded.exec(
        select(m.TandemCity.tandem_id, func.count())
        .where(m.TandemCity.tandem_id.in_([t.id for t in tandems]))
        .group_by(m.TandemCity.tandem_id)
    ).all()
    assert sorted(n for _, n in sizes) == [2, 2, 2, 2, 2, 3]
    cities = loaded.exec(
        select(m.City.name)
        .join(m.TandemCity, m.TandemCity.city_id == m.City.id)
        .where(m.TandemCity.tandem_id.in_([t.id for t in tandems]))
    ).all()
    assert set(cities) == CIE_CITIES


def test_berlin_quiz_questions_answers_and_correct_options(loaded):
    questions = loaded.exec(select(m.Question).order_by(m.Question.position)).all()
    assert [q.kind for q in questions] == [
        "single choice",
        "multiple choice",
        "scale",
        "single choice",
    ]
    assert "urban data platform" in questions[0].text
    assert (questions[2].scale_min, questions[2].scale_max) == (1, 5)
    assert all(q.opened_at is not None and q.closed_at is not None for q in questions)
    correct = loaded.exec(select(m.Option.text).where(m.Option.is_correct)).all()
    # Only the question of fact has a right answer; the others ask each city's view.
    assert sorted(correct) == ["All of them"]
    # Every participant of the quiz answered every question, once.
    assert loaded.exec(select(func.count(m.Answer.id))).one() == 12 * 4
    chosen_public = loaded.exec(
        select(func.count())
        .select_from(m.AnswerOption)
        .join(m.Option, m.Option.id == m.AnswerOption.option_id)
        .where(m.Option.text == "Public authorities")
    ).one()
    assert chosen_public == 12
    values = loaded.exec(select(m.Answer.value).where(m.Answer.question_id == questions[2].id))
    values = values.all()
    assert len(values) == 12 and all(1 <= v <= 5 for v in values)
    assert sum(values) / len(values) > 4  # citizen engagement matters to most
    people = loaded.exec(select(m.Participant.city_id)).all()
    assert len(people) == 12 + 10  # the quiz's and the plenary's


# --- participants' tokens ------------------------------------------------------------------


def _looks_joined(token: str) -> bool:
    """A token as joining a live session makes one: random URL-safe text of that length."""
    made = secrets.token_urlsafe(joining.TOKEN_BYTES)
    return len(token) == len(made) and set(token) <= URLSAFE


def test_demo_participants_have_tokens_like_anyone_who_joins(session):
    load_demo(session, scale=2)
    tokens = session.exec(select(m.Participant.token)).all()
    assert len(tokens) > 22 and len(set(tokens)) == len(tokens)
    assert all(_looks_joined(t) for t in tokens), [t for t in tokens if not _looks_joined(t)][:3]
    assert not [t for t in tokens if t.startswith(("demo-", "synthetic"))]


def test_loading_again_keeps_each_participant_and_their_token(session):
    load_demo(session)
    before = session.exec(select(m.Participant.id, m.Participant.token)).all()
    load_demo(session)
    assert session.exec(select(m.Participant.id, m.Participant.token)).all() == before


def test_another_database_gets_other_demo_tokens(session, tmp_path, sqlite_template):
    load_demo(session)
    path = tmp_path / "other.db"
    shutil.copy(sqlite_template, path)
    other = make_engine(f"sqlite:///{path}")
    try:
        with Session(other) as elsewhere:
            load_demo(elsewhere)
            theirs = set(elsewhere.exec(select(m.Participant.token)).all())
    finally:
        other.dispose()
    assert not theirs & set(session.exec(select(m.Participant.token)).all())


@pytest.mark.parametrize("token", ["demo-1", "demo-13", "demo-22"])
def test_an_old_demo_token_speaks_for_nobody(loaded, token):
    with pytest.raises(NotFound, match="not known"):
        joining.participant_by_token(loaded, token=token)


def test_the_four_common_challenges_of_cie_with_votes(loaded):
    cie = network(loaded, CIE)
    groups = loaded.exec(
        select(m.CommonChallenge).where(m.CommonChallenge.network_id == cie.id)
    ).all()
    assert {g.name for g in groups} == {
        "Funding",
        "Consulting",
        "Qualified staff",
        "Assistance for further exchange",
    }
    plenary = loaded.get(m.EventSession, groups[0].session_id)
    assert plenary.kind == m.SessionKind.PLENARY
    for group in groups:
        members = loaded.exec(
            select(m.Challenge).where(m.Challenge.common_challenge_id == group.id)
        ).all()
        category = loaded.get(m.Category, group.category_id)
        assert len(members) >= 3
        assert {c.category_id for c in members} == {category.id}
        assert all(c.is_example for c in members)
    dots = loaded.exec(
        select(m.Vote.participant_id, func.sum(m.Vote.dots)).group_by(m.Vote.participant_id)
    ).all()
    assert len(dots) == 10 and all(total == 3 for _, total in dots)


def test_every_cie_tandem_has_challenges_and_a_roadmap_to_the_deadline(loaded):
    cie = network(loaded, CIE)
    tandems = loaded.exec(select(m.Tandem).where(m.Tandem.network_id == cie.id)).all()
    for tandem in tandems:
        partners = set(
            loaded.exec(
                select(m.TandemCity.city_id).where(m.TandemCity.tandem_id == tandem.id)
            ).all()
        )
        challenges = loaded.exec(
            select(m.Challenge).where(m.Challenge.tandem_id == tandem.id)
        ).all()
        assert len(challenges) >= 3 and {c.city_id for c in challenges} <= partners
        roadmap = loaded.exec(select(m.Roadmap).where(m.Roadmap.tandem_id == tandem.id)).one()
        milestones = loaded.exec(
            select(m.Milestone).where(m.Milestone.roadmap_id == roadmap.id)
        ).all()
        assert len(milestones) >= 3
        assert max(ms.due_date for ms in milestones) == date(2024, 12, 31)
        assert {ms.owner_city_id for ms in milestones} <= partners
    statuses = set(loaded.exec(select(m.Milestone.status)).all())
    assert statuses == {s.value for s in m.MilestoneStatus}
    assert loaded.exec(select(func.count()).select_from(m.MilestoneChallenge)).one() >= 15
    assert loaded.exec(select(func.count()).select_from(m.MilestoneCommonChallenge)).one() >= 4


def test_challenges_are_recorded_on_the_day_of_their_session(loaded):
    rows = loaded.exec(
        select(m.Challenge.created_at, m.EventSession.starts_at).join(
            m.EventSession, m.EventSession.id == m.Challenge.session_id
        )
    ).all()
    assert rows and all(
        created.date() == starts.date() for created, starts in rows if starts is not None
    )


def test_milestone_history_starts_planned_and_ends_at_the_status(loaded):
    for milestone in loaded.exec(select(m.Milestone)).all():
        changes = loaded.exec(
            select(m.MilestoneStatusChange)
            .where(m.MilestoneStatusChange.milestone_id == milestone.id)
            .order_by(m.MilestoneStatusChange.changed_at, m.MilestoneStatusChange.id)
        ).all()
        assert changes[0].old_status is None and changes[0].new_status == "planned"
        assert changes[-1].new_status == milestone.status
        assert all(c.changed_by_id is None for c in changes)


# --- the data files' own checks -----------------------------------------------------


def cie_spec() -> dict:
    return read_spec(demo.DEMO_DIR / "10_connectedineurope.toml")


def load_with_catalogue(session: Session, spec: dict) -> None:
    loader = demo.Loader(session)
    loader.load(read_spec(demo.DEMO_DIR / "00_catalogue.toml"), source="catalogue")
    loader.load(spec, source="broken.toml")


@pytest.mark.parametrize(
    ("break_it", "message"),
    [
        (lambda s: s["member"].append({"city": "Atlantis"}), "unknown city 'Atlantis'"),
        (lambda s: s["tandem"].append(copy.deepcopy(s["tandem"][0])), "two tandem entries"),
        (lambda s: s["member"].append(dict(s["member"][0], role="observer")), "twice"),
        (lambda s: s["milestone"][0].update(challenges=["ah-legal"]), "another tandem's"),
        (lambda s: s["common_challenge"][0]["votes"].update({"quiz-1": 1}), "outside their"),
        (lambda s: s["milestone"][0].update(due=date(2025, 1, 31)), "after its tandem's deadline"),
        (lambda s: s["participant"][0]["answers"].update(platforms="Maybe"), "no option 'Maybe'"),
        (lambda s: s["participant"][0]["answers"].update(engagement=9), "off the scale"),
        (lambda s: s["challenge"][0].update(city="Munich"), "unknown city of the tandem"),
        (lambda s: s["session"][0].update(kind="party"), "'party' is not a SessionKind"),
    ],
)
def test_inconsistent_demo_data_is_refused_with_a_reason(session, break_it, message):
    spec = cie_spec()
    break_it(spec)
    with pytest.raises(DemoDataError, match=message):
        load_with_catalogue(session, spec)


@pytest.mark.parametrize(
    ("break_it", "error", "message"),
    [
        # The input models' checks, as on every other door.
        (lambda s: s["question"][0].update(text=" "), InvalidInput, "The question must not"),
        (lambda s: s["challenge"][0].update(priority=5), InvalidInput, "The priority must be"),
        (lambda s: s["event"][0].update(title=""), InvalidInput, "The event's title must not"),
        # The services' own checks: two sessions of an event named alike at one time.
        (
            lambda s: s["session"].append(
                dict(s["session"][0], key="again", title=s["session"][0]["title"].upper())
            ),
            Conflict,
            "already has a session named",
        ),
    ],
)
def test_the_services_check_the_demo_data_like_any_other_input(session, break_it, error, message):
    spec = cie_spec()
    break_it(spec)
    with pytest.raises(error, match=message):
        load_with_catalogue(session, spec)


def test_a_city_spelt_with_or_without_accents_is_one_city_for_the_demo_too(session):
    # The city service folds accents ("Málaga" is "Malaga"); the demo goes through it.
    session.add(m.City(name="Málaga", country="Spain"))
    session.commit()
    with pytest.raises(Conflict, match="A city named 'Málaga' in Spain already exists"):
        load_demo(session)


def test_milestones_and_their_history_are_written_by_the_roadmaps_service(session, monkeypatch):
    calls = []
    real = roadmaps.import_milestones

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(roadmaps, "import_milestones", spy)
    load_demo(session)

    assert calls and all(call["system"] and call["at"] is not None for call in calls)
    added = sum(len(call.get("adds", ())) for call in calls)
    assert added == session.exec(select(func.count()).select_from(m.Milestone)).one() == 22


def test_a_failed_load_writes_nothing_and_a_later_load_completes(
    session, engine, tmp_path, monkeypatch
):
    broken = tmp_path / "demo"
    broken.mkdir()
    (broken / "00_catalogue.toml").write_bytes((demo.DEMO_DIR / "00_catalogue.toml").read_bytes())
    text = (demo.DEMO_DIR / "10_connectedineurope.toml").read_text(encoding="utf-8")
    # The last phase fails: a milestone owned by a city outside its tandem.
    (broken / "10_connectedineurope.toml").write_text(
        text.replace('owner = "Hamm"', 'owner = "Pirna"', 1), encoding="utf-8"
    )
    monkeypatch.setattr("peerlearn.demo.loader.DEMO_DIR", broken)

    with pytest.raises(DemoDataError, match="unknown city of the tandem 'Pirna'"):
        load_demo(session)
    # One transaction: the catalogue and the network's first phases went too.
    assert not any(table_counts(engine).values())

    monkeypatch.undo()
    load_demo(session)
    counts = table_counts(engine)
    load_demo(session)
    assert table_counts(engine) == counts
    assert (counts["tandem"], counts["milestone"], counts["answer"]) == (6, 22, 48)
