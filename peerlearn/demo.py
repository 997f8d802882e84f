"""The demo network, and on request a synthetic network N times its size.

The demo comes from the seed texts and lives in ``data/demo/*.toml`` (read in file-name
order; ``00_catalogue.toml`` holds the themes, categories and cities the network files
refer to by name). It is trusted data, so it is written straight to the tables, not
through the services, and it creates no user account.

Loading is idempotent: every row is got-or-created by its natural key (a network by
name, a city by name and country, a session by event and title, an answer by
participant and question, ...). Rows that already exist are left as they are, so a
demo row someone has edited keeps the edit. Each phase adds its rows in bulk and
commits once, which keeps ``scale=50`` to a few seconds.
"""

from __future__ import annotations

import random
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlmodel import Session, SQLModel

from peerlearn import models as m
from peerlearn.db import PROJECT_ROOT
from peerlearn.errors import InvalidInput

DEMO_DIR = PROJECT_ROOT / "data" / "demo"

# Keys per ``IN (...)`` lookup: far below SQLite's and PostgreSQL's parameter limits.
_CHUNK = 500

Spec = dict[str, Any]
Key = tuple[Any, ...]


class DemoDataError(ValueError):
    """A demo data file contradicts itself: an unknown reference, a duplicate, ..."""


def load_demo(session: Session, *, scale: int = 1) -> None:
    """Load the demo networks; with ``scale`` > 1 also "Synthetic network ×<scale>"."""
    if isinstance(scale, bool) or not isinstance(scale, int) or scale < 1:
        raise InvalidInput(
            f"The scale must be a whole number of at least 1 (got {scale!r}); "
            "1 loads the demo, N > 1 adds a synthetic network N times its size.",
            field="scale",
        )
    loader = _Loader(session)
    try:
        for path in demo_files():
            loader.load(read_spec(path), source=path.name)
        if scale > 1:
            vocabulary = {"themes": list(loader.themes), "categories": list(loader.categories)}
            loader.load(synthetic_spec(scale, **vocabulary), source=f"synthetic network ×{scale}")
    except Exception:
        # Earlier phases stay committed (loading again completes them); the failed
        # phase's rows go, so the session stays usable.
        session.rollback()
        raise


def demo_files() -> list[Path]:
    return sorted(DEMO_DIR.glob("*.toml"))


def read_spec(path: Path) -> Spec:
    with path.open("rb") as file:
        return tomllib.load(file)


# --- get-or-create in bulk --------------------------------------------------------


def _fold(value: Any) -> Any:
    return value.strip().casefold() if isinstance(value, str) else value


def _ensure(
    session: Session,
    model: type[SQLModel],
    keys: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    *,
    fold: bool = False,
) -> dict[Key, int | None]:
    """Get or create ``rows`` of ``model`` by the natural key ``keys``.

    Returns each row's key mapped to its id (None for link tables without an id). With
    ``fold`` names compare ignoring case, as the services compare them; those tables
    are read whole, the others by their first key column in chunks.
    """
    norm = (lambda key: tuple(_fold(v) for v in key)) if fold else (lambda key: key)
    wanted: dict[Key, Mapping[str, Any]] = {}
    seen: set[Key] = set()
    for row in rows:
        key = tuple(row[k] for k in keys)
        if norm(key) in seen:
            raise DemoDataError(f"The demo data lists {model.__name__} {key} twice.")
        seen.add(norm(key))
        wanted[key] = row
    if not wanted:
        return {}
    columns = [getattr(model, k) for k in keys]
    has_id = "id" in model.__table__.c
    selected = [*columns, model.id] if has_id else columns
    if fold:
        statements = [select(*selected)]
    else:
        firsts = list(dict.fromkeys(key[0] for key in wanted))
        statements = [
            select(*selected).where(columns[0].in_(firsts[i : i + _CHUNK]))
            for i in range(0, len(firsts), _CHUNK)
        ]
    stored: dict[Key, int | None] = {}
    for statement in statements:
        for found in session.execute(statement):
            stored.setdefault(norm(tuple(found[: len(keys)])), found[-1] if has_id else None)
    result = {key: stored[norm(key)] for key in wanted if norm(key) in stored}
    # Core executemany, one per set of given columns (the others take their column
    # defaults): building ORM objects would take most of the time at large scales.
    batches: dict[frozenset[str], list[Key]] = defaultdict(list)
    for key, row in wanted.items():
        if key not in result:
            batches[frozenset(row)].append(key)
    table = model.__table__
    for new in batches.values():
        params = [dict(wanted[key]) for key in new]
        if has_id:
            statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            result.update(zip(new, session.execute(statement, params).scalars(), strict=True))
        else:
            session.execute(insert(table), params)
            result.update(dict.fromkeys(new))
    return result


