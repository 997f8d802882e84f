"""What a live session looks like at one version: one small aggregate for every screen.

It is built once per version of the session (peerlearn.live.clock) and shared by every
screen showing that version, so everything here is a handful of GROUP BY queries
whose number does not grow with the room. Its values are never changed after it is
built: the same object is handed to many viewers at once.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from peerlearn import rules
from peerlearn.live.joining import is_live
from peerlearn.live.quiz import state as question_state
from peerlearn.models import (
    Answer,
    AnswerOption,
    Ballot,
    Category,
    Challenge,
    City,
    CommonChallenge,
    CountMode,
    EventSession,
    LiveActivity,
    LiveClock,
    Option,
    Participant,
    Question,
    QuestionKind,
    Quiz,
    Tandem,
    Vote,
)
from peerlearn.services.store import get

# Words too common to say anything in a word cloud of open answers.
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "their",
        "there",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "will",
        "with",
        "more",
        "most",
        "very",
        "not",
        "no",
        "us",
    ]
)


@dataclass(frozen=True)
class OptionCount:
    id: int
    text: str
    is_correct: bool
    count: int  # people who chose it, or cities (per city)


@dataclass(frozen=True)
class QuestionItem:
    """One question of the session's quizzes, as the facilitator's list shows it."""

    id: int
    text: str
    kind: str
    state: str  # waiting, open, closed, revealed
    closes_at: datetime | None
    revealed_at: datetime | None = None


@dataclass(frozen=True)
class OpenAnswer:
    id: int
    text: str
    city: str
    hidden: bool


@dataclass(frozen=True)
class CurrentQuestion:
    id: int
    text: str
    kind: str
    state: str  # waiting, open, closed, revealed
    position: int  # 1-based, of ``total``
    total: int
    closes_at: datetime | None
    scale_min: int | None
    scale_max: int | None
    has_correct: bool
    options: list[OptionCount]
    # Who answered, in the unit counted: people, or cities (per city). Every share on
    # the screens and in the Excel summary is of this number (rules.share).
    answers: int
    mean: float | None
    # Scale steps: people per step, or per city the share of each city's people (a city
    # whose two people chose 4 and 5 adds 0.5 to each): the bars add up to the cities
    # counted and their mean is the mean of the cities' means.
    value_counts: dict[int, float]
    texts: list[str]  # open answers shown (not hidden), oldest first
    words: list[tuple[str, int]]  # of the texts shown
    cities_answered: int
    open_answers: list[OpenAnswer] = field(default_factory=list)  # newest first, hidden too


@dataclass(frozen=True)
class WallItem:
    id: int
    text: str
    city: str
    tandem: str
    category: str
    hidden: bool
    group: str
    pending: bool = False  # waits for the facilitator
    participant_id: int | None = None


@dataclass(frozen=True)
class Tally:
    id: int
    name: str
    dots: int
    voters: int
    cities: int
    rank: int = 1  # ties share a rank


@dataclass(frozen=True)
class Snapshot:
    session_id: int
    title: str
    code: str | None
    live: bool
    activity: str
    count_mode: str
    results_hidden: bool
    vote_mode: str
    vote_budget: int
    voting_closed: bool
    participants: int  # joined since the session was last opened for phones
    cities: list[str]  # the cities those participants speak for
    question: CurrentQuestion | None
    current_question_id: int | None = None
    questions: list[QuestionItem] = field(default_factory=list)
    # What the room sees of the wall (not hidden, not waiting): the newest first, at
    # most rules.WALL_SHOWN of them, and how many more there are.
    wall: list[WallItem] = field(default_factory=list)
    wall_more: int = 0
    tallies: list[Tally] = field(default_factory=list)  # the ballot, most dots first
    tally_hidden: bool = False
    countdown_seconds: int | None = None  # what each question opened gets
    finished: bool = False  # "Next" after the last question: the podium
    stage: int = 0  # the version this snapshot shows (peerlearn.live.clock)
    data: int = 0

    @property
    def revealed(self) -> tuple[tuple[int, str], ...]:
        """(id, when) of the questions whose results are revealed: what the
        leaderboard depends on."""
        return tuple(
            (q.id, q.revealed_at.isoformat() if q.revealed_at else "")
            for q in self.questions
            if q.state == "revealed"
        )


def words_of(texts: list[str], limit: int = 30) -> list[tuple[str, int]]:
    """The most frequent words, each counted once per answer ("budget, budget" is 1)."""
    counter: Counter[str] = Counter()
    for text in texts:
        words = set(re.findall(r"[^\W\d_][\w'-]*", text.lower()))
        counter.update(w for w in words if len(w) > 2 and w not in STOP_WORDS)
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:limit]


def _cities_present(session: Session, row: EventSession) -> tuple[int, list[str], set[int]]:
    """Participants of the current opening (joined since the session was last opened
    for phones, a time stored with the session), their cities' names and ids."""
    statement = (
        select(func.count(Participant.id), City.name, City.id)
        .outerjoin(City, City.id == Participant.city_id)
        .where(Participant.session_id == row.id)
        .group_by(City.name, City.id)
        .order_by(City.name)
    )
    if row.live_started_at is not None:
        statement = statement.where(Participant.joined_at >= row.live_started_at)
    rows = session.execute(statement).all()
    names = [name for _, name, _ in rows if name]
    return sum(n for n, _, _ in rows), names, {ident for _, _, ident in rows if ident}


