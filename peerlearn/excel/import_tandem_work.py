"""Importing a tandem's work: roadmap milestones and challenges.

Staff may import for any tandem; a tandem member only for their own tandems (rows of
other tandems are problems). A milestone matches the tandem's active milestone with
the same title, a challenge the tandem's active challenge with the same text (ignoring
case and spacing); archived ones are left alone. A blank cell keeps the stored value.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlmodel import select

from peerlearn.errors import InvalidInput
from peerlearn.excel.import_network import NETWORK, row_network
from peerlearn.excel.import_rows import (
    Column,
    Context,
    ImportRow,
    RowCheck,
    SourceRow,
    find_city,
    find_named,
    shown,
    writing,
)
from peerlearn.excel.import_values import cell_choice, cell_date, cell_text
from peerlearn.models import (
    NAME_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Category,
    Challenge,
    ChallengeCreate,
    ChallengeUpdate,
    City,
    Milestone,
    MilestoneCreate,
    MilestoneStatus,
    MilestoneUpdate,
    Network,
    Roadmap,
    Tandem,
    TandemCity,
    Theme,
    UserRole,
)
from peerlearn.names import loose_key, name_key
from peerlearn.services import challenges, roadmaps
from peerlearn.services.challenges import PRIORITIES
from peerlearn.services.permissions import actor_tandem_ids

TANDEM = Column(
    "tandem", "Tandem", "The tandem's name.", "Arezzo–Arnsberg", ("tandem name",), required=True
)

MILESTONE_COLUMNS = (
    NETWORK,
    TANDEM,
    Column(
        "title",
        "Milestone",
        "What is reached; a milestone is matched by tandem and title.",
        "Study visit to Arnsberg",
        ("title", "milestone title", "name"),
        required=True,
    ),
    Column(
        "due_date",
        "Due date",
        "A date (31.12.2024 or 2024-12-31); needed for a new milestone.",
        "15.03.2024",
        ("due", "date", "deadline", "due by"),
    ),
    Column(
        "owner",
        "Owner city",
        "The partner city in charge (one of the tandem's cities).",
        "Arezzo",
        ("owner", "city", "lead city", "responsible city", "responsible"),
    ),
    Column(
        "status",
        "Status",
        "planned, in progress, done or blocked (planned when blank for a new milestone).",
        "planned",
        ("state",),
    ),
    Column("description", "Description", "Free text.", "", ("details",)),
    Column(
        "partner_contribution",
        "Partner contribution",
        "What the other partner brings.",
        "",
        ("contribution", "partners contribution", "partner s contribution"),
    ),
)

CHALLENGE_COLUMNS = (
    NETWORK,
    TANDEM,
    Column(
        "text",
        "Challenge",
        "The challenge or need in a sentence; matched by tandem and text.",
        "Funding for a city data platform",
        ("text", "challenge text", "need"),
        required=True,
    ),
    Column("city", "City", "The partner city that has it (optional).", "Arezzo", ("city name",)),
    Column("category", "Category", "A category of need known to peerlearn.", "Funding", ()),
    Column(
        "theme",
        "Theme",
        "An exchange topic (the tandem's theme when blank).",
        "",
        ("topic",),
    ),
    Column("priority", "Priority", "high, medium or low (or 1, 2, 3).", "high", ("prio",)),
)

STATUS_SYNONYMS = {
    "open": MilestoneStatus.PLANNED,
    "to do": MilestoneStatus.PLANNED,
    "todo": MilestoneStatus.PLANNED,
    "not started": MilestoneStatus.PLANNED,
    "ongoing": MilestoneStatus.IN_PROGRESS,
    "started": MilestoneStatus.IN_PROGRESS,
    "in work": MilestoneStatus.IN_PROGRESS,
    "completed": MilestoneStatus.DONE,
    "complete": MilestoneStatus.DONE,
    "finished": MilestoneStatus.DONE,
    "on hold": MilestoneStatus.BLOCKED,
}


def _priority(value: object) -> int | None:
    text = cell_text(value)
    if not text:
        return None
    for number, word in PRIORITIES.items():
        if text in (str(number), f"{number}.0") or name_key(text) == word:
            return number
    raise InvalidInput(f"'{text}' is not a priority; write high, medium or low (or 1, 2, 3).")


class _Tandems:
    """The tandems a row may name, with their partner cities, read once per import."""

    def __init__(self, context: Context):
        session = context.session
        self.context = context
        self.networks = list(session.exec(select(Network)))
        self.names = {n.id: n.name for n in self.networks}
        statement = select(Tandem)
        if context.network is not None:
            statement = statement.where(Tandem.network_id == context.network.id)
        self.tandems = list(session.exec(statement))
        self.cities: dict[int, list[City]] = defaultdict(list)
        for tandem_id, city in session.exec(
            select(TandemCity.tandem_id, City).join(City, City.id == TandemCity.city_id)
        ):
            self.cities[tandem_id].append(city)
        actor = context.actor
        self.own: set[int] | None = None
        if not context.system and actor is not None and actor.role == UserRole.TANDEM:
            self.own = actor_tandem_ids(session, actor)

    def find(self, check: RowCheck) -> Tandem | None:
        network = None
        if self.context.network is not None or check.given("network"):
            network = row_network(self.context, check, self.networks)
            if network is None:
                return None
        text = check.text("tandem", label="The tandem", max_len=NAME_MAX, required=True)
        if not text:
            return None
        scope = [t for t in self.tandems if network is None or t.network_id == network.id]
        found = [t for t in scope if name_key(t.name) == name_key(text)]
        where = f" in the network '{network.name}'" if network else ""
        if not found:
            similar = [t.name for t in scope if loose_key(t.name) == loose_key(text)]
            hint = f"; did you mean '{similar[0]}'?" if similar else "."
            check.fail("tandem", f"No tandem is named '{text}'{where}{hint}")
            return None
        if len(found) > 1:
            names = ", ".join(sorted(self.names[t.network_id] for t in found))
            check.fail(
                "tandem",
                f"Several tandems are named '{text}' (in {names}); fill in the Network "
                "column or choose the network.",
            )
            return None
        tandem = found[0]
        if tandem.archived_at is not None:
            check.fail("tandem", f"The tandem '{tandem.name}' is archived; restore it first.")
            return None
        if self.own is not None and tandem.id not in self.own:
            check.fail("tandem", f"You are not a member of the tandem '{tandem.name}'.")
            return None
        return tandem

    def city(self, check: RowCheck, name: str, tandem: Tandem) -> City | None:
        text = cell_text(check.row.cells.get(name))
        if not text:
            return None
        outside = f"a partner city of the tandem '{tandem.name}'"
        return check.lookup(name, find_city, text, self.cities[tandem.id], outside=outside)


def _first_by_key(rows: Sequence[tuple[int, object]], text) -> dict[tuple, object]:
    """The oldest active row per (tandem id, text key)."""
    found: dict[tuple, object] = {}
    for tandem_id, row in sorted(rows, key=lambda pair: pair[1].id):
        if row.archived_at is None:
            found.setdefault((tandem_id, name_key(text(row))), row)
    return found


def _compare(item: ImportRow, target, wanted: dict[str, tuple[object, str, object, object]]):
    """Record in ``item`` each wanted field (value, header, shown new, shown old) that the
    file gives and that differs from ``target``."""
    for field, (value, header, new_shown, old_shown) in wanted.items():
        if value is not None and value != getattr(target, field):
            item.changes[header] = (old_shown, new_shown)
            item.write[field] = value


# --- milestones ---------------------------------------------------------------------


def plan_milestones(context: Context, rows: list[SourceRow]) -> None:
    session = context.session
    tandems = _Tandems(context)
    stored = _first_by_key(
        session.exec(
            select(Roadmap.tandem_id, Milestone).join(Roadmap, Roadmap.id == Milestone.roadmap_id)
        ).all(),
        lambda m: m.title,
    )
    city_names = {c.id: c.name for cities in tandems.cities.values() for c in cities}
    h = context.header
    for row in rows:
        check = RowCheck(context, row)
        tandem = tandems.find(check)
        title = check.text("title", label="The title", max_len=TITLE_MAX, required=True)
        due = check.read("due_date", cell_date)
        status = check.read("status", cell_choice, list(MilestoneStatus), synonyms=STATUS_SYNONYMS)
        description = check.text(
            "description", label="The description", max_len=TEXT_MAX, multiline=True
        )
        contribution = check.text(
            "partner_contribution",
            label="The partner contribution",
            max_len=TEXT_MAX,
            multiline=True,
        )
        if tandem is None or not title:
            continue
        owner = tandems.city(check, "owner", tandem)
        key = (tandem.id, name_key(title))
        if not context.claim(check, key, "title", f"The milestone '{title}' of '{tandem.name}'"):
            continue
        milestone = stored.get(key)
        if milestone is None and due is None and check.ok:
            check.fail("due_date", "A new milestone needs a due date.")
        if not check.ok:
            continue
        # The status a new milestone is written with when its cell is blank.
        default_status = MilestoneStatus.PLANNED.value if milestone is None else None
        item = ImportRow(
            row.number,
            f"{tandem.name}: {title}",
            {
                h("tandem"): tandem.name,
                h("title"): title,
                h("due_date"): due,
                h("owner"): owner.name if owner else None,
                h("status"): status or default_status,
                h("description"): shown(description),
                h("partner_contribution"): shown(contribution),
            },
        )
        if milestone is None:
            item.write = {
                "tandem_id": tandem.id,
                "title": title,
                "due_date": due,
                "owner_city_id": owner.id if owner else None,
                "status": status or MilestoneStatus.PLANNED,
                "description": description,
                "partner_contribution": contribution,
            }
            context.record(item, True)
            continue
        item.target_id, item.label = milestone.id, f"{tandem.name}: {milestone.title}"
        _compare(
            item,
            milestone,
            {
                "due_date": (due, h("due_date"), due, milestone.due_date),
                "owner_city_id": (
                    owner.id if owner else None,
                    h("owner"),
                    owner.name if owner else None,
                    city_names.get(milestone.owner_city_id),
                ),
                "status": (status, h("status"), status, milestone.status),
                "description": (
                    description or None,
                    h("description"),
                    description,
                    milestone.description,
                ),
                "partner_contribution": (
                    contribution or None,
                    h("partner_contribution"),
                    contribution,
                    milestone.partner_contribution,
                ),
            },
        )
        context.record(item, bool(item.changes))


def write_milestones(context: Context) -> None:
    adds = [
        (item.write["tandem_id"], MilestoneCreate(**_without(item.write, "tandem_id")))
        for item in context.adds
    ]
    updates = [(item.target_id, MilestoneUpdate(**item.write)) for item in context.updates]
    roadmaps.import_milestones(
        context.session,
        actor=context.actor,
        adds=adds,
        updates=updates,
        system=context.system,
    )


def _without(values: dict, key: str) -> dict:
    return {k: v for k, v in values.items() if k != key}


# --- challenges ---------------------------------------------------------------------


def plan_challenges(context: Context, rows: list[SourceRow]) -> None:
    session = context.session
    tandems = _Tandems(context)
    categories = list(session.exec(select(Category)))
    themes = list(session.exec(select(Theme)))
    names = {
        "category_id": {c.id: c.name for c in categories},
        "theme_id": {t.id: t.name for t in themes},
        "city_id": {c.id: c.name for cities in tandems.cities.values() for c in cities},
    }
    stored = _first_by_key(
        session.exec(select(Challenge.tandem_id, Challenge)).all(), lambda c: c.text
    )
    h = context.header

    def named(check: RowCheck, name: str, rows: list, what: str):
        text = check.text(name, label=f"The {what}", max_len=NAME_MAX)
        return check.lookup(name, find_named, text, rows, what=what) if text else None

    for row in rows:
        check = RowCheck(context, row)
        tandem = tandems.find(check)
        text = check.text("text", label="The challenge", max_len=TEXT_MAX, required=True)
        category = named(check, "category", categories, "category")
        theme = named(check, "theme", themes, "theme")
        priority = check.read("priority", _priority)
        if tandem is None or not text:
            continue
        city = tandems.city(check, "city", tandem)
        key = (tandem.id, name_key(text))
        if not context.claim(check, key, "text", f"This challenge of '{tandem.name}'"):
            continue
        if not check.ok:
            continue
        label = f"{tandem.name}: {text if len(text) <= 60 else text[:59] + '…'}"
        item = ImportRow(
            row.number,
            label,
            {
                h("tandem"): tandem.name,
                h("text"): text,
                h("city"): city.name if city else None,
                h("category"): category.name if category else None,
                h("theme"): theme.name if theme else None,
                h("priority"): PRIORITIES[priority] if priority else None,
            },
        )
        wanted = {
            "city_id": city.id if city else None,
            "category_id": category.id if category else None,
            "theme_id": theme.id if theme else None,
            "priority": priority,
        }
        challenge = stored.get(key)
        if challenge is None:
            item.write = {"tandem_id": tandem.id, "text": text, **wanted}
            item.write["theme_id"] = wanted["theme_id"] or tandem.theme_id
            item.write["priority"] = priority or 2
            # The preview shows what a blank cell becomes: the tandem's theme, medium.
            item.values[h("theme")] = names["theme_id"].get(item.write["theme_id"])
            item.values[h("priority")] = PRIORITIES[item.write["priority"]]
            context.record(item, True)
            continue
        item.target_id = challenge.id
        before = {
            "city_id": names["city_id"].get(challenge.city_id),
            "category_id": names["category_id"].get(challenge.category_id),
            "theme_id": names["theme_id"].get(challenge.theme_id),
            "priority": PRIORITIES.get(challenge.priority),
        }
        columns = {"city_id": "city", "category_id": "category", "theme_id": "theme"}
        _compare(
            item,
            challenge,
            {
                field: (value, h(column), item.values[h(column)], before[field])
                for field, value in wanted.items()
                for column in [columns.get(field, field)]
            },
        )
        context.record(item, bool(item.changes))


def write_challenges(context: Context) -> None:
    """Each row through the services, as the Challenges screen writes one."""
    session, who = context.session, context.who
    for item in context.adds:
        with writing(item):
            challenges.add_challenge(session, data=ChallengeCreate(**item.write), **who)
    for item in context.updates:
        with writing(item):
            challenges.update_challenge(
                session, challenge_id=item.target_id, data=ChallengeUpdate(**item.write), **who
            )
