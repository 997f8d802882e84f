"""The Solutions screen: the knowledge carrier map, its side panel and tables, and the
forms that record solutions, replications and roles per theme."""

from __future__ import annotations

from sqlmodel import Session, select

from peerlearn import models as m
from tests.ui.conftest import click, member_tandem, signed_in

PAGE = "pages/solutions.py"
NETWORK = "Knowledge carrier test"
SHUTTLE = "Navly autonomous e-shuttle"


def knowledge_network(engine) -> dict[str, int]:
    """A network of Lyon, Sofia and one city of the tandem member's tandem; ids by name."""
    own = member_tandem(engine)
    with Session(engine) as session:
        network = m.Network(name=NETWORK)
        session.add(network)
        session.flush()
        city = {c.name: c for c in session.exec(select(m.City)).all()}
        theirs = session.exec(
            select(m.City)
            .join(m.TandemCity, m.TandemCity.city_id == m.City.id)
            .where(m.TandemCity.tandem_id == own.id)
        ).first()
        roles = {"Lyon": m.Role.LIGHTHOUSE, "Sofia": m.Role.FOLLOWER, theirs.name: m.Role.MEMBER}
        for name, role in roles.items():
            session.add(m.Membership(network_id=network.id, city_id=city[name].id, role=role))
        session.commit()
        themes = {t.name: t.id for t in session.exec(select(m.Theme)).all()}
        return {
            "network": network.id,
            "Lyon": city["Lyon"].id,
            "Sofia": city["Sofia"].id,
            "theirs": theirs.id,
            "Mobility": themes["Mobility"],
            "Energy": themes["Energy"],
        }


def _open(at, ids):
    at.run()  # the network was added after the first run
    at.selectbox(key="so_network").set_value(ids["network"]).run()
    assert not at.exception, at.exception
    return at


def _add_shuttle(at, ids):
    at.selectbox(key="so_add_city").set_value(ids["Lyon"])
    at.text_input(key="so_add_title").input(SHUTTLE)
    at.selectbox(key="so_add_theme").set_value(ids["Mobility"])
    at.selectbox(key="so_add_status").set_value("piloting")
    at.text_input(key="so_add_site").input("Lyon Confluence")
    at.number_input(key="so_add_lat").set_value(45.7405)
    at.number_input(key="so_add_lon").set_value(4.8183)
    at.text_area(key="so_add_links").input("Navly | https://www.navya.tech/en/")
    click(at, "Add solution")
    assert not at.error, [e.value for e in at.error]


