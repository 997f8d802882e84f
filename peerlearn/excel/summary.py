"""The coordinators' Excel summary of a network, an event or a tandem.

Sheets: README, Summary, Charts, Cities, Tandems, Challenges, Common challenges, Quiz
results, Quiz coverage, Roadmaps, Targets, Measurements, Solutions, Replication, Site
visits, Take-aways. It can be built at any moment, also while
a session is live: it reads what is stored, and everything is stored as it comes.
"""

from __future__ import annotations

import gc
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.utils import get_column_letter
from sqlmodel import Session

from peerlearn.analytics import knowledge_report, report
from peerlearn.excel.charts import MOST_TANDEMS, charts_sheet
from peerlearn.excel.printing import print_ready
from peerlearn.excel.sheets import FILLS, key_value_sheet, table_sheet
from peerlearn.excel.target_sheets import targets_sheet
from peerlearn.models import MilestoneStatus, User
from peerlearn.rules import DONE, Rag, TargetStatus

WORST_FIRST = (Rag.RED, Rag.AMBER, Rag.GREEN)

SHEETS = {
    "Summary": "The counts and statuses to report: cities, tandems, challenges, votes, "
    "quiz answers, milestones by status and by red/amber/green.",
    "Charts": "Common challenges by category, and the challenges in them; milestone "
    f"status by tandem, the most blocked first (past {MOST_TANDEMS} tandems the others are "
    "summed in one row). Excel charts beside their tables.",
    "Cities": "The cities, their country, role, the day they joined and coordinates (for an "
    "event: the cities that took part, on phones or with challenges).",
    "Tandems": "Each tandem: cities, theme, deadline, days to it, milestones, progress, "
    "status (for an event: the tandems that took part); 'Example data' marks invented ones.",
    "Challenges": "Every challenge with tandem, city, category, theme, priority, session.",
    "Common challenges": "The groups with their challenges, tandems and votes, most dots first.",
    "Quiz results": "Every question: answers per option, scale value or open answer, the "
    "share of the people who answered, and the mean of a scale.",
    "Quiz coverage": "For each question, the cities present in its session: how many of "
    "their people answered.",
    "Roadmaps": "Every milestone: tandem, owner, due date, status, days to the deadline, "
    "red/amber/green. Overdue milestones are filled red.",
    "Targets": "Every target of the cities (and the network's shared goals), worst first: "
    "baseline, target value, deadline, latest value, status (on track, at risk, off track), "
    "how far behind its straight path; below, a line chart per theme of the measured values "
    "as % of the way from baseline to target, beside the values it draws.",
    "Measurements": "Every value measured for a target, with its source and who entered it; "
    "withdrawn values keep the day they were withdrawn.",
    "Solutions": "The knowledge carrier: every solution with its city, theme, status, site, "
    "coordinates, links, the targets it serves and the site visits that showed it.",
    "Replication": "Which city replicates, adapts or studies which city's solution, and "
    "where it stands.",
    "Site visits": "Each site visit of the events with the solutions it showed.",
    "Take-aways": "What each session taught, by event and session.",
}