def _questions(session: Session, row: EventSession) -> list[Question]:
    return list(
        session.scalars(
            select(Question)
            .join(Quiz, Quiz.id == Question.quiz_id)
            .where(Quiz.session_id == row.id)
            .order_by(Quiz.id, Question.position, Question.id)
        )
    )


def _question(
    session: Session, row: EventSession, order: list[Question], present: set[int]
) -> CurrentQuestion | None:
    question = next((q for q in order if q.id == row.current_question_id), None)
    if question is None:
        return None
    per_city = row.count_mode == CountMode.CITY
    # Per city, a city counts once for every option any of its people chose.
    # An option nobody chose has one outer-joined row of NULLs: count answers, not rows.
    counted = (
        func.count(func.distinct(Participant.city_id))
        if per_city
        else func.count(AnswerOption.answer_id)
    )
    options = [
        OptionCount(i, t, c, int(n))
        for i, t, c, n in session.execute(
            select(Option.id, Option.text, Option.is_correct, counted)
            .outerjoin(AnswerOption, AnswerOption.option_id == Option.id)
            .outerjoin(Answer, Answer.id == AnswerOption.answer_id)
            .outerjoin(Participant, Participant.id == Answer.participant_id)
            .where(Option.question_id == question.id)
            .group_by(Option.id, Option.text, Option.is_correct, Option.position)
            .order_by(Option.position, Option.id)
        )
    ]
    rows = session.execute(
        select(Answer.value, Answer.text, Participant.city_id, Answer.id, Answer.hidden, City.name)
        .join(Participant, Participant.id == Answer.participant_id)
        .outerjoin(City, City.id == Participant.city_id)
        .where(Answer.question_id == question.id)
        .order_by(Answer.id)
    ).all()
    answers = [(value, text, city) for value, text, city, *_ in rows]
    answered = {c for _, _, c in answers if c is not None}
    # "N of M cities answered" is of the cities in the room now: answers an earlier
    # opening left (no fresh run started) still count in the results, not in it.
    cities_answered = len(answered & present) if present else len(answered)
    open_answers = []
    mean, value_counts, texts = None, {}, []
    if question.kind == QuestionKind.SCALE:
        value_counts = dict.fromkeys(range(question.scale_min, question.scale_max + 1), 0.0)
        if per_city:
            # Only people who speak for a city count, and each city once in all.
            by_city: dict[int, list[int]] = defaultdict(list)
            for value, _, city in answers:
                if city is not None:
                    by_city[city].append(value)
            for values in by_city.values():
                for value in values:
                    value_counts[value] = value_counts.get(value, 0.0) + 1 / len(values)
            means = [sum(v) / len(v) for v in by_city.values()]
            mean = sum(means) / len(means) if means else None
        else:
            for value, _, _ in answers:
                value_counts[value] = value_counts.get(value, 0.0) + 1
            mean = sum(v for v, _, _ in answers) / len(answers) if answers else None
    elif question.kind == QuestionKind.OPEN:
        texts = [text for _, text, _, _, hidden, _ in rows if not hidden]
        open_answers = [
            OpenAnswer(ident, text, city or "", bool(hidden))
            for _, text, _, ident, hidden, city in reversed(rows)
        ]
    return CurrentQuestion(
        id=question.id,
        text=question.text,
        kind=question.kind,
        state=question_state(question),
        position=order.index(question) + 1,
        total=len(order),
        closes_at=question.closes_at,
        scale_min=question.scale_min,
        scale_max=question.scale_max,
        has_correct=any(o.is_correct for o in options),
        options=options,
        answers=len(answered) if per_city else len(answers),
        mean=mean,
        value_counts=value_counts,
        texts=texts,
        words=words_of(texts),
        cities_answered=cities_answered,
        open_answers=open_answers,
    )


