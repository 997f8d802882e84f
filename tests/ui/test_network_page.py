"""The Network screen: cities with roles, bulk edit, tandems, themes and categories."""

from __future__ import annotations

from sqlmodel import Session, select

from peerlearn import models as m
from tests.ui.conftest import click, count_rows

PAGE = "pages/network.py"


def _network_id(engine, name="#connectedinEurope") -> int:
    with Session(engine) as session:
        return session.exec(select(m.Network.id).where(m.Network.name == name)).one()


def test_it_shows_the_networks_cities_and_tandems(app):
    at = app("coordinator", PAGE)
    assert not at.exception
    at.selectbox(key="net_network").set_value(_network_id(at.engine)).run()
    cities = at.get("arrow_data_frame") or at.dataframe
    assert cities
    shown = " ".join(str(v) for frame in at.dataframe for v in frame.value.to_numpy().ravel())
    assert "Arezzo–Arnsberg" in shown


def test_an_empty_database_asks_for_the_first_network(app):
    at = app("coordinator", PAGE, kind="empty")
    assert not at.exception
    assert "no network yet" in at.info[0].value
    at.text_input(key="net_network_name").input("Energy Cities")
    click(at, "Add network")
    assert count_rows(at.engine, m.Network) == 1


def test_adding_a_city_makes_it_a_member_with_its_role(app):
    at = app("coordinator", PAGE)
    network_id = _network_id(at.engine)
    at.selectbox(key="net_network").set_value(network_id).run()
    at.text_input(key="net_city_name").input("Łódź")
    at.text_input(key="net_city_country").input("Poland")
    at.number_input(key="net_lat").set_value(51.7592)
    at.number_input(key="net_lon").set_value(19.4560)
    click(at, "Add city")
    assert not at.error
    with Session(at.engine) as session:
        city = session.exec(select(m.City).where(m.City.name == "Łódź")).one()
        role = session.exec(
            select(m.Membership.role).where(
                m.Membership.city_id == city.id, m.Membership.network_id == network_id
            )
        ).one()
    assert role == "member"


def test_a_duplicate_city_is_refused_and_nothing_is_written(app):
    at = app("coordinator", PAGE)
    at.selectbox(key="net_network").set_value(_network_id(at.engine)).run()
    before = count_rows(at.engine, m.City)
    at.text_input(key="net_city_name").input("Arezzo")
    at.text_input(key="net_city_country").input("Italy")
    click(at, "Add city")
    assert at.error and "already exists" in at.error[0].value
    assert count_rows(at.engine, m.City) == before


def test_a_tandem_of_one_city_is_refused(app):
    at = app("coordinator", PAGE)
    network_id = _network_id(at.engine)
    at.selectbox(key="net_network").set_value(network_id).run()
    before = count_rows(at.engine, m.Tandem)
    with Session(at.engine) as session:
        one = session.exec(
            select(m.Membership.city_id).where(m.Membership.network_id == network_id)
        ).first()
    at.text_input(key="net_tandem_name").input("Solo")
    at.multiselect(key="net_tandem_cities").set_value([one])
    click(at, "Add tandem")
    assert at.error
    assert count_rows(at.engine, m.Tandem) == before


def test_a_tandem_of_two_cities_is_added(app):
    at = app("coordinator", PAGE)
    network_id = _network_id(at.engine)
    at.selectbox(key="net_network").set_value(network_id).run()
    with Session(at.engine) as session:
        ids = session.exec(
            select(m.Membership.city_id).where(m.Membership.network_id == network_id)
        ).all()[:2]
    at.text_input(key="net_tandem_name").input("New pairing")
    at.multiselect(key="net_tandem_cities").set_value(ids)
    click(at, "Add tandem")
    assert not at.error, at.error
    with Session(at.engine) as session:
        tandem = session.exec(select(m.Tandem).where(m.Tandem.name == "New pairing")).one()
    assert tandem.network_id == network_id


def test_themes_are_added_and_blank_names_refused(app):
    at = app("coordinator", PAGE)
    at.text_input(key="net_theme_name").input("Urban data platforms 2")
    click(at, "Add theme")
    assert count_rows(at.engine, m.Theme) >= 1
    before = count_rows(at.engine, m.Category)
    at.text_input(key="net_category_name").input("   ")
    click(at, "Add category")
    assert at.error
    assert count_rows(at.engine, m.Category) == before


# --- helpers for the tests below ---------------------------------------------------


def _open(at):
    network_id = _network_id(at.engine)
    at.selectbox(key="net_network").set_value(network_id).run()
    return network_id