def build_summary(
    session: Session,
    *,
    actor: User | None,
    network_id: int | None = None,
    event_id: int | None = None,
    tandem_id: int | None = None,
    generated_at: datetime | None = None,
) -> bytes:
    """The .xlsx bytes of the summary of exactly one scope."""
    scope = report.resolve_scope(
        session, actor=actor, network_id=network_id, event_id=event_id, tandem_id=tandem_id
    )
    with _collector_paused():
        return _workbook(session, actor, scope, generated_at or datetime.now(UTC))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a workbook is built.

    A workbook is hundreds of thousands of small objects (cells, their styles) that all
    live until it is saved: the collector walks them again and again and frees nothing,
    a third of the time of a large export. Reference counting still frees the rest.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _workbook(session: Session, actor: User | None, scope, generated: datetime) -> bytes:
    today = generated.date()
    cities = report.cities(session, actor, scope)
    tandems, milestones = report.tandem_rows(session, actor, scope, today)
    challenges, groups = report.challenge_rows(session, actor, scope)
    options, coverage = report.quiz_rows(session, actor, scope)
    takeaways = report.takeaway_rows(session, actor, scope)
    targets = knowledge_report.target_tables(session, actor, scope, today)
    solutions, replications = knowledge_report.solution_tables(session, actor, scope)
    visits = knowledge_report.site_visit_rows(session, actor, scope)

    workbook = Workbook()
    workbook.remove(workbook.active)
    key_value_sheet(
        workbook,
        "README",
        [
            ("Summary of", f"{scope.kind}: {scope.name}"),
            ("Network", scope.network_name),
            ("Generated (UTC)", generated.astimezone(UTC).replace(tzinfo=None, microsecond=0)),
            *SHEETS.items(),
        ],
    )
    statuses = milestones["Status"].value_counts() if len(milestones) else {}
    rags = milestones["RAG"].value_counts() if len(milestones) else {}
    key_value_sheet(
        workbook,
        "Summary",
        [
            ("Cities", len(cities)),
            ("Tandems", len(tandems)),
            ("Challenges", len(challenges)),
            ("Common challenges", len(groups)),
            ("Dots given in votes", int(groups["Dots"].sum()) if len(groups) else 0),
            ("Quiz answers", report.quiz_answer_count(session, actor, scope)),
            ("Take-aways", len(takeaways)),
            ("Milestones", len(milestones)),
            *[
                (f"Milestones {status}", int(statuses.get(status, 0)))
                for status in (s.value for s in MilestoneStatus)
            ],
            *[(f"Milestones {rag}", int(rags.get(rag, 0))) for rag in WORST_FIRST],
            (
                "Milestones overdue",
                int(((milestones["Days until due"] < 0) & (milestones["Status"] != DONE)).sum())
                if len(milestones)
                else 0,
            ),
            ("Targets", len(targets.targets)),
            *[
                (f"Targets {status}", int((targets.targets["Status"] == status).sum()))
                for status in (*reversed(TargetStatus), knowledge_report.NOT_MEASURED)
            ],
            ("Solutions", len(solutions)),
            ("Replications", len(replications)),
        ],
    )
    charts_sheet(workbook, groups, milestones)
    table_sheet(workbook, "Cities", cities)
    table_sheet(workbook, "Tandems", tandems, percent=("Progress",))
    table_sheet(workbook, "Challenges", challenges)
    table_sheet(workbook, "Common challenges", groups)
    table_sheet(workbook, "Quiz results", options, percent=("Share",))
    table_sheet(workbook, "Quiz coverage", coverage)
    roadmap = table_sheet(workbook, "Roadmaps", milestones)
    _flag_overdue(roadmap, len(milestones))
    targets_sheet(workbook, targets)
    table_sheet(workbook, "Measurements", targets.measurements)
    table_sheet(workbook, "Solutions", solutions)
    table_sheet(workbook, "Replication", replications)
    table_sheet(workbook, "Site visits", visits)
    table_sheet(workbook, "Take-aways", takeaways)
    stamp = generated.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    about = f"Summary of {scope.kind}: {scope.name}, {stamp}"
    for sheet in workbook.worksheets:
        # The chart blocks each have their own header: none repeats on every page.
        charted = sheet.title == "Charts" or (sheet.title == "Targets" and targets.ranked)
        title_rows = None if charted else "1:1"
        print_ready(sheet, network=scope.network_name, about=about, title_rows=title_rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _flag_overdue(sheet, rows: int) -> None:
    """Fill overdue milestones red (due date past, not done) and colour the RAG column."""
    last = max(rows, 1) + 1
    columns = report.ROADMAP_COLUMNS
    due, status, rag = (
        get_column_letter(columns.index(name) + 1) for name in ("Due date", "Status", "RAG")
    )
    end = get_column_letter(len(columns))
    sheet.conditional_formatting.add(
        f"A2:{end}{last}",
        # ISNUMBER: an empty cell counts as 0 (before today) in Excel; keep "(none)" unfilled.
        FormulaRule(
            formula=[f'AND(ISNUMBER(${due}2),${due}2<TODAY(),${status}2<>"{DONE}")'],
            fill=FILLS[Rag.RED],
        ),
    )
    for word in WORST_FIRST:
        sheet.conditional_formatting.add(
            f"{rag}2:{rag}{last}",
            CellIsRule(operator="equal", formula=[f'"{word}"'], fill=FILLS[word]),
        )