def _by_first(ids: Mapping[Key, int | None]) -> dict[Any, int]:
    """``{name: id}`` from ``_ensure``'s ``{(name, ...): id}``."""
    return {key[0]: ident for key, ident in ids.items()}


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=UTC)


# --- the loader -------------------------------------------------------------------


class _Loader:
    """Loads specs (parsed TOML, or the synthetic generator's dicts) phase by phase.

    Names of themes, categories and cities stay known across specs, so a network file
    refers to the catalogue's cities by name.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.themes: dict[str, int] = {}
        self.categories: dict[str, int] = {}
        self.cities: dict[str, int] = {}
        self.source = ""

    def ref(self, names: Mapping[str, Any], name: str, what: str) -> Any:
        try:
            return names[name]
        except KeyError:
            raise DemoDataError(f"{self.source}: unknown {what} {name!r}.") from None

    def fail(self, message: str) -> DemoDataError:
        return DemoDataError(f"{self.source}: {message}")

    def keyed(self, spec: Spec, what: str, key: str = "key") -> dict[str, dict[str, Any]]:
        """``spec[what]`` by each entry's ``key`` (copies: the spec is left as it is)."""
        rows: dict[str, dict[str, Any]] = {}
        for row in spec.get(what, []):
            if row[key] in rows:
                raise self.fail(f"two {what} entries have the {key} {row[key]!r}.")
            rows[row[key]] = dict(row)
        return rows

    def enum(self, kind: type[StrEnum], value: str) -> str:
        try:
            return kind(value).value
        except ValueError:
            allowed = ", ".join(kind)
            raise self.fail(f"{value!r} is not a {kind.__name__}; use one of {allowed}.") from None

    def load(self, spec: Spec, *, source: str) -> None:
        self.source = source
        self._catalogue(spec)
        if "network" not in spec:
            return
        network_id, tandems = self._network(spec)
        sessions = self._events(spec, network_id)
        participants = self._quizzes(spec, sessions)
        challenges, groups = self._challenges(spec, network_id, tandems, sessions, participants)
        self._roadmaps(spec, tandems, challenges, groups)

    # themes, categories, cities
    def _catalogue(self, spec: Spec) -> None:
        s = self.session
        for what, model, names in (
            ("theme", m.Theme, self.themes),
            ("category", m.Category, self.categories),
        ):
            rows = [
                {"name": row["name"], "description": row.get("description", "")}
                for row in spec.get(what, [])
            ]
            names.update(_by_first(_ensure(s, model, ("name",), rows, fold=True)))
        rows = [
            {
                "name": city["name"],
                "country": city["country"],
                "latitude": city.get("latitude"),
                "longitude": city.get("longitude"),
            }
            for city in spec.get("city", [])
        ]
        self.cities.update(_by_first(_ensure(s, m.City, ("name", "country"), rows, fold=True)))
        s.commit()

    # the network, its memberships, tandems and (empty) roadmaps
    def _network(self, spec: Spec) -> tuple[int, dict[str, dict[str, Any]]]:
        s, net = self.session, spec["network"]
        network_id = _ensure(
            s,
            m.Network,
            ("name",),
            [
                {
                    "name": net["name"],
                    "description": net.get("description", "").strip(),
                    "is_example": net.get("is_example", False),
                }
            ],
            fold=True,
        )[(net["name"],)]
        members = [
            {
                "network_id": network_id,
                "city_id": self.ref(self.cities, row["city"], "city"),
                "role": self.enum(m.Role, row.get("role", m.Role.MEMBER)),
            }
            for row in spec.get("member", [])
        ]
        _ensure(s, m.Membership, ("network_id", "city_id"), members)
        member_cities = {row["city"] for row in spec.get("member", [])}

        rows, tandems = [], {}
        for row in self.keyed(spec, "tandem", "name").values():
            if len(set(row["cities"])) < 2:
                raise self.fail(f"the tandem {row['name']!r} needs two or more cities.")
            if strangers := set(row["cities"]) - member_cities:
                raise self.fail(f"the tandem {row['name']!r} has non-members {strangers}.")
            theme_id = self.ref(self.themes, row["theme"], "theme") if "theme" in row else None
            tandems[row["name"]] = {
                "theme_id": theme_id,
                "deadline": row.get("deadline"),
                "is_example": row.get("is_example", False),
                "cities": {c: self.cities[c] for c in row["cities"]},
            }
            rows.append(
                {
                    "network_id": network_id,
                    "name": row["name"],
                    "theme_id": theme_id,
                    "deadline": row.get("deadline"),
                    "description": row.get("description", "").strip(),
                    "is_example": row.get("is_example", False),
                }
            )
        for (_, name), ident in _ensure(s, m.Tandem, ("network_id", "name"), rows).items():
            tandems[name]["id"] = ident
        links = [
            {"tandem_id": t["id"], "city_id": city_id}
            for t in tandems.values()
            for city_id in t["cities"].values()
        ]
        _ensure(s, m.TandemCity, ("tandem_id", "city_id"), links)

        rows = []
        for row in spec.get("roadmap", []):
            tandem = self.ref(tandems, row["tandem"], "tandem")
            tandem["drafted_at"] = row.get("drafted_at")
            extra = {"created_at": row["drafted_at"]} if "drafted_at" in row else {}
            rows.append({"tandem_id": tandem["id"], "title": row["title"], **extra})
        roadmaps = _by_first(_ensure(s, m.Roadmap, ("tandem_id",), rows))
        for tandem in tandems.values():
            tandem["roadmap_id"] = roadmaps.get(tandem["id"])
        s.commit()
        return network_id, tandems

    # events, their sessions and take-aways
    def _events(self, spec: Spec, network_id: int) -> dict[str, dict[str, Any]]:
        s = self.session
        events = self.keyed(spec, "event")
        rows = [
            {
                "network_id": network_id,
                "title": row["title"],
                "place": row.get("place", ""),
                "mode": self.enum(m.EventMode, row.get("mode", m.EventMode.ONSITE)),
                "start_date": row["start_date"],
                "end_date": row["end_date"],
                "description": row.get("description", "").strip(),
            }
            for row in events.values()
        ]
        ids = _ensure(s, m.Event, ("network_id", "title"), rows)
        event_ids = {title: ident for (_, title), ident in ids.items()}

        rows, sessions = [], {}
        for row in self.keyed(spec, "session").values():
            event = self.ref(events, row["event"], "event")
            for moment in (row.get("starts_at"), row.get("ends_at")):
                if moment and not event["start_date"] <= moment.date() <= event["end_date"]:
                    raise self.fail(f"the session {row['title']!r} is outside its event.")
            event_id = event_ids[event["title"]]
            sessions[row["key"]] = {
                "event_id": event_id,
                "title": row["title"],
                "starts_at": row.get("starts_at"),
            }
            rows.append(
                {
                    "event_id": event_id,
                    "title": row["title"],
                    "kind": self.enum(m.SessionKind, row.get("kind", m.SessionKind.WORKSHOP)),
                    "starts_at": row.get("starts_at"),
                    "ends_at": row.get("ends_at"),
                    "location": row.get("location", ""),
                    "description": row.get("description", "").strip(),
                }
            )
        ids = _ensure(s, m.EventSession, ("event_id", "title"), rows)
        for item in sessions.values():
            item["id"] = ids[(item["event_id"], item["title"])]

        rows = [
            {"session_id": sessions[row["key"]]["id"], "text": text, "position": position}
            for row in spec.get("session", [])
            for position, text in enumerate(row.get("takeaways", []))
        ]
        _ensure(s, m.Takeaway, ("session_id", "text"), rows)
        s.commit()
        return sessions

    # quizzes, questions, options, participants, answers
    def _quizzes(
        self, spec: Spec, sessions: Mapping[str, dict[str, Any]]
    ) -> dict[str, dict[str, Any]]:
        s = self.session
        quizzes = self.keyed(spec, "quiz")
        rows = [
            {
                "session_id": self.ref(sessions, row["session"], "session")["id"],
                "title": row["title"],
            }
            for row in quizzes.values()
        ]
        quiz_ids = _ensure(s, m.Quiz, ("session_id", "title"), rows)
        for row in quizzes.values():
            session_id = sessions[row["session"]]["id"]
            row["_id"], row["_session_id"] = quiz_ids[(session_id, row["title"])], session_id

        questions: dict[str, dict[str, Any]] = {}
        positions: dict[str, int] = defaultdict(int)
        rows = []
        for row in self.keyed(spec, "question").values():
            quiz = self.ref(quizzes, row["quiz"], "quiz")
            kind = self.enum(m.QuestionKind, row.get("kind", m.QuestionKind.SINGLE))
            questions[row["key"]] = {**row, "kind": kind, "quiz": quiz}
            rows.append(
                {
                    "quiz_id": quiz["_id"],
                    "kind": kind,
                    "text": row["text"],
                    "position": positions[row["quiz"]],
                    "scale_min": row.get("scale_min"),
                    "scale_max": row.get("scale_max"),
                    "opened_at": row.get("opened_at"),
                    "closed_at": row.get("closed_at"),
                }
            )
            positions[row["quiz"]] += 1
        ids = _ensure(s, m.Question, ("quiz_id", "text"), rows)
        for question in questions.values():
            question["id"] = ids[(question["quiz"]["_id"], question["text"])]

        rows = [
            {
                "question_id": question["id"],
                "text": option["text"],
                "position": position,
                "is_correct": option.get("correct", False),
            }
            for question in questions.values()
            for position, option in enumerate(question.get("options", []))
        ]
        option_ids = _ensure(s, m.Option, ("question_id", "text"), rows)

        # Quiz participants joined a few minutes before the session's first question.
        first_open: dict[int, datetime] = {}
        for question in questions.values():
            if opened := question.get("opened_at"):
                sid = question["quiz"]["_session_id"]
                first_open[sid] = min(opened, first_open.get(sid, opened))
        participants: dict[str, dict[str, Any]] = {}
        rows = []
        for row in self.keyed(spec, "participant", "token").values():
            session_id = self.ref(sessions, row["session"], "session")["id"]
            city_id = self.ref(self.cities, row["city"], "city") if "city" in row else None
            participants[row["token"]] = {**row, "session_id": session_id, "city_id": city_id}
            person = {
                "session_id": session_id,
                "token": row["token"],
                "city_id": city_id,
                "display_name": row.get("display_name", ""),
            }
            if session_id in first_open:
                person["joined_at"] = first_open[session_id] - timedelta(minutes=3)
            rows.append(person)
        for (token,), ident in _ensure(s, m.Participant, ("token",), rows).items():
            participants[token]["id"] = ident

        answers, chosen = [], []
        for number, (token, person) in enumerate(participants.items()):
            for key, given in person.get("answers", {}).items():
                question = self.ref(questions, key, "question")
                if question["quiz"]["_session_id"] != person["session_id"]:
                    raise self.fail(f"{token} answers {key!r} of another session.")
                answer = {"participant_id": person["id"], "question_id": question["id"]}
                if question.get("opened_at"):
                    answer["answered_at"] = question["opened_at"] + timedelta(seconds=20 + number)
                answers.append(answer)
                for text in self._answer(question, given, answer, token):
                    option = (question["id"], text)
                    if option not in option_ids:
                        raise self.fail(f"the question {key!r} has no option {text!r}.")
                    chosen.append(((person["id"], question["id"]), option_ids[option]))
        answer_ids = _ensure(s, m.Answer, ("participant_id", "question_id"), answers)
        links = [{"answer_id": answer_ids[key], "option_id": option} for key, option in chosen]
        _ensure(s, m.AnswerOption, ("answer_id", "option_id"), links)
        s.commit()
        return participants

    def _answer(self, question: Mapping[str, Any], given: Any, answer: dict, token: str) -> list:
        """Fill ``answer`` for the question's kind; the chosen option texts, if any."""
        kind, key = question["kind"], question["key"]
        if kind == m.QuestionKind.SINGLE and isinstance(given, str):
            return [given]
        if kind == m.QuestionKind.MULTIPLE and isinstance(given, list) and given:
            return given
        if kind == m.QuestionKind.SCALE and isinstance(given, int):
            if not question["scale_min"] <= given <= question["scale_max"]:
                raise self.fail(f"{token}'s answer to {key!r} is off the scale.")
            answer["value"] = given
            return []
        if kind == m.QuestionKind.OPEN and isinstance(given, str):
            answer["text"] = given
            return []
        raise self.fail(f"{token}'s answer {given!r} does not fit the {kind} question {key!r}.")

    # common challenges, challenges, votes
    def _challenges(
        self,
        spec: Spec,
        network_id: int,
        tandems: Mapping[str, dict[str, Any]],
        sessions: Mapping[str, dict[str, Any]],
        participants: Mapping[str, dict[str, Any]],
    ) -> tuple[dict[str, tuple[int, int]], dict[str, int]]:
        s = self.session
        groups = self.keyed(spec, "common_challenge")
        rows = [
            {
                "network_id": network_id,
                "name": row["name"],
                "session_id": self.ref(sessions, row["session"], "session")["id"]
                if "session" in row
                else None,
                "category_id": self.ref(self.categories, row["category"], "category")
                if "category" in row
                else None,
                "description": row.get("description", "").strip(),
            }
            for row in groups.values()
        ]
        ids = _ensure(s, m.CommonChallenge, ("network_id", "name"), rows)
        group_ids = {key: ids[(network_id, row["name"])] for key, row in groups.items()}

        rows, keys = [], {}
        for row in self.keyed(spec, "challenge").values():
            tandem = self.ref(tandems, row["tandem"], "tandem")
            city_id = self.ref(tandem["cities"], row["city"], "city of the tandem")
            token = row.get("participant")
            raised = self.ref(sessions, row["session"], "session") if "session" in row else {}
            # Recorded when the session it was raised in took place, not when loaded.
            # (The agenda's times are the venue's; the date is what the lists show.)
            start = raised.get("starts_at")
            when = {"created_at": start.replace(tzinfo=UTC)} if start else {}
            rows.append(
                {
                    **when,
                    "text": row["text"],
                    "tandem_id": tandem["id"],
                    "city_id": city_id,
                    "category_id": self.ref(self.categories, row["category"], "category"),
                    "theme_id": self.ref(self.themes, row["theme"], "theme")
                    if "theme" in row
                    else tandem["theme_id"],
                    "session_id": raised.get("id"),
                    "participant_id": self.ref(participants, token, "participant")["id"]
                    if token
                    else None,
                    "common_challenge_id": self.ref(group_ids, row["common"], "common challenge")
                    if "common" in row
                    else None,
                    "priority": row.get("priority", 2),
                    # Text nobody wrote down is invented: an example tandem's challenges are.
                    "is_example": row.get("is_example", tandem["is_example"]),
                }
            )
            keys[row["key"]] = (tandem["id"], row["text"])
        ids = _ensure(s, m.Challenge, ("tandem_id", "text"), rows)
        challenge_ids = {key: (ids[natural], natural[0]) for key, natural in keys.items()}

        votes = []
        for key, row in groups.items():
            for token, dots in row.get("votes", {}).items():
                voter = self.ref(participants, token, "participant")
                if "session" not in row or voter["session_id"] != sessions[row["session"]]["id"]:
                    raise self.fail(f"{token} votes outside their session.")
                votes.append(
                    {
                        "common_challenge_id": group_ids[key],
                        "participant_id": voter["id"],
                        "city_id": voter["city_id"],
                        "dots": dots,
                    }
                )
        _ensure(s, m.Vote, ("common_challenge_id", "participant_id"), votes)
        s.commit()
        return challenge_ids, group_ids

    # milestones, their links and status history
    def _roadmaps(
        self,
        spec: Spec,
        tandems: Mapping[str, dict[str, Any]],
        challenges: Mapping[str, tuple[int, int]],
        groups: Mapping[str, int],
    ) -> None:
        s = self.session
        rows, milestones = [], []
        positions: dict[str, int] = defaultdict(int)
        for row in spec.get("milestone", []):
            tandem = self.ref(tandems, row["tandem"], "tandem")
            if tandem.get("roadmap_id") is None:
                raise self.fail(f"the tandem {row['tandem']!r} has milestones but no roadmap.")
            if tandem["deadline"] and row["due"] > tandem["deadline"]:
                raise self.fail(f"{row['title']!r} is due after its tandem's deadline.")
            owner = row.get("owner")
            rows.append(
                {
                    "roadmap_id": tandem["roadmap_id"],
                    "title": row["title"],
                    "description": row.get("description", "").strip(),
                    "owner_city_id": self.ref(tandem["cities"], owner, "city of the tandem")
                    if owner
                    else None,
                    "partner_contribution": row.get("partner_contribution", "").strip(),
                    "due_date": row["due"],
                    "status": self.enum(
                        m.MilestoneStatus, row.get("status", m.MilestoneStatus.PLANNED)
                    ),
                    "position": positions[row["tandem"]],
                }
            )
            positions[row["tandem"]] += 1
            milestones.append((row, tandem))
        ids = _ensure(s, m.Milestone, ("roadmap_id", "title"), rows)

        to_challenges, to_groups, history = [], [], []
        for (row, tandem), values in zip(milestones, rows, strict=True):
            milestone_id = ids[(tandem["roadmap_id"], row["title"])]
            for key in row.get("challenges", []):
                challenge_id, tandem_id = self.ref(challenges, key, "challenge")
                if tandem_id != tandem["id"]:
                    raise self.fail(f"{row['title']!r} links another tandem's challenge {key!r}.")
                to_challenges.append({"milestone_id": milestone_id, "challenge_id": challenge_id})
            to_groups += [
                {
                    "milestone_id": milestone_id,
                    "common_challenge_id": self.ref(groups, k, "common challenge"),
                }
                for k in row.get("common_challenges", [])
            ]
            history += _history(milestone_id, values["status"], row["due"], tandem)
        _ensure(s, m.MilestoneChallenge, ("milestone_id", "challenge_id"), to_challenges)
        _ensure(s, m.MilestoneCommonChallenge, ("milestone_id", "common_challenge_id"), to_groups)
        _ensure(s, m.MilestoneStatusChange, ("milestone_id", "old_status", "new_status"), history)
        s.commit()