def _tandem(engine, network_id) -> m.Tandem:
    """The network's first tandem that has a theme and a deadline."""
    with Session(engine) as session:
        tandem = session.exec(
            select(m.Tandem)
            .where(m.Tandem.network_id == network_id, m.Tandem.theme_id.is_not(None))
            .where(m.Tandem.deadline.is_not(None))
            .order_by(m.Tandem.id)
        ).first()
        session.expunge(tandem)
    return tandem


def _fresh(engine, model, ident):
    with Session(engine) as session:
        row = session.get(model, ident)
        session.expunge(row)
    return row


def _shown(at) -> str:
    return " ".join(str(v) for frame in at.dataframe for v in frame.value.to_numpy().ravel())


def _table(at, column: str):
    """The first table on the page with ``column`` (the cities grid comes first)."""
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def _submit(at, label: str, form: str):
    """Click ``label`` in the form ``form`` (several forms have a "Save" button)."""
    return next(b for b in at.button if b.label == label and b.form_id == form).click().run()


def _edit(at, key: str, rows: dict[int, dict]):
    # AppTest cannot type into a data editor; its edits live in the widget's state.
    at.session_state[key] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    return at


# --- edit forms start from the chosen row (and saving keeps what was not changed) ---


def test_choosing_a_tandem_fills_the_form_and_saving_keeps_the_rest(app):
    at = app("coordinator", PAGE)
    network_id = _open(at)
    tandem = _tandem(at.engine, network_id)
    at.selectbox(key="net_tandem_pick").set_value(tandem.id).run()
    assert at.text_input(key="net_tandem_name").value == tandem.name
    assert at.selectbox(key="net_tandem_theme").value == tandem.theme_id
    assert at.date_input(key="net_tandem_deadline").value == tandem.deadline
    assert len(at.multiselect(key="net_tandem_cities").value) >= 2
    at.text_input(key="net_tandem_name").input("Renamed pairing")
    click(at, "Save tandem")
    assert not at.error, at.error
    stored = _fresh(at.engine, m.Tandem, tandem.id)
    assert stored.name == "Renamed pairing"
    assert (stored.theme_id, stored.deadline, stored.description) == (
        tandem.theme_id,
        tandem.deadline,
        tandem.description,
    )
    # the page shows it at once, and says so
    assert at.toast[0].value == "Tandem saved"
    assert "Renamed pairing" in set(_table(at, "Tandem")["Tandem"])
    assert at.text_input(key="net_tandem_name").value == "Renamed pairing"


def test_going_back_to_adding_empties_the_tandem_form(app):
    at = app("coordinator", PAGE)
    tandem = _tandem(at.engine, _open(at))
    at.selectbox(key="net_tandem_pick").set_value(tandem.id).run()
    at.selectbox(key="net_tandem_pick").set_value(None).run()
    assert at.text_input(key="net_tandem_name").value == ""
    assert at.date_input(key="net_tandem_deadline").value is None


def test_an_added_tandem_is_listed_at_once_and_the_form_empties(app):
    at = app("coordinator", PAGE)
    network_id = _open(at)
    with Session(at.engine) as session:
        ids = session.exec(
            select(m.Membership.city_id).where(m.Membership.network_id == network_id)
        ).all()[:2]
    at.text_input(key="net_tandem_name").input("Fresh pairing")
    at.multiselect(key="net_tandem_cities").set_value(ids)
    click(at, "Add tandem")
    assert not at.error, at.error
    assert at.toast[0].value == "Tandem added"
    assert "Fresh pairing" in set(_table(at, "Tandem")["Tandem"])
    assert at.text_input(key="net_tandem_name").value == ""
    assert at.multiselect(key="net_tandem_cities").value == []


def test_a_refused_tandem_keeps_what_was_typed(app):
    at = app("coordinator", PAGE)
    network_id = _open(at)
    with Session(at.engine) as session:
        one = session.exec(
            select(m.Membership.city_id).where(m.Membership.network_id == network_id)
        ).first()
    at.text_input(key="net_tandem_name").input("Solo")
    at.multiselect(key="net_tandem_cities").set_value([one])
    click(at, "Add tandem")
    assert at.error
    assert at.text_input(key="net_tandem_name").value == "Solo"
    assert at.multiselect(key="net_tandem_cities").value == [one]


def test_the_role_form_starts_from_the_citys_role(app):
    at = app("coordinator", PAGE)
    network_id = _open(at)
    with Session(at.engine) as session:
        membership = session.exec(
            select(m.Membership).where(m.Membership.network_id == network_id)
        ).all()[1]
        membership.role = "lighthouse"
        session.add(membership)
        session.commit()
        city_id = membership.city_id
    at.run()
    at.selectbox(key="net_role_city").set_value(city_id).run()
    assert at.selectbox(key="net_role_role").value == "lighthouse"
    at.selectbox(key="net_role_role").set_value("follower")
    click(at, "Apply")
    assert at.toast[0].value == "Role saved"
    assert at.selectbox(key="net_role_role").value == "follower"


