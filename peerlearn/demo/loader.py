"""The demo network from ``data/demo/*.toml``, read in file-name order
(``00_catalogue.toml`` holds the themes, categories and cities the network files refer
to by name).

The demo is one more door: every row of a table with a public service (networks,
themes, categories, cities, memberships, tandems, roadmaps, events, sessions,
take-aways, quizzes, questions, challenges, common challenges, milestones, targets and
their measurements, solutions, replications, roles per theme) is written by
that service from its input model, so the demo obeys the same rules as a screen or an
import. The services act for :func:`system_actor`; milestones go through
``roadmaps.import_milestones(system=True, at=...)``, which also writes their status
history, dated when it happened. Only the live rows of past sessions (participants,
their answers and dot votes) are inserted in bulk: the live services take them from a
phone in an open session, at the current time. What the services stamp as now (a
challenge dated by its session, a question's opening times, a roadmap's draft) is set by
:func:`restamp` right after the service call. The loader itself
checks what the data must say but no service could tell (unknown names, tandems of
fewer than two cities, milestones after their tandem's deadline, ...).

Loading is idempotent: a row whose natural key is already stored (a network by name,
a city by name and country, a session by event and title, a participant by session and
the moment they joined, an answer by participant and question, ...) is left as it is,
so a demo row someone has edited keeps the edit.
:func:`peerlearn.demo.load_demo` runs everything in one transaction.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlmodel import Session, SQLModel

from peerlearn import models as m
from peerlearn.db import PROJECT_ROOT
from peerlearn.demo.bulk import Key, ensure, stored, unique
from peerlearn.demo.knowledge import load_knowledge
from peerlearn.demo.spec import DemoDataError, Spec, at
from peerlearn.live.joining import new_token
from peerlearn.services import challenges as challenge_service
from peerlearn.services import common_challenges as group_service
from peerlearn.services import events as event_service
from peerlearn.services import network as network_service
from peerlearn.services import quizzes as quiz_service
from peerlearn.services import roadmaps as roadmap_service
from peerlearn.services import tandems as tandem_service


def system_actor() -> m.User:
    """Whom the services act for while the demo loads.

    The demo loads from the command line or the first-start page, before any account
    exists to sign in with: this unsaved coordinator stands for "the demo data", and no
    row points at it (milestones are written with ``system=True``). A new one per load,
    so no two loads share an ORM object.
    """
    return m.User(role=m.UserRole.COORDINATOR, active=True, name="peerlearn demo")


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
        self.written: list[SQLModel] = []
        self.actor = system_actor()

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
        solutions = load_knowledge(self, spec, network_id, sessions)
        participants = self._quizzes(spec, sessions)
        challenges, groups = self._challenges(spec, network_id, tandems, sessions, participants)
        self._roadmaps(spec, tandems, challenges, groups, solutions)

    def call(self, service: Callable[..., Any], **arguments: Any) -> Any:
        """A public service call on behalf of the demo."""
        return service(self.session, actor=self.actor, **arguments)

    def through(
        self,
        model: type[SQLModel],
        keys: tuple[str, ...],
        rows: list[tuple[Key, Any]],
        create: Callable[[Any], SQLModel],
        *,
        fold: bool = False,
    ) -> dict[Key, int]:
        """Each row's id by its natural key: a stored row is left as it is, a missing
        one is written by ``create`` (a public service call)."""
        unique(model, (key for key, _ in rows), fold=fold)
        ids = stored(self.session, model, keys, [key for key, _ in rows], fold=fold)
        for key, row in rows:
            if key not in ids:
                written = create(row)
                # Kept, so the session's identity map (weak references) still holds it
                # when the next service looks it up: no SELECT for every parent row.
                self.written.append(written)
                ids[key] = written.id
        return ids

    # themes, categories, cities
    def _catalogue(self, spec: Spec) -> None:
        for what, model, names, add, data in (
            ("theme", m.Theme, self.themes, network_service.add_theme, m.ThemeCreate),
            (
                "category",
                m.Category,
                self.categories,
                network_service.add_category,
                m.CategoryCreate,
            ),
        ):
            rows = [((row["name"],), row) for row in spec.get(what, [])]
            ids = self.through(
                model,
                ("name",),
                rows,
                lambda row, add=add, data=data: self.call(
                    add, data=data(name=row["name"], description=row.get("description", ""))
                ),
                fold=True,
            )
            names.update({key[0]: ident for key, ident in ids.items()})
        rows = [((city["name"], city["country"]), city) for city in spec.get("city", [])]
        ids = self.through(
            m.City,
            ("name", "country"),
            rows,
            lambda city: self.call(
                network_service.add_city,
                data=m.CityCreate(
                    name=city["name"],
                    country=city["country"],
                    latitude=city.get("latitude"),
                    longitude=city.get("longitude"),
                ),
            ),
            fold=True,
        )
        self.cities.update({key[0]: ident for key, ident in ids.items()})

    # the network, its memberships, tandems and (empty) roadmaps
    def _network(self, spec: Spec) -> tuple[int, dict[str, dict[str, Any]]]:
        net = spec["network"]

        def add_network(net: Mapping[str, Any]) -> m.Network:
            data = m.NetworkCreate(
                name=net["name"],
                description=net.get("description", ""),
                is_example=net.get("is_example", False),
            )
            return self.call(network_service.add_network, data=data)

        ids = self.through(m.Network, ("name",), [((net["name"],), net)], add_network, fold=True)
        network_id = ids[(net["name"],)]
        members = [
            (
                (network_id, self.ref(self.cities, row["city"], "city")),
                self.enum(m.Role, row.get("role", m.Role.MEMBER)),
            )
            for row in spec.get("member", [])
        ]
        self.through(
            m.Membership,
            ("network_id", "city_id"),
            [(key, (key, role)) for key, role in members],
            lambda item: self.call(
                network_service.set_membership,
                data=m.MembershipCreate(network_id=network_id, city_id=item[0][1], role=item[1]),
            ),
        )
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
            rows.append(((network_id, row["name"]), row))

        def add_tandem(row: Mapping[str, Any]) -> m.Tandem:
            tandem = tandems[row["name"]]
            data = m.TandemCreate(
                network_id=network_id,
                name=row["name"],
                city_ids=list(tandem["cities"].values()),
                theme_id=tandem["theme_id"],
                deadline=tandem["deadline"],
                description=row.get("description", ""),
                is_example=tandem["is_example"],
            )
            return self.call(tandem_service.add_tandem, data=data)

        ids = self.through(m.Tandem, ("network_id", "name"), rows, add_tandem)
        for (_, name), ident in ids.items():
            tandems[name]["id"] = ident

        rows = []
        for row in spec.get("roadmap", []):
            tandem = self.ref(tandems, row["tandem"], "tandem")
            tandem["drafted_at"] = row.get("drafted_at")
            rows.append(((tandem["id"],), row))

        def add_roadmap(row: Mapping[str, Any]) -> m.Roadmap:
            roadmap = self.call(
                roadmap_service.get_or_create_roadmap,
                tandem_id=tandems[row["tandem"]]["id"],
                title=row["title"],
            )
            return (
                restamp(roadmap, created_at=row["drafted_at"]) if "drafted_at" in row else roadmap
            )

        roadmaps = self.through(m.Roadmap, ("tandem_id",), rows, add_roadmap)
        for tandem in tandems.values():
            tandem["roadmap_id"] = roadmaps.get((tandem["id"],))
        return network_id, tandems

    # events, their sessions and take-aways
    def _events(self, spec: Spec, network_id: int) -> dict[str, dict[str, Any]]:
        events = self.keyed(spec, "event")
        rows = [((network_id, row["title"]), row) for row in events.values()]
        ids = self.through(
            m.Event,
            ("network_id", "title"),
            rows,
            lambda row: self.call(
                event_service.add_event,
                data=m.EventCreate(
                    network_id=network_id,
                    title=row["title"],
                    place=row.get("place", ""),
                    mode=self.enum(m.EventMode, row.get("mode", m.EventMode.ONSITE)),
                    start_date=row["start_date"],
                    end_date=row["end_date"],
                    description=row.get("description", ""),
                ),
            ),
        )
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
            rows.append(((event_id, row["title"]), row))
        ids = self.through(
            m.EventSession,
            ("event_id", "title"),
            rows,
            lambda row: self.call(
                event_service.add_session,
                data=m.EventSessionCreate(
                    event_id=sessions[row["key"]]["event_id"],
                    title=row["title"],
                    kind=self.enum(m.SessionKind, row.get("kind", m.SessionKind.WORKSHOP)),
                    starts_at=row.get("starts_at"),
                    ends_at=row.get("ends_at"),
                    location=row.get("location", ""),
                    description=row.get("description", ""),
                ),
            ),
        )
        for item in sessions.values():
            item["id"] = ids[(item["event_id"], item["title"])]

        rows = [
            ((sessions[row["key"]]["id"], text),) * 2
            for row in spec.get("session", [])
            for text in row.get("takeaways", [])
        ]
        self.through(
            m.Takeaway,
            ("session_id", "text"),
            rows,
            lambda key: self.call(
                event_service.add_takeaway,
                data=m.TakeawayCreate(session_id=key[0], text=key[1]),
            ),
        )
        return sessions

    # quizzes, questions, options, participants, answers
    def _quizzes(
        self, spec: Spec, sessions: Mapping[str, dict[str, Any]]
    ) -> dict[str, dict[str, Any]]:
        s = self.session
        quizzes = self.keyed(spec, "quiz")
        for row in quizzes.values():
            row["_session_id"] = self.ref(sessions, row["session"], "session")["id"]
        rows = [((row["_session_id"], row["title"]), row) for row in quizzes.values()]
        quiz_ids = self.through(
            m.Quiz,
            ("session_id", "title"),
            rows,
            lambda row: self.call(
                quiz_service.add_quiz,
                data=m.QuizCreate(session_id=row["_session_id"], title=row["title"]),
            ),
        )
        for row in quizzes.values():
            row["_id"] = quiz_ids[(row["_session_id"], row["title"])]

        questions: dict[str, dict[str, Any]] = {}
        rows = []
        for row in self.keyed(spec, "question").values():
            quiz = self.ref(quizzes, row["quiz"], "quiz")
            kind = self.enum(m.QuestionKind, row.get("kind", m.QuestionKind.SINGLE))
            questions[row["key"]] = {**row, "kind": kind, "quiz": quiz}
            rows.append(((quiz["_id"], row["text"]), questions[row["key"]]))

        def add_question(question: Mapping[str, Any]) -> m.Question:
            options = question.get("options", [])
            correct = [i for i, option in enumerate(options) if option.get("correct", False)]
            data = m.QuestionCreate(
                quiz_id=question["quiz"]["_id"],
                kind=question["kind"],
                text=question["text"],
                options=[option["text"] for option in options] or None,
                correct=correct or None,
                scale_min=question.get("scale_min"),
                scale_max=question.get("scale_max"),
            )
            created = self.call(quiz_service.add_question, data=data)
            return restamp(
                created, opened_at=question.get("opened_at"), closed_at=question.get("closed_at")
            )

        ids = self.through(m.Question, ("quiz_id", "text"), rows, add_question)
        for question in questions.values():
            question["id"] = ids[(question["quiz"]["_id"], question["text"])]
        wanted = [
            (question["id"], option["text"])
            for question in questions.values()
            for option in question.get("options", [])
        ]
        option_ids = stored(s, m.Option, ("question_id", "text"), wanted)

        # Quiz participants joined a few minutes before the session's first question,
        # the others when their session began; one second apart, so that the session
        # and that moment tell each of them apart when the demo is loaded again. Their
        # key names them in the file only: each gets a random token, as joining gives.
        first_open: dict[int, datetime] = {}
        for question in questions.values():
            if opened := question.get("opened_at"):
                sid = question["quiz"]["_session_id"]
                first_open[sid] = min(opened, first_open.get(sid, opened))
        participants: dict[str, dict[str, Any]] = {}
        rows = []
        for number, row in enumerate(self.keyed(spec, "participant").values()):
            held = self.ref(sessions, row["session"], "session")
            city_id = self.ref(self.cities, row["city"], "city") if "city" in row else None
            if held["id"] in first_open:
                arrived = first_open[held["id"]] - timedelta(minutes=3)
            elif held["starts_at"]:
                arrived = held["starts_at"].replace(tzinfo=UTC)
            else:
                raise self.fail(f"{row['key']} joins a session with no start and no questions.")
            joined_at = arrived + timedelta(seconds=number)
            participants[row["key"]] = {
                **row,
                "session_id": held["id"],
                "city_id": city_id,
                "natural": (held["id"], joined_at),
            }
            rows.append(
                {
                    "session_id": held["id"],
                    "joined_at": joined_at,
                    "token": new_token(),
                    "city_id": city_id,
                    "display_name": row.get("display_name", ""),
                }
            )
        ids = ensure(s, m.Participant, ("session_id", "joined_at"), rows)
        for person in participants.values():
            person["id"] = ids[person["natural"]]

        answers, chosen = [], []
        for number, (name, person) in enumerate(participants.items()):
            for key, given in person.get("answers", {}).items():
                question = self.ref(questions, key, "question")
                if question["quiz"]["_session_id"] != person["session_id"]:
                    raise self.fail(f"{name} answers {key!r} of another session.")
                answer = {"participant_id": person["id"], "question_id": question["id"]}
                if question.get("opened_at"):
                    answer["answered_at"] = question["opened_at"] + timedelta(seconds=20 + number)
                answers.append(answer)
                for text in self._answer(question, given, answer, name):
                    option = (question["id"], text)
                    if option not in option_ids:
                        raise self.fail(f"the question {key!r} has no option {text!r}.")
                    chosen.append(((person["id"], question["id"]), option_ids[option]))
        answer_ids = ensure(s, m.Answer, ("participant_id", "question_id"), answers)
        links = [{"answer_id": answer_ids[key], "option_id": option} for key, option in chosen]
        ensure(s, m.AnswerOption, ("answer_id", "option_id"), links)
        return participants

    def _answer(self, question: Mapping[str, Any], given: Any, answer: dict, name: str) -> list:
        """Fill ``answer`` for the question's kind; the chosen option texts, if any."""
        kind, key = question["kind"], question["key"]
        if kind == m.QuestionKind.SINGLE and isinstance(given, str):
            return [given]
        if kind == m.QuestionKind.MULTIPLE and isinstance(given, list) and given:
            return given
        if kind == m.QuestionKind.SCALE and isinstance(given, int):
            if not question["scale_min"] <= given <= question["scale_max"]:
                raise self.fail(f"{name}'s answer to {key!r} is off the scale.")
            answer["value"] = given
            return []
        if kind == m.QuestionKind.OPEN and isinstance(given, str):
            answer["text"] = given
            return []
        raise self.fail(f"{name}'s answer {given!r} does not fit the {kind} question {key!r}.")

    # challenges, the common challenges grouping them, votes
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
        rows, keys, grouped = [], {}, {}
        for row in self.keyed(spec, "challenge").values():
            tandem = self.ref(tandems, row["tandem"], "tandem")
            person = row.get("participant")
            raised = self.ref(sessions, row["session"], "session") if "session" in row else {}
            # Recorded when the session it was raised in took place, not when loaded.
            # (The agenda's times are the venue's; the date is what the lists show.)
            start = raised.get("starts_at")
            data = m.ChallengeCreate(
                tandem_id=tandem["id"],
                text=row["text"],
                city_id=self.ref(tandem["cities"], row["city"], "city of the tandem"),
                category_id=self.ref(self.categories, row["category"], "category"),
                theme_id=self.ref(self.themes, row["theme"], "theme") if "theme" in row else None,
                session_id=raised.get("id"),
                priority=row.get("priority", 2),
                # Text nobody wrote down is invented: an example tandem's challenges are.
                is_example=row.get("is_example", tandem["is_example"]),
            )
            past = {
                "created_at": start.replace(tzinfo=UTC) if start else None,
                "participant_id": self.ref(participants, person, "participant")["id"]
                if person
                else None,
            }
            key = (tandem["id"], row["text"])
            if "common" in row:
                grouped[key] = self.ref(groups, row["common"], "common challenge")["key"]
            keys[row["key"]] = key
            rows.append((key, (data, past)))
        created: set[Key] = set()

        def add_challenge(item: tuple[m.ChallengeCreate, dict[str, Any]]) -> m.Challenge:
            data, past = item
            created.add((data.tandem_id, data.text))
            challenge = self.call(challenge_service.add_challenge, data=data)
            return restamp(challenge, **{k: v for k, v in past.items() if v is not None})

        ids = self.through(m.Challenge, ("tandem_id", "text"), rows, add_challenge)
        challenge_ids = {key: (ids[natural], natural[0]) for key, natural in keys.items()}

        # A group takes the challenges this load created for it; stored ones stay put.
        joining = defaultdict(list)
        for key in created:
            if key in grouped:
                joining[grouped[key]].append(ids[key])
        group_rows = []
        for key, row in groups.items():
            session_id = (
                self.ref(sessions, row["session"], "session")["id"] if "session" in row else None
            )
            category_id = (
                self.ref(self.categories, row["category"], "category")
                if "category" in row
                else None
            )
            data = m.CommonChallengeCreate(
                network_id=network_id,
                name=row["name"],
                session_id=session_id,
                category_id=category_id,
                description=row.get("description", ""),
                challenge_ids=sorted(joining.pop(key, [])),
            )
            group_rows.append(((network_id, row["name"]), (key, data)))
        ids = self.through(
            m.CommonChallenge,
            ("network_id", "name"),
            group_rows,
            lambda item: self.call(group_service.create_common_challenge, data=item[1]),
        )
        group_ids = {key: ids[natural] for natural, (key, _) in group_rows}
        for key, members in joining.items():  # new challenges of a group stored before
            self.call(
                group_service.add_to_common_challenge,
                common_challenge_id=group_ids[key],
                challenge_ids=sorted(members),
            )

        votes = []
        for key, row in groups.items():
            for name, dots in row.get("votes", {}).items():
                voter = self.ref(participants, name, "participant")
                if "session" not in row or voter["session_id"] != sessions[row["session"]]["id"]:
                    raise self.fail(f"{name} votes outside their session.")
                votes.append(
                    {
                        "common_challenge_id": group_ids[key],
                        "participant_id": voter["id"],
                        "city_id": voter["city_id"],
                        "dots": dots,
                    }
                )
        ensure(s, m.Vote, ("common_challenge_id", "participant_id"), votes)
        return challenge_ids, group_ids

    # milestones, their links and status history
    def _roadmaps(
        self,
        spec: Spec,
        tandems: Mapping[str, dict[str, Any]],
        challenges: Mapping[str, tuple[int, int]],
        groups: Mapping[str, int],
        solutions: Mapping[str, int],
    ) -> None:
        rows = []
        for row in spec.get("milestone", []):
            tandem = self.ref(tandems, row["tandem"], "tandem")
            if tandem.get("roadmap_id") is None:
                raise self.fail(f"the tandem {row['tandem']!r} has milestones but no roadmap.")
            if tandem["deadline"] and row["due"] > tandem["deadline"]:
                raise self.fail(f"{row['title']!r} is due after its tandem's deadline.")
            linked = []
            for key in row.get("challenges", []):
                challenge_id, tandem_id = self.ref(challenges, key, "challenge")
                if tandem_id != tandem["id"]:
                    raise self.fail(f"{row['title']!r} links another tandem's challenge {key!r}.")
                linked.append(challenge_id)
            owner = row.get("owner")
            data = m.MilestoneCreate(
                title=row["title"],
                description=row.get("description", ""),
                owner_city_id=self.ref(tandem["cities"], owner, "city of the tandem")
                if owner
                else None,
                partner_contribution=row.get("partner_contribution", ""),
                due_date=row["due"],
                challenge_ids=linked,
                common_challenge_ids=[
                    self.ref(groups, k, "common challenge")
                    for k in row.get("common_challenges", [])
                ],
                solution_ids=[self.ref(solutions, k, "solution") for k in row.get("solutions", [])],
            )
            status = self.enum(m.MilestoneStatus, row.get("status", m.MilestoneStatus.PLANNED))
            rows.append(((tandem["roadmap_id"], row["title"]), (tandem, data, status)))
        self.through(m.Milestone, ("roadmap_id", "title"), rows, self._add_milestone)

    def _add_milestone(self, item: tuple[Mapping[str, Any], m.MilestoneCreate, str]) -> m.Milestone:
        """A milestone as its roadmap's story tells it: planned when the roadmap was
        drafted, and moved on to its status a month before it was due (done: on the day).
        The roadmaps service writes the status history, dated by ``at``."""
        tandem, data, status = item
        drafted = tandem.get("drafted_at") or at(data.due_date - timedelta(days=180), time(12))
        (milestone,) = roadmap_service.import_milestones(
            self.session, actor=None, system=True, adds=[(tandem["id"], data)], at=drafted
        )
        if status != m.MilestoneStatus.PLANNED:
            days = 0 if status == m.MilestoneStatus.DONE else 30
            moved = max(drafted, at(data.due_date - timedelta(days=days), time(12)))
            roadmap_service.import_milestones(
                self.session,
                actor=None,
                system=True,
                updates=[(milestone.id, m.MilestoneUpdate(status=status))],
                at=moved,
            )
        return milestone


def restamp(row: SQLModel, **values: Any) -> SQLModel:
    """Set on a row a service has just written what that service stamps as "now" or does
    not take at all: the demo replays the past (a challenge dated by its session's day,
    a roadmap by its draft, a question's opening and closing, a challenge's participant).
    Written with the caller's transaction."""
    for name, value in values.items():
        setattr(row, name, value)
    return row