def _history(milestone_id: int, status: str, due: date, tandem: Mapping[str, Any]) -> list[dict]:
    """The status history the roadmap service would have written, with no user."""
    drafted = tandem.get("drafted_at") or _at(due - timedelta(days=180), time(12))
    rows = [
        {
            "milestone_id": milestone_id,
            "old_status": None,
            "new_status": m.MilestoneStatus.PLANNED.value,
            "changed_at": drafted,
        }
    ]
    if status != m.MilestoneStatus.PLANNED:
        when = due if status == m.MilestoneStatus.DONE else due - timedelta(days=30)
        rows.append(
            {
                "milestone_id": milestone_id,
                "old_status": m.MilestoneStatus.PLANNED.value,
                "new_status": status,
                "changed_at": max(drafted, _at(when, time(12))),
            }
        )
    return rows


# --- the synthetic network --------------------------------------------------------

# (country, south, north, west, east): where its made-up cities are scattered.
_COUNTRIES = [
    ("Germany", 47.5, 54.5, 6.0, 14.5),
    ("France", 43.5, 50.5, -1.5, 7.5),
    ("Italy", 38.5, 46.0, 8.0, 16.5),
    ("Spain", 37.0, 43.0, -8.0, 2.5),
    ("Poland", 50.0, 54.0, 15.0, 23.5),
    ("Netherlands", 51.5, 53.2, 4.0, 6.8),
    ("Greece", 37.0, 41.0, 21.0, 25.5),
    ("Romania", 44.0, 47.5, 22.0, 28.0),
    ("Portugal", 37.2, 41.8, -8.8, -7.0),
    ("Sweden", 56.0, 63.0, 12.5, 18.5),
    ("Finland", 60.2, 65.0, 22.0, 29.5),
    ("Bulgaria", 41.5, 44.0, 23.0, 27.5),
    ("Croatia", 43.0, 46.0, 14.0, 19.0),
    ("Austria", 46.5, 48.8, 9.8, 16.8),
    ("Belgium", 50.0, 51.4, 3.0, 5.8),
]
_STARTS = "Al Bel Cor Dal El Fen Gar Hol Is Kal Lun Mar Nor Ost Pal Ros Sal Tor Ul Val Wes Zel"
_MIDDLES = ["", "", "a", "en", "i", "or"]
_ENDS = "bach berg burg dorf feld grad hafen heim ia ica ino mont ova polis stad sund ville vik"
_CHALLENGES = [
    "Co-financing for the next project phase is not secured",
    "Running costs after the pilot are not covered",
    "Legal advice on data protection is needed",
    "Procurement rules slow down the tender",
    "Too few staff with data skills",
    "Experts leave for better-paid jobs",
    "The exchange needs a regular format and a contact person",
    "Travel budget for study visits is missing",
    "Translation of technical documents is needed",
    "The council has not yet backed the plan",
    "Interfaces between existing systems are missing",
    "Network coverage in outer districts is incomplete",
]
_MILESTONES = [
    "Joint concept",
    "Funding application",
    "Study visit",
    "Staff training",
    "Pilot installation",
    "Interim report",
    "Citizen workshop",
    "Council decision",
    "Evaluation",
    "Final presentation",
]
_WISHES = [
    "Contacts for the next project",
    "Ideas for citizen engagement",
    "A funding lead",
    "A partner for a study visit",
    "Lessons from the pilots",
]
_MAIN_CATEGORIES = 4  # the catalogue's first four: the categories a plenary groups by