def test_a_themes_form_starts_from_it_and_keeps_the_name_when_only_the_text_changes(app):
    at = app("coordinator", PAGE)
    theme_id = at.selectbox(key="net_theme_pick").value
    theme = _fresh(at.engine, m.Theme, theme_id)
    assert at.text_input(key="net_theme_new_name").value == theme.name
    assert at.text_area(key="net_theme_new_about").value == theme.description
    at.text_area(key="net_theme_new_about").input("What the cities mean by it.")
    _submit(at, "Save", "net_edit_theme")
    assert not at.error, at.error
    stored = _fresh(at.engine, m.Theme, theme_id)
    assert (stored.name, stored.description) == (theme.name, "What the cities mean by it.")


def test_an_added_city_empties_the_form_and_a_refused_one_keeps_it(app):
    at = app("coordinator", PAGE)
    _open(at)
    at.text_input(key="net_city_name").input("Arezzo")
    at.text_input(key="net_city_country").input("Italy")
    click(at, "Add city")
    assert at.error  # a duplicate
    assert at.text_input(key="net_city_name").value == "Arezzo"
    at.text_input(key="net_city_name").input("Siena")
    click(at, "Add city")
    assert not at.error, at.error
    assert at.text_input(key="net_city_name").value == ""
    assert "Siena" in set(at.dataframe[0].value["name"])


# --- the cities grid ---------------------------------------------------------------


def test_a_bad_grid_row_is_refused_named_by_its_city_and_nothing_is_written(app):
    at = app("coordinator", PAGE)
    _open(at)
    grid = at.dataframe[0].value
    before = _shown(at)
    row = 5
    city_id, name = int(grid["id"][row]), grid["name"][row]
    _edit(at, "net_cities_editor", {0: {"country": "Elsewhere"}, row: {"name": "  "}})
    click(at, "Save changes")
    message = at.error[0].value
    assert f"The row of {name} (id {city_id}), column 'name'" in message
    assert "Row 6" not in message
    with Session(at.engine) as session:
        assert session.get(m.City, int(grid["id"][0])).country == grid["country"][0]
        assert session.get(m.City, city_id).name == name
    assert _shown(at) == before


def test_a_good_grid_edit_is_saved_and_shown(app):
    at = app("coordinator", PAGE)
    _open(at)
    grid = at.dataframe[0].value
    city_id = int(grid["id"][2])
    _edit(at, "net_cities_editor", {2: {"name": "Arnsberg (NRW)"}})
    click(at, "Save changes")
    assert not at.error, at.error
    assert at.toast[0].value == "1 city saved"
    assert _fresh(at.engine, m.City, city_id).name == "Arnsberg (NRW)"
    assert "Arnsberg (NRW)" in set(at.dataframe[0].value["name"])


def test_saving_an_unchanged_grid_says_there_was_nothing_to_change(app):
    at = app("coordinator", PAGE)
    _open(at)
    click(at, "Save changes")
    assert not at.error and not at.toast
    assert "Nothing to change" in at.info[0].value


# --- networks: rename, archive, restore; restoring archived rows ----------------------


def test_a_network_is_renamed_archived_and_restored(app):
    at = app("coordinator", PAGE)
    network_id = _network_id(at.engine, "Smarter Together")
    at.selectbox(key="net_network_pick").set_value(network_id).run()
    assert at.text_input(key="net_network_new_name").value == "Smarter Together"
    at.text_input(key="net_network_new_name").input("Smarter Together (2016-2021)")
    _submit(at, "Save", "net_edit_network")
    assert not at.error, at.error
    assert _fresh(at.engine, m.Network, network_id).name == "Smarter Together (2016-2021)"
    assert "Smarter Together (2016-2021)" in _shown(at)
    at.selectbox(key="net_network_pick").set_value(network_id).run()
    at.checkbox(key="net_network_archive").check()
    _submit(at, "Save", "net_edit_network")
    assert _fresh(at.engine, m.Network, network_id).archived_at is not None
    assert "Smarter Together (2016-2021)" not in at.selectbox(key="net_network").options
    at.selectbox(key="net_restore_network_pick").set_value(network_id)
    _submit(at, "Restore", "net_restore_network")
    assert not at.error, at.error
    assert _fresh(at.engine, m.Network, network_id).archived_at is None
    assert at.toast[0].value == "Network restored"


