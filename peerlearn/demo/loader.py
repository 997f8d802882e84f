"""The demo network from ``data/demo/*.toml``, read in file-name order
(``00_catalogue.toml`` holds the themes, categories and cities the network files refer
to by name).

It is trusted data, written straight to the tables in bulk rather than through the
services: the services act for a signed-in account, one row per transaction, at the
current time, while the demo creates no account, loads tens of thousands of rows at
``--scale 50``, and dates its rows when they happened (a challenge on the day of its
session, a milestone's status history from the roadmap's draft on). The loader checks
what the services would refuse (unknown names, tandems of fewer than two cities,
sessions outside their event, milestones after their tandem's deadline, ...).

Loading is idempotent: every row is got-or-created by its natural key (a network by
name, a city by name and country, a session by event and title, an answer by
participant and question, ...). Rows that already exist are left as they are, so a
demo row someone has edited keeps the edit. Each phase adds its rows in bulk and
commits once.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlmodel import Session

from peerlearn import models as m
from peerlearn.db import PROJECT_ROOT
from peerlearn.demo.bulk import by_first, ensure
from peerlearn.demo.spec import DemoDataError, Spec, at

DEMO_DIR = PROJECT_ROOT / "data" / "demo"


def demo_files() -> list[Path]:
    return sorted(DEMO_DIR.glob("*.toml"))


def read_spec(path: Path) -> Spec:
    with path.open("rb") as file:
        return tomllib.load(file)


class Loader:
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
            names.update(by_first(ensure(s, model, ("name",), rows, fold=True)))
        rows = [
            {
                "name": city["name"],
                "country": city["country"],
                "latitude": city.get("latitude"),
                "longitude": city.get("longitude"),
            }
            for city in spec.get("city", [])
        ]
        self.cities.update(by_first(ensure(s, m.City, ("name", "country"), rows, fold=True)))
        s.commit()

    # the network, its memberships, tandems and (empty) roadmaps
    def _network(self, spec: Spec) -> tuple[int, dict[str, dict[str, Any]]]:
        s, net = self.session, spec["network"]
        network_id = ensure(
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
        ensure(s, m.Membership, ("network_id", "city_id"), members)
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
        for (_, name), ident in ensure(s, m.Tandem, ("network_id", "name"), rows).items():
            tandems[name]["id"] = ident
        links = [
            {"tandem_id": t["id"], "city_id": city_id}
            for t in tandems.values()
            for city_id in t["cities"].values()
        ]
        ensure(s, m.TandemCity, ("tandem_id", "city_id"), links)

        rows = []
        for row in spec.get("roadmap", []):
            tandem = self.ref(tandems, row["tandem"], "tandem")
            tandem["drafted_at"] = row.get("drafted_at")
            extra = {"created_at": row["drafted_at"]} if "drafted_at" in row else {}
            rows.append({"tandem_id": tandem["id"], "title": row["title"], **extra})
        roadmaps = by_first(ensure(s, m.Roadmap, ("tandem_id",), rows))
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
        ids = ensure(s, m.Event, ("network_id", "title"), rows)
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
        ids = ensure(s, m.EventSession, ("event_id", "title"), rows)
        for item in sessions.values():
            item["id"] = ids[(item["event_id"], item["title"])]

        rows = [
            {"session_id": sessions[row["key"]]["id"], "text": text, "position": position}
            for row in spec.get("session", [])
            for position, text in enumerate(row.get("takeaways", []))
        ]
        ensure(s, m.Takeaway, ("session_id", "text"), rows)
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
        quiz_ids = ensure(s, m.Quiz, ("session_id", "title"), rows)
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
        ids = ensure(s, m.Question, ("quiz_id", "text"), rows)
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
        option_ids = ensure(s, m.Option, ("question_id", "text"), rows)

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
        for (token,), ident in ensure(s, m.Participant, ("token",), rows).items():
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
        answer_ids = ensure(s, m.Answer, ("participant_id", "question_id"), answers)
        links = [{"answer_id": answer_ids[key], "option_id": option} for key, option in chosen]
        ensure(s, m.AnswerOption, ("answer_id", "option_id"), links)
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
        ids = ensure(s, m.CommonChallenge, ("network_id", "name"), rows)
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
        ids = ensure(s, m.Challenge, ("tandem_id", "text"), rows)
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
        ensure(s, m.Vote, ("common_challenge_id", "participant_id"), votes)
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
        ids = ensure(s, m.Milestone, ("roadmap_id", "title"), rows)

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
        ensure(s, m.MilestoneChallenge, ("milestone_id", "challenge_id"), to_challenges)
        ensure(s, m.MilestoneCommonChallenge, ("milestone_id", "common_challenge_id"), to_groups)
        ensure(s, m.MilestoneStatusChange, ("milestone_id", "old_status", "new_status"), history)
        s.commit()


def _history(milestone_id: int, status: str, due: date, tandem: Mapping[str, Any]) -> list[dict]:
    """The status history the roadmap service would have written, with no user."""
    drafted = tandem.get("drafted_at") or at(due - timedelta(days=180), time(12))
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
                "changed_at": max(drafted, at(when, time(12))),
            }
        )
    return rows