def synthetic_spec(scale: int, *, themes: Sequence[str], categories: Sequence[str]) -> Spec:
    """A network about ``scale`` times the demo's size, as a spec for the loader.

    Deterministic: the same ``scale`` gives the same data, so loading it twice is
    idempotent like the demo. Per unit of scale: 40 cities, 12 tandems, 3 events
    with 6 sessions, a quiz of 4 questions and 68 answers each, 120 challenges and
    80 milestones.
    """
    rng = random.Random(20231023 + scale)
    spec: Spec = {
        "network": {
            "name": f"Synthetic network ×{scale}",
            "description": f"Generated example data, about {scale} times the demo's size, "
            "for trying the app with many rows. Nothing in it is real.",
            "is_example": True,
        }
    }
    cities = _synthetic_cities(rng, 40 * scale)
    spec["city"] = cities
    names = [city["name"] for city in cities]
    roles = [r.value for r in m.Role]
    spec["member"] = [
        {"city": name, "role": rng.choices(roles, weights=[1, 2, 1, 1, 5])[0]} for name in names
    ]
    tandems = _synthetic_tandems(rng, 12 * scale, names, themes)
    spec["tandem"] = tandems
    events = [_synthetic_event(rng, j, names) for j in range(3 * scale)]
    spec["event"] = [event for event, _ in events]
    spec["session"] = [row for _, rows in events for row in rows]
    for key in ("quiz", "question", "participant", "common_challenge"):
        spec[key] = []
    for j, (event, _) in enumerate(events):
        _synthetic_quiz(rng, spec, j, event, names, categories, prefix=f"synthetic-{scale}")
        _synthetic_groups(rng, spec, j, event, categories)
    links = _synthetic_challenges(rng, spec, tandems, len(events), categories)
    _synthetic_roadmaps(rng, spec, tandems, links, 80 * scale)
    return spec


