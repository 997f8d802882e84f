"""Messy files as coordinators send them (tests/data/): their encoding, cells beyond the
header, a file with no rows, and dates in columns that are not imported."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from peerlearn import models as m
from peerlearn.errors import InvalidInput
from peerlearn.excel.import_encoding import ENCODINGS, garbled
from peerlearn.excel.imports import apply_import, preview_import
from tests.unit.test_imports import xlsx

DATA = Path(__file__).parent.parent / "data"
CENTRAL = ["Łódź", "Čakovec", "Gdańsk", "Székesfehérvár", "Žilina"]


def preview(session, world, kind: str, name: str, **kwargs):
    return preview_import(
        session,
        actor=world.coordinator,
        kind=kind,
        filename=name,
        content=(DATA / name).read_bytes(),
        network_id=world.network.id,
        **kwargs,
    )


def problems(result) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.column, p.reason) for p in result.problems]


def read_as(result) -> str:
    """The note saying which encoding the file was read in, without its explanation."""
    [note] = [n for n in result.notes if n.startswith("Read as")]
    return note.split(",")[0]


def stored_names(session) -> set[str]:
    session.expire_all()
    return set(session.exec(select(m.City.name)))


# --- encoding -----------------------------------------------------------------------


def test_a_windows_1250_csv_keeps_its_letters_and_says_how_it_was_read(session, world):
    result = preview(session, world, "cities", "cities_cp1250.csv")

    assert result.ok, problems(result)
    assert [r.values["City"] for r in result.adds] == CENTRAL
    assert result.encoding == "cp1250"
    assert read_as(result) == "Read as Windows-1250 (Central European)"

    apply_import(session, actor=world.coordinator, preview=result)
    assert set(CENTRAL) <= stored_names(session)


def test_choosing_another_encoding_changes_the_preview_and_flags_the_garbling(
    session, world, unchanged
):
    with unchanged():
        result = preview(session, world, "cities", "cities_cp1250.csv", encoding="cp1252")
    assert result.encoding == "cp1252"
    assert read_as(result) == "Read as Windows-1252 (Western European)"
    assert result.adds[0].values["City"] == "£ódŸ"
    flagged = {(row, column) for row, column, _ in problems(result)}
    assert (2, "City") in flagged  # £ódŸ
    assert all("encoding" in reason for _, _, reason in problems(result))
    with pytest.raises(InvalidInput, match="fix these"):
        apply_import(session, actor=world.coordinator, preview=result)

    chosen = preview(session, world, "cities", "cities_cp1250.csv", encoding="cp1250")
    assert chosen.ok and [r.values["City"] for r in chosen.adds] == CENTRAL


def test_an_unknown_encoding_is_refused(session, world, unchanged):
    with unchanged(), pytest.raises(InvalidInput, match="no text encoding called 'klingon'"):
        preview(session, world, "cities", "cities_cp1250.csv", encoding="klingon")


def test_the_offered_encodings_all_exist():
    assert {"utf-8", "cp1250", "cp1252"} <= set(ENCODINGS)
    assert all(isinstance("é".encode(code, errors="replace"), bytes) for code in ENCODINGS)


def test_text_garbled_before_the_file_was_saved_is_a_problem(session, world, unchanged):
    with unchanged():
        result = preview(session, world, "cities", "cities_mojibake.csv")
    assert [(row, column) for row, column, _ in problems(result)] == [
        (2, "City"),
        (3, "City"),
        (4, "City"),
    ]
    reason = problems(result)[0][2]
    assert "'MÃ¼nchen' looks garbled" in reason and "'München'" in reason
    assert [r.label for r in result.adds] == [
        "MÃ¼nchen (Germany)",
        "KrakÃ³w (Poland)",
        "WrocÅ‚aw (Poland)",
        "Bergen (Norway)",
    ]


def test_control_characters_from_a_wrong_encoding_are_a_problem(session, world, unchanged):
    content = "City;Country\nŠibenik;Croatia\nSplit;Croatia\n".encode("cp1250")
    with unchanged():
        result = preview_import(
            session,
            actor=world.coordinator,
            kind="cities",
            filename="c.csv",
            content=content,
            network_id=world.network.id,
            encoding="latin-1",
        )
    [(row, column, reason)] = problems(result)
    assert (row, column) == (2, "City")
    assert "control character" in reason and "encoding" in reason


@pytest.mark.parametrize(
    "text", ["¿Dónde está la financiación?", "¡Sí!", "55°N", "«Smart city»", "Nº 5", "Ærø"]
)
def test_real_text_does_not_look_garbled(text):
    assert garbled(text) is None


@pytest.mark.parametrize(
    "text", ["Wroc³aw", "Łom¿a", "£ódŸ", "MÃ¼nchen", "Gda\ufffdsk", "Ko\x9fln"]
)
def test_misread_text_looks_garbled(text):
    assert "garbled" in garbled(text)


# --- cells beyond the header --------------------------------------------------------


def test_cells_beyond_the_header_are_problems_with_their_row(session, world, unchanged):
    with unchanged():
        result = preview(session, world, "cities", "cities_decimal_commas.csv")
    assert [(row, column) for row, column, _ in problems(result)] == [(3, None), (4, None)]
    reason = problems(result)[0][2]
    assert "7 cells" in reason and "header has 5" in reason and "decimal comma" in reason
    with pytest.raises(InvalidInput):
        apply_import(session, actor=world.coordinator, preview=result)


def test_a_workbook_cell_beyond_the_header_is_a_problem_too(session, world, unchanged):
    content = xlsx([("City", "Country"), ("Bergen", "Norway", "", "5,32")])
    with unchanged():
        result = preview_import(
            session,
            actor=world.coordinator,
            kind="cities",
            filename="c.xlsx",
            content=content,
        )
    [(row, column, reason)] = problems(result)
    assert (row, column) == (2, None) and "(D)" in reason


# --- no rows, dates -----------------------------------------------------------------


def test_a_header_only_file_says_it_has_no_rows(session, world, unchanged):
    with unchanged():
        result = preview(session, world, "cities", "header_only.csv")
    assert result.ok and result.rows == 0
    assert "The file has a header but no rows." in result.notes


def test_an_impossible_date_in_a_column_not_imported_is_flagged(session, world):
    result = preview(session, world, "milestones", "milestones_dates.csv")
    assert result.ok, problems(result)
    assert [r.values["Due date"] for r in result.adds] == [date(2027, 6, 3), date(2027, 11, 15)]
    assert [r.values["Status"] for r in result.adds] == ["planned", "planned"]  # blank: planned
    [warning] = [n for n in result.notes if "not in the calendar" in n]
    assert "'Agreed on' (F)" in warning and "row 2 ('31/02/2024')" in warning
    assert "row 3" not in warning


def test_the_preview_shows_what_blank_cells_of_new_rows_become(session, world):
    content = f"Tandem,Challenge\n{world.tandem.name},Find a data steward\n".encode()
    result = preview_import(
        session, actor=world.coordinator, kind="challenges", filename="c.csv", content=content
    )
    [item] = result.adds
    assert (item.values["Theme"], item.values["Priority"]) == ("Urban data platforms", "medium")
