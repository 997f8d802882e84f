"""A synthetic network N times the demo's size, as a spec for the demo loader: for
trying the app, and measuring it, with many rows.

It inserts nothing itself: the loader writes its rows through the public services like
the demo's own files, so they obey the same rules. That costs time (one service call
per row: about 6 s at ``--scale 10`` on SQLite, where bulk inserts took half a second),
the price of one write path per table."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from peerlearn import models as m
from peerlearn.demo.spec import Spec, at

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
    with 6 sessions, a quiz of 4 questions and 68 answers each, 120 challenges,
    80 milestones, 6 targets with 18 measurements, 8 solutions and 10 replications.
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
    # A common challenge groups one challenge at least (the service refuses an empty
    # group): the random draw may leave one out, with the votes on it.
    joined = {row["common"] for row in spec["challenge"] if "common" in row}
    spec["common_challenge"] = [g for g in spec["common_challenge"] if g["key"] in joined]
    _synthetic_roadmaps(rng, spec, tandems, links, 80 * scale)
    _synthetic_knowledge(rng, spec, names, themes, scale)
    return spec


_INDICATORS = [
    ("Cut CO2 emissions", "CO2 emissions (2020 = 100)", "index", 100, 70, "at most"),
    ("More renewable energy", "Share of renewable energy", "%", 10, 30, "at least"),
    ("Fewer car trips", "Share of trips by car", "%", 45, 30, "at most"),
    ("Refurbished homes", "Homes refurbished", "homes", 0, 800, "at least"),
]
_SOLUTIONS = ["E-car sharing", "Smart street lighting", "District heating", "Open data portal"]


def _synthetic_knowledge(
    rng: random.Random, spec: Spec, names: Sequence[str], themes: Sequence[str], scale: int
) -> None:
    """Per unit of scale: 6 targets with 3 measurements each, 8 solutions and 10 cities
    replicating, adapting or studying them."""
    spec["target"], spec["solution"], spec["replication"] = [], [], []
    for k in range(6 * scale):
        title, indicator, unit, baseline, goal, direction = rng.choice(_INDICATORS)
        city = names[k % len(names)]
        pace = rng.uniform(0.3, 1.1)  # of the straight path's pace: some fall behind
        spec["target"].append(
            {
                "key": f"t{k}",
                "city": city,
                "theme": rng.choice(themes),
                "title": f"{title} in {city} ({k + 1})",
                "indicator": indicator,
                "unit": unit,
                "baseline": baseline,
                "baseline_year": 2020,
                "target": goal,
                "direction": direction,
                "deadline": date(2030, 12, 31),
                "is_example": True,
                "example_measurements": True,
                "measurements": [
                    {
                        "on": date(year, 12, 31),
                        "value": round(baseline + (goal - baseline) * pace * (year - 2020) / 10, 1),
                        "source": "Generated example data",
                    }
                    for year in (2022, 2023, 2024)
                ],
            }
        )
    for k in range(8 * scale):
        city = names[(k * 7) % len(names)]
        spec["solution"].append(
            {
                "key": f"s{k}",
                "city": city,
                "theme": rng.choice(themes),
                "title": f"{rng.choice(_SOLUTIONS)} ({k + 1})",
                "status": rng.choice([s.value for s in m.SolutionStatus]),
                "is_example": True,
            }
        )
    pairs = set()
    while len(pairs) < 10 * scale:
        solution = rng.randrange(8 * scale)
        city = rng.choice(names)
        if city != spec["solution"][solution]["city"]:
            pairs.add((solution, city))
    spec["replication"] = [
        {
            "solution": f"s{solution}",
            "city": city,
            "kind": rng.choice([k.value for k in m.ReplicationKind]),
            "status": rng.choice([s.value for s in m.ReplicationStatus]),
            "is_example": True,
        }
        for solution, city in sorted(pairs)
    ]


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
    quiz, opened = f"e{j}-quiz", at(event["start_date"], time(8))
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
                "key": f"{prefix}-{j}-q{i}",
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
                "key": f"{prefix}-{j}-p{i}",
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
    voters = [p["key"] for p in spec["participant"] if p["session"] == f"e{j}-plenary"]
    for voter in voters:  # three dots each, on one to three groups
        chosen = rng.sample(groups, rng.randint(1, 3))
        for group, dots in zip(chosen, {1: [3], 2: [2, 1], 3: [1, 1, 1]}[len(chosen)], strict=True):
            group["votes"][voter] = dots
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
                "drafted_at": at(drafted, time(12)),
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