def _synthetic_cities(rng: random.Random, n: int) -> list[dict[str, Any]]:
    starts, ends = _STARTS.split(), _ENDS.split()
    repeats: dict[str, int] = defaultdict(int)
    cities = []
    for _ in range(n):
        name = rng.choice(starts) + rng.choice(_MIDDLES) + rng.choice(ends)
        country, south, north, west, east = rng.choice(_COUNTRIES)
        repeats[name] += 1  # the names run out at large scales: number the repeats
        cities.append(
            {
                "name": name if repeats[name] == 1 else f"{name} {repeats[name]}",
                "country": country,
                "latitude": round(rng.uniform(south, north), 4),
                "longitude": round(rng.uniform(west, east), 4),
            }
        )
    return cities


def _synthetic_tandems(
    rng: random.Random, n: int, names: Sequence[str], themes: Sequence[str]
) -> list[dict[str, Any]]:
    deadlines = [date(2024, 12, 31), date(2025, 6, 30), date(2025, 12, 31)]
    tandems, taken = [], set()
    while len(tandems) < n:
        partners = rng.sample(names, 3 if rng.random() < 0.2 else 2)
        name = "–".join(partners)
        if name in taken:
            continue
        taken.add(name)
        tandems.append(
            {
                "name": name,
                "cities": partners,
                "theme": rng.choice(themes),
                "deadline": rng.choice(deadlines),
                "is_example": True,
                "description": "Synthetic tandem (example data).",
            }
        )
    return tandems