def test_archived_cities_tandems_and_themes_are_listed_and_restored(app):
    at = app("coordinator", PAGE)
    network_id = _open(at)
    tandem = _tandem(at.engine, network_id)
    with Session(at.engine) as session:
        city_id = session.exec(
            select(m.Membership.city_id).where(m.Membership.network_id == network_id)
        ).first()
        theme_id = session.exec(select(m.Theme.id).order_by(m.Theme.id)).first()
    from peerlearn.services import network as net
    from peerlearn.services import tandems as tandem_service
    from tests.ui.conftest import user_of

    coordinator = user_of(at.engine, "coordinator")
    with Session(at.engine) as session:
        net.archive_city(session, actor=coordinator, city_id=city_id)
        tandem_service.archive_tandem(session, actor=coordinator, tandem_id=tandem.id)
        net.archive_theme(session, actor=coordinator, theme_id=theme_id)
    at.run()
    for key, ident, model in (
        ("net_restore_city", city_id, m.City),
        ("net_restore_tandem", tandem.id, m.Tandem),
        ("net_restore_theme", theme_id, m.Theme),
    ):
        at.selectbox(key=f"{key}_pick").set_value(ident)
        next(b for b in at.button if b.label == "Restore" and b.form_id == key).click().run()
        assert not at.error, at.error
        assert _fresh(at.engine, model, ident).archived_at is None


def test_a_city_stored_under_another_language_is_suggested_before_it_is_added(app):
    """München is Munich: asked first, added only when the coordinator says it is new."""
    at = app("coordinator", PAGE)
    at.selectbox(key="net_network").set_value(_network_id(at.engine)).run()
    before = count_rows(at.engine, m.City)
    at.text_input(key="net_city_name").input("München")
    at.text_input(key="net_city_country").input("Deutschland")
    click(at, "Add city")
    assert not at.exception
    assert "Did you mean Munich (Germany)?" in at.warning[0].value
    assert count_rows(at.engine, m.City) == before
    assert at.text_input(key="net_city_name").value == "München"  # kept to tick and retry
    at.checkbox(key="net_city_new").check()
    click(at, "Add city")
    assert not at.error
    with Session(at.engine) as session:
        # Deutschland is written as the network writes Germany.
        city = session.exec(select(m.City).where(m.City.name == "München")).one()
    assert city.country == "Germany"
    assert at.checkbox(key="net_city_new").value is False  # the next city is asked again


def test_a_city_spelled_in_the_countrys_own_language_is_the_stored_one(app):
    at = app("coordinator", PAGE)
    at.selectbox(key="net_network").set_value(_network_id(at.engine)).run()
    before = count_rows(at.engine, m.City)
    at.text_input(key="net_city_name").input("AREZZO")
    at.text_input(key="net_city_country").input("Italia")
    click(at, "Add city")
    assert at.error and "already exists" in at.error[0].value
    assert count_rows(at.engine, m.City) == before


def test_the_day_a_city_joined_is_set_with_its_role_and_shown_in_the_table(app):
    from datetime import date

    at = app("coordinator", PAGE)
    network_id = _open(at)
    with Session(at.engine) as session:
        membership = session.exec(
            select(m.Membership).where(m.Membership.network_id == network_id)
        ).all()[0]
        city_id = membership.city_id
    at.selectbox(key="net_role_city").set_value(city_id).run()
    assert at.date_input(key="net_role_joined").value is None
    at.date_input(key="net_role_joined").set_value(date(2019, 3, 15))
    click(at, "Apply")
    assert not at.exception
    assert at.toast[0].value == "Role saved"
    with Session(at.engine) as session:
        assert session.get(m.Membership, membership.id).joined_on == date(2019, 3, 15)
    table = at.dataframe[0].value if at.dataframe else None
    shown = at.get("arrow_data_frame")[0].value if table is None else table
    assert date(2019, 3, 15) in {v.date() if hasattr(v, "date") else v for v in shown["joined"]}


def test_a_city_renamed_in_the_grid_to_another_citys_name_is_asked_about_first(app):
    at = app("coordinator", PAGE)
    _open(at)
    grid = at.dataframe[0].value
    row = int(grid.index[grid["name"] == "Pirna"][0])
    city_id = int(grid["id"][row])
    _edit(at, "net_cities_editor", {row: {"name": "München"}})
    click(at, "Save changes")
    assert not at.exception
    assert "Did you mean Munich (Germany) for München (Germany)?" in at.warning[0].value
    assert _fresh(at.engine, m.City, city_id).name == "Pirna"
    click(at, "Save the renamed cities anyway")
    assert not at.error, at.error
    assert _fresh(at.engine, m.City, city_id).name == "München"
    assert not at.warning
