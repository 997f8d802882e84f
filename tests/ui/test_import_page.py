"""The Import screen, and the helpers it draws the preview with.

AppTest cannot upload a file, so the page is checked up to the uploader here; the
preview tables and labels are checked on real previews, and the upload itself in
tests/e2e/test_import_export.py (a real browser).
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from peerlearn.errors import InvalidInput
from peerlearn.excel.imports import ImportResult, Problem, apply_import, preview_import
from peerlearn.ui.reports_widgets import (
    KIND_HELP,
    adds_frame,
    calendar_filename,
    counts,
    import_label,
    preview_key,
    problems_csv,
    problems_frame,
    result_sentence,
    scopes_for,
    slug,
    summary_filename,
    summary_for,
    updates_frame,
)
from tests.unit.knowledge_fixtures import knowledge  # noqa: F401

PAGE = "pages/imports.py"


@pytest.mark.parametrize("kind", ["demo", "empty"])
def test_the_page_renders_for_coordinators(app, kind):
    at = app("coordinator", PAGE, kind=kind)
    assert not at.exception
    assert at.title[0].value == "Import"
    assert at.selectbox(key="imp_kind").options == [
        "Cities",
        "Tandems",
        "Milestones",
        "Challenges",
        "Measurements",
    ]
    if kind == "empty":
        assert "no network yet" in at.info[0].value
    else:
        assert "Download a template" in at.info[0].value


def test_a_tandem_member_imports_only_what_their_role_writes(app):
    at = app("tandem", PAGE)
    assert not at.exception
    assert at.selectbox(key="imp_kind").options == ["Milestones", "Challenges", "Measurements"]


def test_each_kind_explains_itself_and_offers_both_templates(app):
    at = app("coordinator", PAGE)
    for kind in ("cities", "tandems", "milestones", "challenges", "measurements"):
        at.selectbox(key="imp_kind").set_value(kind).run()
        assert not at.exception
        assert KIND_HELP[kind] in [c.value for c in at.caption]
        labels = [b.proto.label for b in at.get("download_button")]
        title = kind.title()
        assert labels == [f"{title} template (.xlsx)", f"{title} template (.csv)"]


# --- helpers -----------------------------------------------------------------------

CITIES = (
    "City ; Country ;Latitude;Longitude;Extra column\n"
    "  Malmö ;Sweden;55,605;13,0038;x\n"
    ";;;;\n"
    "Arezzo;Italy;43,47;11,88;\n"
    "Pirna ;Germany;;;\n"
    "Łódź;;;;\n"
    "Lyon;France;north;4,83;\n"
).encode("utf-8-sig")


def _preview(session, world, content=CITIES):
    return preview_import(
        session,
        actor=world.coordinator,
        kind="cities",
        filename="cities.csv",
        content=content,
        network_id=world.network.id,
    )


def test_preview_tables_show_adds_updates_and_problems(session, world):
    preview = _preview(session, world)

    n = counts(preview)
    assert (n.adds, n.updates, n.unchanged, n.problems) == (1, 1, 1, 2)
    adds = adds_frame(preview.adds)
    assert list(adds.columns[:3]) == ["Row", "City", "Country"]
    assert adds.iloc[0].to_dict()["City"] == "Malmö"  # accents kept, spaces trimmed
    assert adds.iloc[0].to_dict()["Latitude"] == "55.605"
    updates = updates_frame(preview.updates)
    assert updates.to_dict("records") == [
        {
            "Row": 4,
            "Updates": "Arezzo (Italy)",
            "Column": "Latitude",
            "Now": "43.46",
            "In the file": "43.47",
        }
    ]
    problems = problems_frame(preview)
    assert list(problems.columns) == ["Row", "Column", "Reason"]
    assert [(r, c) for r, c in zip(problems["Row"], problems["Column"], strict=True)] == [
        (6, "Country"),
        (7, "Latitude"),
    ]
    assert all(problems["Reason"].str.len() > 10)
    assert import_label(preview) == "Import 2 rows (fix the problems first)"


def test_a_clean_preview_imports_and_then_has_nothing_to_import(session, world):
    clean = "City,Country\nMalmö,Sweden\n".encode()
    preview = _preview(session, world, clean)
    assert import_label(preview) == "Import 1 row"
    assert problems_frame(preview).empty
    result = apply_import(session, actor=world.coordinator, preview=preview)
    assert result_sentence("cities", "c.csv", result) == (
        "Imported c.csv: 1 city added, 0 updated, 0 unchanged."
    )
    again = _preview(session, world, clean)
    assert import_label(again) == "Nothing to import"
    assert updates_frame(again.updates).empty


def test_preview_key_follows_file_kind_and_network():
    key = preview_key("cities", 1, b"a")
    assert key == preview_key("cities", 1, b"a")
    assert len({key, preview_key("cities", 2, b"a"), preview_key("tandems", 1, b"a")}) == 3
    assert key != preview_key("cities", 1, b"b")
    assert key != preview_key("cities", 1, b"a", encoding="cp1250")
    assert preview_key("cities", 1, b"a", encoding="cp1250") == preview_key(
        "cities", 1, b"a", encoding="cp1250"
    )


def test_the_problems_download_as_a_list_with_their_rows(session, world):
    content = (
        "City,Country,Role in network\n"
        "Lyon,France,member,45,76\n"
        "Sevilla,Spain,boss\n"
        "Malmö,,member\n"
    ).encode()
    preview = _preview(session, world, content)
    lines = read_csv(problems_csv(preview.problems))
    assert lines[0] == ["Row", "Column", "Reason"]
    assert [(row, column) for row, column, _ in lines[1:]] == [
        ("2", ""),
        ("3", "Role in network"),
        ("4", "Country"),
    ]
    assert "7 cells" not in lines[1][2] and "5 cells but the header has 3" in lines[1][2]

    # Text from a file stays text in a spreadsheet: nothing starts like a formula.
    hostile = [Problem(9, "=HYPERLINK(1)", "+SUM(1)"), Problem(None, None, "-1+1")]
    assert read_csv(problems_csv(hostile))[1:] == [
        ["9", "'=HYPERLINK(1)", "'+SUM(1)"],
        ["", "", "'-1+1"],
    ]


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_result_sentence_counts():
    result = ImportResult(added=3, updated=1, unchanged=0)
    assert result_sentence("milestones", "m.xlsx", result) == (
        "Imported m.xlsx: 3 milestones added, 1 updated, 0 unchanged."
    )


def test_file_names_are_ascii_slugs_with_the_date():
    assert slug("#CIE meeting, Berlin – Łódź/Malmö ") == "cie-meeting-berlin-odz-malmo"
    assert slug("###") == "export"
    assert len(slug("x" * 100)) == 40
    assert summary_filename("event", "#CIE meeting Berlin", date(2026, 11, 23)) == (
        "peerlearn-event-cie-meeting-berlin-2026-11-23.xlsx"
    )
    assert calendar_filename("tandem", "Arezzo–Arnsberg") == "peerlearn-tandem-arezzo-arnsberg.ics"


def test_facilitators_export_events_only():
    assert scopes_for("facilitator") == ["network", "event"]
    assert scopes_for("tandem") == ["tandem"]
    assert scopes_for("coordinator") == ["network", "event", "tandem"]


def test_summary_for_refuses_an_unknown_scope(session, world):
    with pytest.raises(InvalidInput):
        summary_for(session, actor=world.coordinator, scope="city", target_id=1)


def test_a_measurements_preview_lists_each_value_and_its_problems(session, world, knowledge):  # noqa: F811
    content = (
        "Target id,Date,Value,Source\n"
        f"{knowledge.co2.id},31.12.2025,55200,Energy report\n"
        f"{knowledge.co2.id},31.12.2023,57600,\n"
        f"{knowledge.co2.id},31.12.2024,50000,\n"
    ).encode()
    preview = preview_import(
        session,
        actor=world.coordinator,
        kind="measurements",
        filename="values.csv",
        content=content,
        network_id=world.network.id,
    )
    n = counts(preview)
    assert (n.adds, n.updates, n.unchanged, n.problems) == (1, 0, 1, 1)
    adds = adds_frame(preview.adds)
    assert adds.iloc[0].to_dict()["Target"] == "Cut CO2 emissions by 20 %"
    assert adds.iloc[0].to_dict()["Owner"] == "Munich"
    problems = problems_frame(preview)
    assert problems.to_dict("records")[0]["Row"] == 4
    assert "withdraw the stored value" in problems.to_dict("records")[0]["Reason"]
    assert import_label(preview) == "Import 1 row (fix the problems first)"
    fixed = content.rsplit(b"\n", 2)[0] + b"\n"
    clean = preview_import(
        session,
        actor=world.coordinator,
        kind="measurements",
        filename="values.csv",
        content=fixed,
        network_id=world.network.id,
    )
    result = apply_import(session, actor=world.coordinator, preview=clean)
    assert result_sentence("measurements", "values.csv", result) == (
        "Imported values.csv: 1 measurement added, 0 updated, 1 unchanged."
    )