def _wall_query(session_id: int):
    return (
        select(
            Challenge.id,
            Challenge.text,
            City.name,
            Tandem.name,
            Category.name,
            Challenge.hidden,
            CommonChallenge.name,
            Challenge.pending,
            Challenge.participant_id,
        )
        .join(Tandem, Tandem.id == Challenge.tandem_id)
        .outerjoin(City, City.id == Challenge.city_id)
        .outerjoin(Category, Category.id == Challenge.category_id)
        .outerjoin(CommonChallenge, CommonChallenge.id == Challenge.common_challenge_id)
        .where(Challenge.session_id == session_id, Challenge.archived_at.is_(None))
    )


def _item(row) -> WallItem:
    i, t, c, tn, cat, h, g, pending, participant_id = row[:9]
    return WallItem(i, t, c or "", tn, cat or "", bool(h), g or "", bool(pending), participant_id)


def wall_posts(session: Session, session_id: int) -> list[WallItem]:
    """Every post of the session's wall, hidden and waiting ones too, oldest first: a
    new post goes to the end, and the rows above it stay put (for moderating)."""
    return [_item(row) for row in session.execute(_wall_query(session_id).order_by(Challenge.id))]


def _wall(session: Session, session_id: int) -> tuple[list[WallItem], int]:
    """The posts the room sees, newest first, at most rules.WALL_SHOWN, and how many
    more there are: the rows past the cap are counted in the same query, not read."""
    shown = (
        _wall_query(session_id)
        .add_columns(func.count().over())
        .where(Challenge.hidden.is_(False), Challenge.pending.is_(False))
        .order_by(Challenge.id.desc())
        .limit(rules.WALL_SHOWN)
    )
    rows = session.execute(shown).all()
    total = int(rows[0][-1]) if rows else 0
    return [_item(row) for row in rows], total - len(rows)


def _tallies(session: Session, session_id: int) -> list[Tally]:
    """The ballot's groups with the dots this session's participants placed, most dots
    first and ranked with ties."""
    votes = (
        select(
            Vote.common_challenge_id.label("group_id"),
            func.sum(Vote.dots).label("dots"),
            func.count(Vote.id).label("voters"),
            func.count(func.distinct(Vote.city_id)).label("cities"),
        )
        .join(Participant, Participant.id == Vote.participant_id)
        .where(Participant.session_id == session_id)
        .group_by(Vote.common_challenge_id)
        .subquery()
    )
    total = func.coalesce(votes.c.dots, 0)
    rows = session.execute(
        select(
            CommonChallenge.id,
            CommonChallenge.name,
            total,
            func.coalesce(votes.c.voters, 0),
            func.coalesce(votes.c.cities, 0),
        )
        .join(Ballot, Ballot.common_challenge_id == CommonChallenge.id)
        .outerjoin(votes, votes.c.group_id == CommonChallenge.id)
        .where(Ballot.session_id == session_id, CommonChallenge.archived_at.is_(None))
        .order_by(total.desc(), CommonChallenge.name, CommonChallenge.id)
    ).all()
    ranks = rules.ranks([int(d) for _, _, d, _, _ in rows])
    return [
        Tally(i, n, int(d), int(v), int(c), rank)
        for (i, n, d, v, c), rank in zip(rows, ranks, strict=True)
    ]