def _synthetic_event(
    rng: random.Random, j: int, names: Sequence[str]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    start = date(2022, 1, 10) + timedelta(days=rng.randrange(1100))
    end = start + timedelta(days=rng.choice([0, 1, 1, 2]))
    place = rng.choice(names)
    event = {
        "key": f"e{j}",
        "title": f"Synthetic meeting {j + 1} in {place}",
        "place": place,
        "mode": rng.choice([e.value for e in m.EventMode]),
        "start_date": start,
        "end_date": end,
        "description": "Synthetic event (example data).",
    }
    late = (16, 17) if end == start else (9, 11)  # day two's slots, or the evening
    slots = [
        ("quiz", "Warm-up quiz", m.SessionKind.QUIZ, start, 9, 10),
        ("workshop1", "Workshop: needs and challenges", m.SessionKind.WORKSHOP, start, 10, 12),
        ("plenary", "Plenary: common challenges", m.SessionKind.PLENARY, start, 13, 14),
        ("workshop2", "Workshop: roadmaps", m.SessionKind.WORKSHOP, start, 14, 16),
        ("panel", "Panel: lessons learnt", m.SessionKind.PANEL, end, late[0], late[0] + 1),
        ("visit", "Site visit", m.SessionKind.SITE_VISIT, end, late[1], late[1] + 1),
    ]
    sessions = [
        {
            "key": f"e{j}-{key}",
            "event": f"e{j}",
            "title": title,
            "kind": kind.value,
            "starts_at": datetime.combine(day, time(begin)),
            "ends_at": datetime.combine(day, time(finish)),
        }
        for key, title, kind, day, begin, finish in slots
    ]
    sessions[4]["takeaways"] = [f"Lesson {k + 1} of {event['title']}" for k in range(3)]
    return event, sessions


def _synthetic_quiz(
    rng: random.Random,
    spec: Spec,
    j: int,
    event: Mapping[str, Any],
    names: Sequence[str],
    categories: Sequence[str],
    *,
    prefix: str,
) -> None:
    quiz, opened = f"e{j}-quiz", _at(event["start_date"], time(8))
    questions = [
        (
            "single choice",
            "How many cities does a tandem have at least?",
            [("One", False), ("Two", True), ("Three", False), ("Five", False)],
        ),
        (
            "multiple choice",
            "Which of these are categories of need in the network?",
            [(c, True) for c in categories[:3]] + [("Weather", False), ("Tourism", False)],
        ),
        ("scale", "How satisfied are you with your tandem's exchange so far?", []),
        ("open text", "What do you want to take home today?", []),
    ]
    spec["quiz"].append({"key": quiz, "session": quiz, "title": "Warm-up quiz"})
    for k, (kind, text, options) in enumerate(questions):
        row = {
            "key": f"{quiz}-{k}",
            "quiz": quiz,
            "kind": kind,
            "text": text,
            "opened_at": opened + timedelta(minutes=6 * k),
            "closed_at": opened + timedelta(minutes=6 * k + 5),
            "options": [{"text": t, "correct": c} for t, c in options],
        }
        if kind == "scale":
            row |= {"scale_min": 1, "scale_max": 5}
        spec["question"].append(row)
    for i in range(17):
        needs = rng.sample(questions[1][2], rng.randint(1, 3))
        spec["participant"].append(
            {
                "token": f"{prefix}-{j}-q{i}",
                "session": quiz,
                "city": rng.choice(names),
                "answers": {
                    f"{quiz}-0": rng.choices(["One", "Two", "Three"], weights=[1, 6, 2])[0],
                    f"{quiz}-1": [t for t, _ in needs],
                    f"{quiz}-2": rng.choices(range(1, 6), weights=[1, 1, 3, 5, 3])[0],
                    f"{quiz}-3": rng.choice(_WISHES),
                },
            }
        )
    for i in range(10):
        spec["participant"].append(
            {
                "token": f"{prefix}-{j}-p{i}",
                "session": f"e{j}-plenary",
                "city": rng.choice(names),
            }
        )


def _synthetic_groups(
    rng: random.Random, spec: Spec, j: int, event: Mapping[str, Any], categories: Sequence[str]
) -> None:
    groups = [
        {
            "key": f"e{j}-{category}",
            "name": f"{category} ({event['title']})",
            "session": f"e{j}-plenary",
            "category": category,
            "votes": {},
        }
        for category in categories[:_MAIN_CATEGORIES]
    ]
    voters = [p["token"] for p in spec["participant"] if p["session"] == f"e{j}-plenary"]
    for token in voters:  # three dots each, on one to three groups
        chosen = rng.sample(groups, rng.randint(1, 3))
        for group, dots in zip(chosen, {1: [3], 2: [2, 1], 3: [1, 1, 1]}[len(chosen)], strict=True):
            group["votes"][token] = dots
    spec["common_challenge"] += groups


def _synthetic_challenges(
    rng: random.Random,
    spec: Spec,
    tandems: Sequence[Mapping[str, Any]],
    n_events: int,
    categories: Sequence[str],
) -> dict[str, list[tuple[str, str | None]]]:
    """Ten challenges per tandem; returns each tandem's (challenge key, group key)."""
    spec["challenge"], links = [], {}
    for t, tandem in enumerate(tandems):
        links[tandem["name"]] = []
        for k in range(10):
            j, category = rng.randrange(n_events), rng.choice(categories)
            grouped = categories.index(category) < _MAIN_CATEGORIES
            key, group = f"t{t}-c{k}", f"e{j}-{category}" if grouped else None
            row = {
                "key": key,
                "tandem": tandem["name"],
                "city": rng.choice(tandem["cities"]),
                "category": category,
                "session": f"e{j}-workshop1",
                "priority": rng.choice([1, 2, 2, 3]),
                "text": f"{rng.choice(_CHALLENGES)} ({k + 1}).",
            }
            spec["challenge"].append(row | ({"common": group} if group else {}))
            links[tandem["name"]].append((key, group))
    return links


def _synthetic_roadmaps(
    rng: random.Random,
    spec: Spec,
    tandems: Sequence[Mapping[str, Any]],
    links: Mapping[str, list[tuple[str, str | None]]],
    total: int,
) -> None:
    """One roadmap per tandem and ``total`` milestones spread over them, due in turn."""
    spec["roadmap"], spec["milestone"] = [], []
    statuses = [s.value for s in m.MilestoneStatus]
    for t, tandem in enumerate(tandems):
        deadline = tandem["deadline"]
        drafted = deadline - timedelta(days=540)
        spec["roadmap"].append(
            {
                "tandem": tandem["name"],
                "title": f"Roadmap {tandem['name']}",
                "drafted_at": _at(drafted, time(12)),
            }
        )
        n = total // len(tandems) + (1 if t < total % len(tandems) else 0)
        for k in range(n):
            linked = rng.sample(links[tandem["name"]], rng.randint(0, 2))
            groups = {group for _, group in linked if group and rng.random() < 0.5}
            spec["milestone"].append(
                {
                    "tandem": tandem["name"],
                    "title": f"{rng.choice(_MILESTONES)} ({k + 1})",
                    "owner": rng.choice(tandem["cities"]),
                    "due": drafted + (deadline - drafted) * (k + 1) // n,
                    "status": rng.choices(statuses, weights=[4, 2, 3, 1])[0],
                    "challenges": [key for key, _ in linked],
                    "common_challenges": sorted(groups),
                }
            )
