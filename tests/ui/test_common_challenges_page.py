"""The Common challenges screen: grouping, moving out, rename, merge, charts, votes."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, func, select

from peerlearn import models as m
from tests.ui.conftest import click

PAGE = "pages/common_challenges.py"


def _cie(at):
    with Session(at.engine) as session:
        network = session.exec(
            select(m.Network).where(m.Network.name == "#connectedinEurope")
        ).one()
    at.selectbox(key="cc_network").set_value(network.id).run()
    return network.id


def _loose_ids(engine, network_id) -> list[int]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(m.Challenge.id)
                .join(m.Tandem)
                .where(
                    m.Tandem.network_id == network_id,
                    m.Challenge.common_challenge_id.is_(None),
                    m.Challenge.archived_at.is_(None),
                )
            )
        )


@pytest.mark.parametrize("role", ["coordinator", "facilitator"])
@pytest.mark.parametrize("kind", ["demo", "empty"])
def test_the_page_renders_for_staff(app, role, kind):
    at = app(role, PAGE, kind=kind)
    assert not at.exception
    assert at.title[0].value == "Common challenges"


def test_the_demo_plenary_shows_its_groups_charts_and_votes(app):
    at = app("facilitator", PAGE)
    _cie(at)
    titles = [e.label for e in at.expander]
    assert any(t.startswith("Funding") for t in titles), titles
    assert len(at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")) == 2
    votes = at.dataframe[-1].value
    assert list(votes["Dots"]) == sorted(votes["Dots"], reverse=True)


def test_grouping_without_a_selection_says_what_to_do(app):
    at = app("facilitator", PAGE)
    network_id = _cie(at)
    before = _loose_ids(at.engine, network_id)
    at.text_input(key="cc_group_name").input("Data skills")
    click(at, "Group the selected challenges")
    assert "Tick at least one" in at.error[0].value
    assert _loose_ids(at.engine, network_id) == before


def test_moving_a_challenge_out_of_a_group_makes_it_loose_again(app):
    at = app("coordinator", PAGE)
    network_id = _cie(at)
    before = set(_loose_ids(at.engine, network_id))
    button = next(b for b in at.button if b.key and b.key.startswith("cc_out_"))
    challenge_id = int(button.key.removeprefix("cc_out_"))
    button.click().run()
    assert set(_loose_ids(at.engine, network_id)) == before | {challenge_id}


def test_a_rename_to_a_blank_name_is_refused(app):
    at = app("coordinator", PAGE)
    _cie(at)
    with Session(at.engine) as session:
        names = set(session.exec(select(m.CommonChallenge.name)))
    at.text_input(key="cc_rename_name").input("  ")
    click(at, "Rename")
    assert at.error
    with Session(at.engine) as session:
        assert set(session.exec(select(m.CommonChallenge.name))) == names


def test_merging_moves_the_challenges_and_archives_the_source(app):
    at = app("coordinator", PAGE)
    _cie(at)
    source = at.selectbox(key="cc_from").value
    target = at.selectbox(key="cc_into").value
    assert source != target
    with Session(at.engine) as session:
        moved = session.exec(
            select(func.count()).where(m.Challenge.common_challenge_id == source)
        ).one()
        kept = session.exec(
            select(func.count()).where(m.Challenge.common_challenge_id == target)
        ).one()
    click(at, "Merge")
    assert not at.error
    with Session(at.engine) as session:
        assert session.get(m.CommonChallenge, source).archived_at is not None
        now_in = session.exec(
            select(func.count()).where(m.Challenge.common_challenge_id == target)
        ).one()
    assert now_in == moved + kept


def _tick(at, rows: list[int]):
    # AppTest cannot click table rows; the selection lives in the widget's state.
    at.session_state["cc_loose"] = {"selection": {"rows": rows, "columns": [], "cells": []}}
    return at.run()


def test_ticked_challenges_are_grouped_under_a_new_name(app):
    at = app("facilitator", PAGE)
    network_id = _cie(at)
    loose = at.dataframe[0].value
    _tick(at, [0, 1])
    at.text_input(key="cc_group_name").input("Data <i>skills</i>")
    click(at, "Group the selected challenges")
    assert not at.error, at.error
    with Session(at.engine) as session:
        group = session.exec(
            select(m.CommonChallenge).where(m.CommonChallenge.name == "Data <i>skills</i>")
        ).one()
        texts = set(
            session.exec(
                select(m.Challenge.text).where(m.Challenge.common_challenge_id == group.id)
            )
        )
    assert group.network_id == network_id
    assert texts == set(loose["Challenge"][:2])


def test_ticked_challenges_join_an_existing_group(app):
    at = app("coordinator", PAGE)
    _cie(at)
    text = at.dataframe[0].value["Challenge"][0]
    target = at.selectbox(key="cc_rename_pick").value
    _tick(at, [0])
    at.selectbox(key="cc_group_into").set_value(target)
    click(at, "Group the selected challenges")
    assert not at.error, at.error
    with Session(at.engine) as session:
        joined = session.exec(select(m.Challenge).where(m.Challenge.text == text)).one()
    assert joined.common_challenge_id == target


def test_a_blank_group_name_is_refused(app):
    at = app("facilitator", PAGE)
    network_id = _cie(at)
    before = _loose_ids(at.engine, network_id)
    _tick(at, [0])
    at.text_input(key="cc_group_name").input("   ")
    click(at, "Group the selected challenges")
    assert at.error
    assert _loose_ids(at.engine, network_id) == before


def test_a_common_challenge_is_renamed(app):
    at = app("coordinator", PAGE)
    _cie(at)
    group_id = at.selectbox(key="cc_rename_pick").value
    at.text_input(key="cc_rename_name").input("Skills for data work")
    click(at, "Rename")
    assert not at.error, at.error
    with Session(at.engine) as session:
        assert session.get(m.CommonChallenge, group_id).name == "Skills for data work"


def test_grouping_shows_the_new_group_at_once_and_starts_the_form_afresh(app):
    at = app("facilitator", PAGE)
    _cie(at)
    loose = len(at.dataframe[0].value)
    groups = len([e for e in at.expander if "challenges ·" in e.label])
    _tick(at, [0, 1])
    at.text_input(key="cc_group_name").input("Data skills")
    click(at, "Group the selected challenges")
    assert not at.error, at.error
    assert at.toast[0].value == "Common challenge created"
    assert len(at.dataframe[0].value) == loose - 2
    assert at.tabs[1].label == f"Common challenges ({groups + 1})"
    assert any(e.label.startswith("Data skills") for e in at.expander)
    assert at.text_input(key="cc_group_name").value == ""
    # the ticks are gone too: they would point at other challenges now
    assert "0 selected" in " ".join(c.value for c in at.caption)


def test_a_refused_grouping_keeps_the_name_and_the_ticks(app):
    at = app("facilitator", PAGE)
    _cie(at)
    with Session(at.engine) as session:
        taken = session.exec(select(m.CommonChallenge.name)).first()
    _tick(at, [0])
    at.text_input(key="cc_group_name").input(taken)  # the name is taken
    click(at, "Group the selected challenges")
    assert at.error
    assert at.text_input(key="cc_group_name").value == taken
    assert "1 selected" in " ".join(c.value for c in at.caption)


def test_the_rename_form_starts_from_the_chosen_group(app):
    at = app("coordinator", PAGE)
    _cie(at)
    with Session(at.engine) as session:
        group = session.exec(select(m.CommonChallenge).order_by(m.CommonChallenge.id)).all()[2]
        session.expunge(group)
    at.selectbox(key="cc_rename_pick").set_value(group.id).run()
    assert at.text_input(key="cc_rename_name").value == group.name
    at.text_area(key="cc_rename_description").input("Said in the plenary")
    click(at, "Rename")
    assert not at.error, at.error
    with Session(at.engine) as session:
        stored = session.get(m.CommonChallenge, group.id)
        assert (stored.name, stored.description) == (group.name, "Said in the plenary")


def test_a_rename_shows_at_once(app):
    at = app("coordinator", PAGE)
    _cie(at)
    at.text_input(key="cc_rename_name").input("Skills for data work")
    click(at, "Rename")
    assert any(e.label.startswith("Skills for data work") for e in at.expander)
    assert at.text_input(key="cc_rename_name").value == "Skills for data work"


def test_after_a_merge_the_source_is_gone_from_the_page(app):
    at = app("coordinator", PAGE)
    _cie(at)
    source = at.selectbox(key="cc_from")
    name = source.options[source.index]
    click(at, "Merge")
    assert not at.error, at.error
    assert name not in at.selectbox(key="cc_from").options
    assert not any(e.label.startswith(name + " ·") for e in at.expander)


def test_the_heatmap_names_every_city(app):
    at = app("facilitator", PAGE)
    _cie(at)
    charts = at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    specs = [json.loads(chart.proto.spec) for chart in charts]
    heatmap = next(s for s in specs if "layer" in s)
    axis = heatmap["layer"][0]["encoding"]["x"]["axis"]
    assert axis["labelOverlap"] is False


def test_an_address_in_a_group_name_is_no_link(app):
    at = app("coordinator", PAGE)
    _cie(at)
    at.text_input(key="cc_rename_name").input("see http://e.x or www.e.x")
    click(at, "Rename")
    assert not at.error, at.error
    label = next(e.label for e in at.expander if "see" in e.label)
    assert "http:" not in label and "www." not in label.replace("\\", "")
    assert label.replace("\u2060", "").replace("\\", "").startswith("see http://e.x or www.e.x")