def _table(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _shuttle_id(engine) -> int:
    with Session(engine) as session:
        # The demo's Smarter Together has a shuttle of this name too.
        statement = (
            select(m.Solution.id)
            .join(m.Network, m.Network.id == m.Solution.network_id)
            .where(m.Solution.title == SHUTTLE, m.Network.name == NETWORK)
        )
        return session.exec(statement).one()


def _markdown(at) -> str:
    return "\n".join(x.value for x in at.markdown)


def test_a_coordinator_adds_lyons_e_shuttle_and_records_sofia_studying_it(app):
    at = app("coordinator", PAGE)
    ids = knowledge_network(at.engine)
    _open(at, ids)
    _add_shuttle(at, ids)
    with Session(at.engine) as session:
        shuttle = session.get(m.Solution, _shuttle_id(at.engine))
        stored = session.exec(
            select(m.SolutionLink).where(m.SolutionLink.solution_id == shuttle.id)
        ).one()
    assert (shuttle.latitude, shuttle.longitude, shuttle.status) == (45.7405, 4.8183, "piloting")
    assert (stored.title, stored.url) == ("Navly", "https://www.navya.tech/en/")
    assert at.text_input(key="so_add_title").value == ""  # the form empties

    at.selectbox(key="so_rep_city").set_value(ids["Sofia"])
    at.selectbox(key="so_rep_solution").set_value(shuttle.id)
    at.selectbox(key="so_rep_kind").set_value("studies")
    at.text_area(key="so_rep_note").input("Seen on the Lyon site visit.")
    click(at, "Record")
    assert not at.error, [e.value for e in at.error]

    pairs = _table(at, "Takes it up")
    assert pairs.to_dict("records")[0] | {"Note": ""} == {
        "Solution": SHUTTLE,
        "Of": "Lyon",
        "City": "Sofia",
        "Takes it up": "studies",
        "Status": "considering",
        "Note": "",
        "Example data": False,
    }
    listed = _table(at, "Replicated by")
    assert listed["Replicated by"].tolist() == ["Sofia (studies)"]
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")

    # The side panel: Lyon's solution with its link; Sofia's uptake.
    at.selectbox(key="so_city").set_value(ids["Lyon"]).run()
    panel = _markdown(at)
    assert SHUTTLE in panel and "lighthouse" in panel
    assert "[Navly](https://www.navya.tech/en/)" in panel
    assert "Sofia studies" in panel
    at.selectbox(key="so_city").set_value(ids["Sofia"]).run()
    assert "Studies Lyon’s " + SHUTTLE in _markdown(at)


def test_filters_by_theme_and_status_hide_and_show_solutions(app):
    at = app("coordinator", PAGE)
    ids = knowledge_network(at.engine)
    _open(at, ids)
    _add_shuttle(at, ids)
    at.selectbox(key="so_add_city").set_value(ids["Lyon"])
    at.text_input(key="so_add_title").input("District heating")
    at.selectbox(key="so_add_theme").set_value(ids["Energy"])
    at.selectbox(key="so_add_status").set_value("in operation")
    click(at, "Add solution")
    assert set(_table(at, "Replicated by")["Solution"]) == {SHUTTLE, "District heating"}

    at.multiselect(key="so_themes").set_value([ids["Energy"]]).run()
    assert _table(at, "Replicated by")["Solution"].tolist() == ["District heating"]
    at.multiselect(key="so_themes").set_value([]).run()
    at.multiselect(key="so_statuses").set_value(["piloting"]).run()
    assert _table(at, "Replicated by")["Solution"].tolist() == [SHUTTLE]
    at.multiselect(key="so_themes").set_value([ids["Energy"]]).run()
    assert "No solution matches" in at.info[0].value


def test_a_coordinator_edits_archives_and_sets_a_role_per_theme(app):
    at = app("coordinator", PAGE)
    ids = knowledge_network(at.engine)
    _open(at, ids)
    _add_shuttle(at, ids)
    at.selectbox(key="so_edit_pick").set_value(_shuttle_id(at.engine)).run()
    assert at.text_area(key="so_edit_links").value == "Navly | https://www.navya.tech/en/"
    at.selectbox(key="so_edit_status").set_value("in operation")
    click(at, "Save solution")
    assert _table(at, "Replicated by")["Status"].tolist() == ["in operation"]

    at.selectbox(key="so_role_city").set_value(ids["Sofia"])
    at.selectbox(key="so_role_theme").set_value(ids["Mobility"])
    at.selectbox(key="so_role_role").set_value("lighthouse")
    click(at, "Set the role")
    at.selectbox(key="so_city").set_value(ids["Sofia"]).run()
    assert "Mobility: lighthouse" in _markdown(at)

    at.checkbox(key="so_edit_archive").check()
    click(at, "Save solution")
    assert not any("Replicated by" in d.value.columns for d in at.dataframe)
    with Session(at.engine) as session:
        assert session.get(m.Solution, _shuttle_id(at.engine)).archived_at is not None


def test_a_tandem_member_edits_only_their_own_citys_solutions(app):
    coordinator = app("coordinator", PAGE)
    engine = coordinator.engine
    ids = knowledge_network(engine)
    _open(coordinator, ids)
    _add_shuttle(coordinator, ids)
    with Session(engine) as session:
        theirs = session.get(m.City, ids["theirs"]).name

    at = _open(signed_in(engine, "tandem", PAGE), ids)
    assert at.selectbox(key="so_add_city").options == [theirs]
    # Lyon's shuttle is not theirs to edit: there is nothing to pick.
    assert not any(s.key == "so_edit_pick" for s in at.selectbox)
    assert any("No solution here that you may change" in c.value for c in at.caption)
    # Their city may study Lyon's shuttle.
    at.selectbox(key="so_rep_solution").set_value(_shuttle_id(engine))
    click(at, "Record")
    assert not at.error, [e.value for e in at.error]
    assert _table(at, "Takes it up")["City"].tolist() == [theirs]


def test_a_facilitator_reads_and_gets_no_edit_forms(app):
    coordinator = app("coordinator", PAGE)
    ids = knowledge_network(coordinator.engine)
    _open(coordinator, ids)
    _add_shuttle(coordinator, ids)
    at = _open(signed_in(coordinator.engine, "facilitator", PAGE), ids)
    assert _table(at, "Replicated by")["Solution"].tolist() == [SHUTTLE]
    assert not at.tabs
    assert not any(b.label in ("Add solution", "Record") for b in at.button)
    assert any("Facilitators read" in c.value for c in at.caption)


def test_user_text_in_the_side_panel_is_shown_as_typed(app):
    at = app("coordinator", PAGE)
    ids = knowledge_network(at.engine)
    _open(at, ids)
    at.selectbox(key="so_add_city").set_value(ids["Lyon"])
    at.text_input(key="so_add_title").input("**Bold** [x](https://evil.example)")
    at.selectbox(key="so_add_theme").set_value(ids["Mobility"])
    at.text_area(key="so_add_links").input("[a](b) | https://example.org/(x)")
    click(at, "Add solution")
    at.selectbox(key="so_city").set_value(ids["Lyon"]).run()
    panel = _markdown(at)
    assert "\\*\\*Bold\\*\\*" in panel
    assert "[\\[a\\](b)](https://example.org/%28x%29)" in panel


def test_the_page_renders_with_no_network(app):
    at = app("coordinator", PAGE, kind="empty")
    assert not at.exception
    assert "no network" in at.info[0].value