def snapshot(session: Session, *, session_id: int) -> Snapshot:
    """Everything the presenter view, the facilitator's Run live and the phones show,
    in a fixed handful of queries (at most eight), however full the room.

    The version it shows is read first: a change that lands while it is built moves
    the clock past it, so the screens build it again.
    """
    version = session.get(LiveClock, session_id)
    row = get(session, EventSession, session_id, label="session")
    participants, cities, present = _cities_present(session, row)
    order = _questions(session, row)
    quiz_on = row.activity == LiveActivity.QUIZ
    question = _question(session, row, order, present) if quiz_on else None
    wall, wall_more = _wall(session, row.id)
    return Snapshot(
        session_id=row.id,
        title=row.title,
        code=row.join_code,
        live=is_live(row),
        activity=row.activity,
        count_mode=row.count_mode,
        results_hidden=row.results_hidden,
        vote_mode=row.vote_mode,
        vote_budget=row.vote_budget,
        voting_closed=row.voting_closed_at is not None,
        participants=participants,
        cities=cities,
        question=question,
        current_question_id=row.current_question_id,
        questions=[
            QuestionItem(q.id, q.text, q.kind, question_state(q), q.closes_at, q.revealed_at)
            for q in order
        ],
        wall=wall,
        wall_more=wall_more,
        tallies=_tallies(session, row.id),
        tally_hidden=row.tally_hidden,
        countdown_seconds=row.countdown_seconds,
        finished=row.quiz_finished_at is not None,
        stage=version.stage if version else 0,
        data=version.data if version else 0,
    )


@dataclass(frozen=True)
class Score:
    name: str
    correct: int
    answered: int
    rank: int = 1  # ties (same share and same right answers) share a rank

    @property
    def share(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


def leaderboard(session: Session, *, session_id: int) -> tuple[list[Score], list[Score]]:
    """(by city, by named participant): right answers to the revealed questions that
    have correct options (a question not revealed yet does not count, so the board
    cannot give its answer away).

    An answer is right when its chosen options are exactly the correct ones. Cities are
    ranked by their share of right answers, so a large delegation has no edge.
    """
    correct: dict[int, set[int]] = defaultdict(set)
    for question_id, option_id in session.execute(
        select(Option.question_id, Option.id)
        .join(Question, Question.id == Option.question_id)
        .join(Quiz, Quiz.id == Question.quiz_id)
        .where(
            Quiz.session_id == session_id,
            Option.is_correct.is_(True),
            Question.revealed_at.is_not(None),
        )
    ):
        correct[question_id].add(option_id)
    if not correct:
        return [], []
    chosen: dict[tuple[int, int], set[int]] = defaultdict(set)
    people: dict[int, tuple[str, str]] = {}
    for question_id, option_id, pid, name, city in session.execute(
        select(
            Answer.question_id,
            AnswerOption.option_id,
            Participant.id,
            Participant.display_name,
            City.name,
        )
        .join(Participant, Participant.id == Answer.participant_id)
        .outerjoin(City, City.id == Participant.city_id)
        .outerjoin(AnswerOption, AnswerOption.answer_id == Answer.id)
        .where(Answer.question_id.in_(list(correct)))
    ):
        options = chosen[(pid, question_id)]  # also records an answer with no option
        if option_id:
            options.add(option_id)
        people[pid] = (name or "", city or "")
    by_city: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_person: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (pid, question_id), options in chosen.items():
        right = int(options == correct[question_id])
        name, city = people[pid]
        if city:
            by_city[city][0] += right
            by_city[city][1] += 1
        if name:
            label = f"{name} ({city})" if city else name
            by_person[label][0] += right
            by_person[label][1] += 1

    def ranked(table: dict[str, list[int]]) -> list[Score]:
        scores = sorted(
            (Score(n, c, a) for n, (c, a) in table.items()),
            key=lambda s: (-s.share, -s.correct, s.name),
        )
        ranks = rules.ranks([(s.share, s.correct) for s in scores])
        return [Score(s.name, s.correct, s.answered, r) for s, r in zip(scores, ranks, strict=True)]

    return ranked(by_city), ranked(by_person)


def podium(scores: list[Score], places: int = 3) -> list[Score]:
    """The scores on the podium: the first ``places`` ranks, ties included (two cities
    sharing second place both stand there, and the next one is fourth)."""
    return [s for s in scores if s.rank <= places]
