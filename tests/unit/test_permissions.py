"""Every public service function, and every live and analytics function that takes an
actor, checks who calls it: called with each role, it works exactly where CALLS says and
is refused with PermissionDenied elsewhere, writing nothing.

The functions are found by introspection, so a new one without an entry in CALLS fails
here until someone says who may call it (or, in UNGUARDED, why nobody signed in is asked).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import shutil
from datetime import date
from types import SimpleNamespace

import pytest

from peerlearn import models as m
from peerlearn.analytics import challenges as a_challenges
from peerlearn.analytics import knowledge_report, report
from peerlearn.analytics import network as a_network
from peerlearn.db import make_engine
from peerlearn.errors import InvalidInput, PermissionDenied
from peerlearn.excel import imports, summary, targets_template
from peerlearn.live import answers, ballot, lifecycle, screens, votes, wall
from peerlearn.live import quiz as live_quiz
from peerlearn.models_solutions import (
    ReplicationCreate,
    ReplicationUpdate,
    SolutionCreate,
    SolutionUpdate,
    ThemeRoleSet,
)
from peerlearn.models_targets import MeasurementCreate, TargetCreate, TargetUpdate
from peerlearn.passwords import hash_password
from peerlearn.services import (
    account_views,
    audit_trail,
    challenges,
    common_challenges,
    events,
    network,
    permissions,
    quizzes,
    roadmap_views,
    roadmaps,
    sign_in_limits,
    sign_ins,
    solutions,
    store,
    tandems,
    targets,
    text,
    users,
)
from tests.unit.live_fixtures import join

ROLES = ("coordinator", "facilitator", "member", "outsider", "inactive", "nobody")
C = {"coordinator"}
STAFF = C | {"facilitator"}
OWN = STAFF | {"member"}  # staff, and the members of world.tandem
READ = OWN | {"outsider"}  # anyone signed in with an active account
ROADMAP = C | {"member"}  # facilitators read roadmaps but do not write them
SELF = C | {"member"}  # the calls below ask about world.member's own account

PASSWORD = "an old password of Arezzo"
NEW_PASSWORD = "a brand new password 2024"
DAY = date(2024, 6, 30)
TODAY = date(2024, 1, 15)
CITIES = b"City,Country\nBergen,Norway\n"


def scope(s, w, **kw):
    """The summary scope of world.tandem, resolved as a coordinator would."""
    return report.resolve_scope(s, actor=w.coordinator, tandem_id=w.tandem.id, **kw)


def cities_preview(s, w):
    """A preview of a cities file, made by a coordinator."""
    return imports.preview_import(
        s, actor=w.coordinator, kind="cities", filename="c.csv", content=CITIES
    )


def with_password(s, actor):
    """``actor`` with PASSWORD set, for change_password."""
    if actor is not None:
        actor.password_hash = hash_password(PASSWORD)
        s.add(actor)
        s.commit()
    return actor


# function → (how to call it on the world with actor ``a``, the roles that may)
CALLS = {
    # services.account_views
    account_views.tandems_of: (
        lambda s, w, a: account_views.tandems_of(s, actor=a, user_id=w.member.id),
        SELF,
    ),
    # services.challenges
    challenges.add_challenge: (
        lambda s, w, a: challenges.add_challenge(
            s, actor=a, data=m.ChallengeCreate(tandem_id=w.tandem.id, text="Data")
        ),
        OWN,
    ),
    challenges.archive_challenge: (
        lambda s, w, a: challenges.archive_challenge(s, actor=a, challenge_id=w.challenge.id),
        OWN,
    ),
    audit_trail.entries: (lambda s, w, a: audit_trail.entries(s, actor=a), C),
    audit_trail.restore_archived: (
        lambda s, w, a: audit_trail.restore_archived(s, actor=a, entry_id=w.entry.id),
        C,
    ),
    challenges.restore_challenge: (
        lambda s, w, a: challenges.restore_challenge(s, actor=a, challenge_id=w.archived.id),
        OWN,
    ),
    challenges.update_challenge: (
        lambda s, w, a: challenges.update_challenge(
            s, actor=a, challenge_id=w.challenge.id, data=m.ChallengeUpdate(text="Skills")
        ),
        OWN,
    ),
    challenges.set_hidden: (
        lambda s, w, a: challenges.set_hidden(s, actor=a, challenge_id=w.challenge.id, hidden=True),
        STAFF,
    ),
    challenges.list_challenges: (
        lambda s, w, a: challenges.list_challenges(s, actor=a, tandem_id=w.tandem.id),
        OWN,
    ),
    # services.common_challenges
    common_challenges.create_common_challenge: (
        lambda s, w, a: common_challenges.create_common_challenge(
            s,
            actor=a,
            data=m.CommonChallengeCreate(
                network_id=w.network.id, name="New", challenge_ids=[w.challenge.id]
            ),
        ),
        STAFF,
    ),
    common_challenges.update_common_challenge: (
        lambda s, w, a: common_challenges.update_common_challenge(
            s,
            actor=a,
            common_challenge_id=w.group.id,
            data=m.CommonChallengeUpdate(name="Renamed"),
        ),
        STAFF,
    ),
    common_challenges.add_to_common_challenge: (
        lambda s, w, a: common_challenges.add_to_common_challenge(
            s, actor=a, common_challenge_id=w.group.id, challenge_ids=[w.challenge.id]
        ),
        STAFF,
    ),
    common_challenges.remove_from_common_challenge: (
        lambda s, w, a: common_challenges.remove_from_common_challenge(
            s, actor=a, challenge_id=w.grouped.id
        ),
        STAFF,
    ),
    common_challenges.merge_common_challenges: (
        lambda s, w, a: common_challenges.merge_common_challenges(
            s, actor=a, target_id=w.group.id, source_id=w.group2.id
        ),
        STAFF,
    ),
    common_challenges.archive_common_challenge: (
        lambda s, w, a: common_challenges.archive_common_challenge(
            s, actor=a, common_challenge_id=w.group2.id
        ),
        STAFF,
    ),
    common_challenges.restore_common_challenge: (
        lambda s, w, a: common_challenges.restore_common_challenge(
            s, actor=a, common_challenge_id=w.old_group.id
        ),
        STAFF,
    ),
    common_challenges.list_common_challenges: (
        lambda s, w, a: common_challenges.list_common_challenges(
            s, actor=a, network_id=w.network.id
        ),
        READ,
    ),
    common_challenges.vote_totals: (
        lambda s, w, a: common_challenges.vote_totals(s, actor=a, network_id=w.network.id),
        READ,
    ),
    # services.events
    events.add_event: (
        lambda s, w, a: events.add_event(
            s,
            actor=a,
            data=m.EventCreate(
                network_id=w.network.id, title="Lisbon", start_date=DAY, end_date=DAY
            ),
        ),
        STAFF,
    ),
    events.update_event: (
        lambda s, w, a: events.update_event(
            s, actor=a, event_id=w.event.id, data=m.EventUpdate(place="Potsdam")
        ),
        STAFF,
    ),
    events.archive_event: (
        lambda s, w, a: events.archive_event(s, actor=a, event_id=w.event.id),
        STAFF,
    ),
    events.delete_event: (
        lambda s, w, a: events.delete_event(s, actor=a, event_id=w.empty_event.id),
        STAFF,
    ),
    events.list_events: (lambda s, w, a: events.list_events(s, actor=a), READ),
    events.add_session: (
        lambda s, w, a: events.add_session(
            s,
            actor=a,
            data=m.EventSessionCreate(event_id=w.event.id, title="Visit", kind="site visit"),
        ),
        STAFF,
    ),
    events.update_session: (
        lambda s, w, a: events.update_session(
            s, actor=a, session_id=w.plenary.id, data=m.EventSessionUpdate(title="Plenum")
        ),
        STAFF,
    ),
    events.restore_event: (
        lambda s, w, a: events.restore_event(s, actor=a, event_id=w.old_event.id),
        STAFF,
    ),
    events.restore_session: (
        lambda s, w, a: events.restore_session(s, actor=a, session_id=w.old_session.id),
        STAFF,
    ),
    events.archive_session: (
        lambda s, w, a: events.archive_session(s, actor=a, session_id=w.plenary.id),
        STAFF,
    ),
    events.delete_session: (
        lambda s, w, a: events.delete_session(s, actor=a, session_id=w.plenary.id),
        STAFF,
    ),
    events.list_sessions: (
        lambda s, w, a: events.list_sessions(s, actor=a, event_id=w.event.id),
        READ,
    ),
    events.add_takeaway: (
        lambda s, w, a: events.add_takeaway(
            s, actor=a, data=m.TakeawayCreate(session_id=w.workshop.id, text="Share")
        ),
        STAFF,
    ),
    events.update_takeaway: (
        lambda s, w, a: events.update_takeaway(
            s, actor=a, takeaway_id=w.takeaway.id, data=m.TakeawayUpdate(text="Go")
        ),
        STAFF,
    ),
    events.delete_takeaway: (
        lambda s, w, a: events.delete_takeaway(s, actor=a, takeaway_id=w.takeaway.id),
        STAFF,
    ),
    events.list_takeaways: (
        lambda s, w, a: events.list_takeaways(s, actor=a, event_id=w.event.id),
        READ,
    ),
    # services.network
    network.add_network: (
        lambda s, w, a: network.add_network(s, actor=a, data=m.NetworkCreate(name="Sharing")),
        C,
    ),
    network.update_network: (
        lambda s, w, a: network.update_network(
            s, actor=a, network_id=w.network.id, data=m.NetworkUpdate(name="CIE")
        ),
        C,
    ),
    network.archive_network: (
        lambda s, w, a: network.archive_network(s, actor=a, network_id=w.network.id),
        C,
    ),
    network.restore_network: (
        lambda s, w, a: network.restore_network(s, actor=a, network_id=w.old_network.id),
        C,
    ),
    network.list_networks: (lambda s, w, a: network.list_networks(s, actor=a), READ),
    network.add_city: (
        lambda s, w, a: network.add_city(
            s, actor=a, data=m.CityCreate(name="Lisbon", country="Portugal")
        ),
        C,
    ),
    network.update_city: (
        lambda s, w, a: network.update_city(
            s, actor=a, city_id=w.utrecht.id, data=m.CityUpdate(country="NL")
        ),
        C,
    ),
    network.bulk_update_cities: (
        lambda s, w, a: network.bulk_update_cities(
            s, actor=a, rows=[{"id": w.utrecht.id, "country": "NL"}]
        ),
        C,
    ),
    network.archive_city: (
        lambda s, w, a: network.archive_city(s, actor=a, city_id=w.lone_city.id),
        C,
    ),
    network.restore_city: (
        lambda s, w, a: network.restore_city(s, actor=a, city_id=w.old_city.id),
        C,
    ),
    network.delete_city: (
        lambda s, w, a: network.delete_city(s, actor=a, city_id=w.free_city.id),
        C,
    ),
    network.list_cities: (lambda s, w, a: network.list_cities(s, actor=a), READ),
    network.near_cities: (
        lambda s, w, a: network.near_cities(s, actor=a, name="Arezo", country="Italy"),
        C,
    ),
    network.set_membership: (
        lambda s, w, a: network.set_membership(
            s,
            actor=a,
            data=m.MembershipCreate(
                network_id=w.network.id, city_id=w.lone_city.id, role="observer"
            ),
        ),
        C,
    ),
    network.remove_membership: (
        lambda s, w, a: network.remove_membership(
            s, actor=a, network_id=w.network.id, city_id=w.lone_city.id
        ),
        C,
    ),
    network.add_theme: (
        lambda s, w, a: network.add_theme(s, actor=a, data=m.ThemeCreate(name="Energy")),
        C,
    ),
    network.update_theme: (
        lambda s, w, a: network.update_theme(
            s, actor=a, theme_id=w.theme.id, data=m.ThemeUpdate(name="Data")
        ),
        C,
    ),
    network.archive_theme: (
        lambda s, w, a: network.archive_theme(s, actor=a, theme_id=w.theme.id),
        C,
    ),
    network.restore_theme: (
        lambda s, w, a: network.restore_theme(s, actor=a, theme_id=w.old_theme.id),
        C,
    ),
    network.list_themes: (lambda s, w, a: network.list_themes(s, actor=a), READ),
    network.add_category: (
        lambda s, w, a: network.add_category(s, actor=a, data=m.CategoryCreate(name="Staff")),
        C,
    ),
    network.update_category: (
        lambda s, w, a: network.update_category(
            s, actor=a, category_id=w.category.id, data=m.CategoryUpdate(name="€")
        ),
        C,
    ),
    network.archive_category: (
        lambda s, w, a: network.archive_category(s, actor=a, category_id=w.category.id),
        C,
    ),
    network.restore_category: (
        lambda s, w, a: network.restore_category(s, actor=a, category_id=w.old_category.id),
        C,
    ),
    network.list_categories: (lambda s, w, a: network.list_categories(s, actor=a), READ),
    # services.quizzes
    quizzes.add_quiz: (
        lambda s, w, a: quizzes.add_quiz(
            s, actor=a, data=m.QuizCreate(session_id=w.workshop.id, title="Quiz")
        ),
        STAFF,
    ),
    quizzes.update_quiz: (
        lambda s, w, a: quizzes.update_quiz(
            s, actor=a, quiz_id=w.quiz.id, data=m.QuizUpdate(title="Warm")
        ),
        STAFF,
    ),
    quizzes.duplicate_quiz: (
        lambda s, w, a: quizzes.duplicate_quiz(s, actor=a, quiz_id=w.quiz.id),
        STAFF,
    ),
    quizzes.delete_quiz: (
        lambda s, w, a: quizzes.delete_quiz(s, actor=a, quiz_id=w.empty_quiz.id),
        STAFF,
    ),
    quizzes.list_quizzes: (
        lambda s, w, a: quizzes.list_quizzes(s, actor=a, session_id=w.workshop.id),
        STAFF,
    ),
    # It says which options are correct: for those who may edit the quiz only.
    quizzes.get_quiz: (lambda s, w, a: quizzes.get_quiz(s, actor=a, quiz_id=w.quiz.id), STAFF),
    quizzes.add_question: (
        lambda s, w, a: quizzes.add_question(
            s,
            actor=a,
            data=m.QuestionCreate(quiz_id=w.quiz.id, kind="open text", text="Why?"),
        ),
        STAFF,
    ),
    quizzes.update_question: (
        lambda s, w, a: quizzes.update_question(
            s, actor=a, question_id=w.open.id, data=m.QuestionUpdate(text="How?")
        ),
        STAFF,
    ),
    quizzes.move_question: (
        lambda s, w, a: quizzes.move_question(s, actor=a, question_id=w.open.id, direction=-1),
        STAFF,
    ),
    quizzes.delete_question: (
        lambda s, w, a: quizzes.delete_question(s, actor=a, question_id=w.scale.id),
        STAFF,
    ),
    # services.roadmap_views and services.roadmaps
    roadmap_views.tandem_history: (
        lambda s, w, a: roadmap_views.tandem_history(s, actor=a, tandem_id=w.tandem.id),
        OWN,
    ),
    roadmaps.get_or_create_roadmap: (
        lambda s, w, a: roadmaps.get_or_create_roadmap(s, actor=a, tandem_id=w.tandem.id),
        ROADMAP,
    ),
    roadmaps.add_milestone: (
        lambda s, w, a: roadmaps.add_milestone(
            s,
            actor=a,
            tandem_id=w.tandem.id,
            data=m.MilestoneCreate(title="Pilot", due_date=DAY),
        ),
        ROADMAP,
    ),
    roadmaps.update_milestone: (
        lambda s, w, a: roadmaps.update_milestone(
            s, actor=a, milestone_id=w.milestone.id, data=m.MilestoneUpdate(status="done")
        ),
        ROADMAP,
    ),
    roadmaps.bulk_update_milestones: (
        lambda s, w, a: roadmaps.bulk_update_milestones(
            s, actor=a, tandem_id=w.tandem.id, rows=[{"id": w.milestone.id, "status": "done"}]
        ),
        ROADMAP,
    ),
    roadmaps.import_milestones: (
        lambda s, w, a: roadmaps.import_milestones(
            s,
            actor=a,
            adds=[(w.tandem.id, m.MilestoneCreate(title="Pilot", due_date=DAY))],
            updates=[(w.milestone.id, m.MilestoneUpdate(status="done"))],
        ),
        ROADMAP,
    ),
    roadmaps.archive_milestone: (
        lambda s, w, a: roadmaps.archive_milestone(s, actor=a, milestone_id=w.milestone.id),
        ROADMAP,
    ),
    roadmaps.restore_milestone: (
        lambda s, w, a: roadmaps.restore_milestone(s, actor=a, milestone_id=w.old_milestone.id),
        ROADMAP,
    ),
    roadmaps.list_milestones: (
        lambda s, w, a: roadmaps.list_milestones(s, actor=a, tandem_id=w.tandem.id),
        OWN,
    ),
    # services.tandems
    tandems.add_tandem: (
        lambda s, w, a: tandems.add_tandem(
            s,
            actor=a,
            data=m.TandemCreate(
                network_id=w.network.id, name="New", city_ids=[w.arezzo.id, w.pirna.id]
            ),
        ),
        C,
    ),
    tandems.update_tandem: (
        lambda s, w, a: tandems.update_tandem(
            s, actor=a, tandem_id=w.tandem.id, data=m.TandemUpdate(description="-")
        ),
        C,
    ),
    tandems.archive_tandem: (
        lambda s, w, a: tandems.archive_tandem(s, actor=a, tandem_id=w.tandem.id),
        C,
    ),
    tandems.restore_tandem: (
        lambda s, w, a: tandems.restore_tandem(s, actor=a, tandem_id=w.old_tandem.id),
        C,
    ),
    tandems.delete_tandem: (
        lambda s, w, a: tandems.delete_tandem(s, actor=a, tandem_id=w.old_tandem.id),
        C,
    ),
    tandems.list_tandems: (lambda s, w, a: tandems.list_tandems(s, actor=a), READ),
    tandems.tandem_cities: (
        lambda s, w, a: tandems.tandem_cities(s, actor=a, tandem_id=w.tandem.id),
        READ,
    ),
    # services.users
    users.add_user: (
        lambda s, w, a: users.add_user(
            s, actor=a, data=m.UserCreate(email="new@example.org", role="facilitator")
        ),
        C,
    ),
    users.list_users: (lambda s, w, a: users.list_users(s, actor=a), C),
    users.deactivate_user: (
        lambda s, w, a: users.deactivate_user(s, actor=a, user_id=w.target.id),
        C,
    ),
    users.reactivate_user: (
        lambda s, w, a: users.reactivate_user(s, actor=a, user_id=w.inactive.id),
        C,
    ),
    users.reset_password: (
        lambda s, w, a: users.reset_password(
            s, actor=a, user_id=w.target.id, new_password=NEW_PASSWORD
        ),
        C,
    ),
    users.set_role: (
        lambda s, w, a: users.set_role(s, actor=a, user_id=w.target.id, role="coordinator"),
        C,
    ),
    users.set_tandems: (
        lambda s, w, a: users.set_tandems(
            s, actor=a, user_id=w.outsider.id, tandem_ids=[w.tandem.id]
        ),
        C,
    ),
    users.change_password: (
        lambda s, w, a: users.change_password(
            s, user=with_password(s, a), old_password=PASSWORD, new_password=NEW_PASSWORD
        ),
        READ,
    ),
    # live: staff drive the session; phones (by token) are tested in test_participants
    answers.set_hidden: (
        lambda s, w, a: answers.set_hidden(s, actor=a, answer_id=w.answer.id),
        STAFF,
    ),
    ballot.add: (
        lambda s, w, a: ballot.add(
            s, actor=a, session_id=w.workshop.id, common_challenge_ids=[w.group2.id]
        ),
        STAFF,
    ),
    ballot.choices: (
        lambda s, w, a: ballot.choices(s, actor=a, session_id=w.workshop.id),
        STAFF,
    ),
    ballot.remove: (
        lambda s, w, a: ballot.remove(
            s, actor=a, session_id=w.workshop.id, common_challenge_id=w.group.id
        ),
        STAFF,
    ),
    lifecycle.start_live: (
        lambda s, w, a: lifecycle.start_live(s, actor=a, session_id=w.plenary.id),
        STAFF,
    ),
    lifecycle.end_live: (
        lambda s, w, a: lifecycle.end_live(s, actor=a, session_id=w.workshop.id),
        STAFF,
    ),
    lifecycle.set_activity: (
        lambda s, w, a: lifecycle.set_activity(
            s, actor=a, session_id=w.workshop.id, activity="challenge wall"
        ),
        STAFF,
    ),
    lifecycle.set_countdown: (
        lambda s, w, a: lifecycle.set_countdown(s, actor=a, session_id=w.workshop.id, seconds=30),
        STAFF,
    ),
    lifecycle.close_voting: (
        lambda s, w, a: lifecycle.close_voting(s, actor=a, session_id=w.workshop.id),
        STAFF,
    ),
    lifecycle.update_settings: (
        lambda s, w, a: lifecycle.update_settings(
            s, actor=a, session_id=w.workshop.id, data=m.LiveSettingsUpdate(vote_budget=5)
        ),
        STAFF,
    ),
    live_quiz.session_questions: (
        lambda s, w, a: live_quiz.session_questions(s, actor=a, session_id=w.workshop.id),
        STAFF,
    ),
    live_quiz.show_question: (
        lambda s, w, a: live_quiz.show_question(
            s, actor=a, session_id=w.workshop.id, question_id=w.scale.id
        ),
        STAFF,
    ),
    live_quiz.open_question: (
        lambda s, w, a: live_quiz.open_question(
            s, actor=a, session_id=w.workshop.id, question_id=w.scale.id
        ),
        STAFF,
    ),
    live_quiz.close_question: (
        lambda s, w, a: live_quiz.close_question(
            s, actor=a, session_id=w.workshop.id, question_id=w.open.id
        ),
        STAFF,
    ),
    live_quiz.reveal_question: (
        lambda s, w, a: live_quiz.reveal_question(
            s, actor=a, session_id=w.workshop.id, question_id=w.open.id
        ),
        STAFF,
    ),
    live_quiz.step: (
        lambda s, w, a: live_quiz.step(s, actor=a, session_id=w.workshop.id, direction=1),
        STAFF,
    ),
    live_quiz.quiz_answers: (
        lambda s, w, a: live_quiz.quiz_answers(s, actor=a, session_id=w.workshop.id),
        STAFF,
    ),
    live_quiz.fresh_quiz_run: (
        lambda s, w, a: live_quiz.fresh_quiz_run(s, actor=a, session_id=w.workshop.id),
        STAFF,
    ),
    screens.live_sessions: (lambda s, w, a: screens.live_sessions(s, actor=a), STAFF),
    votes.clear_votes: (
        lambda s, w, a: votes.clear_votes(s, actor=a, session_id=w.workshop.id),
        STAFF,
    ),
    votes.vote_count: (
        lambda s, w, a: votes.vote_count(s, actor=a, session_id=w.workshop.id),
        STAFF,
    ),
    wall.approve_posts: (
        lambda s, w, a: wall.approve_posts(
            s, actor=a, session_id=w.workshop.id, challenge_ids=[w.challenge.id]
        ),
        STAFF,
    ),
    wall.hide_participant_posts: (
        lambda s, w, a: wall.hide_participant_posts(
            s, actor=a, session_id=w.workshop.id, participant_id=w.answer.participant_id
        ),
        STAFF,
    ),
    wall.moderation_posts: (
        lambda s, w, a: wall.moderation_posts(s, actor=a, session_id=w.workshop.id),
        STAFF,
    ),
    wall.group_wall_challenges: (
        lambda s, w, a: wall.group_wall_challenges(
            s, actor=a, session_id=w.workshop.id, challenge_ids=[w.challenge.id], name="Data"
        ),
        STAFF,
    ),
    # analytics
    a_challenges.by_category_and_tandem: (
        lambda s, w, a: a_challenges.by_category_and_tandem(s, actor=a, network_id=w.network.id),
        READ,
    ),
    a_challenges.by_theme_and_city: (
        lambda s, w, a: a_challenges.by_theme_and_city(s, actor=a, network_id=w.network.id),
        READ,
    ),
    a_network.glance: (
        lambda s, w, a: a_network.glance(s, actor=a, network_id=w.network.id, today=TODAY),
        READ,
    ),
    a_network.deadlines: (
        lambda s, w, a: a_network.deadlines(s, actor=a, network_id=w.network.id, today=TODAY),
        READ,
    ),
    a_network.top_common_challenges: (
        lambda s, w, a: a_network.top_common_challenges(s, actor=a, network_id=w.network.id),
        READ,
    ),
    a_network.map_data: (
        lambda s, w, a: a_network.map_data(s, actor=a, network_id=w.network.id),
        READ,
    ),
    report.resolve_scope: (
        lambda s, w, a: report.resolve_scope(s, actor=a, tandem_id=w.tandem.id),
        OWN,
    ),
    report.require_scope: (lambda s, w, a: report.require_scope(s, a, scope(s, w)), OWN),
    report.cities: (lambda s, w, a: report.cities(s, a, scope(s, w)), OWN),
    report.tandem_rows: (lambda s, w, a: report.tandem_rows(s, a, scope(s, w), TODAY), OWN),
    report.challenge_rows: (lambda s, w, a: report.challenge_rows(s, a, scope(s, w)), OWN),
    report.quiz_rows: (lambda s, w, a: report.quiz_rows(s, a, scope(s, w)), OWN),
    report.quiz_answer_count: (lambda s, w, a: report.quiz_answer_count(s, a, scope(s, w)), OWN),
    report.takeaway_rows: (lambda s, w, a: report.takeaway_rows(s, a, scope(s, w)), OWN),
    # services.targets
    targets.add_target: (
        lambda s, w, a: targets.add_target(
            s,
            actor=a,
            data=TargetCreate(
                network_id=w.network.id,
                city_id=w.arezzo.id,
                title="Renewables",
                indicator="Share of renewables",
                unit="%",
                baseline_value=10,
                baseline_year=2020,
                target_value=20,
                direction="at least",
                deadline=date(2030, 12, 31),
            ),
        ),
        C,
    ),
    targets.update_target: (
        lambda s, w, a: targets.update_target(
            s, actor=a, target_id=w.goal.id, data=TargetUpdate(title="Cut CO2 more")
        ),
        C,
    ),
    targets.archive_target: (
        lambda s, w, a: targets.archive_target(s, actor=a, target_id=w.goal.id),
        C,
    ),
    targets.restore_target: (
        lambda s, w, a: targets.restore_target(s, actor=a, target_id=w.old_goal.id),
        C,
    ),
    targets.add_measurement: (
        lambda s, w, a: targets.add_measurement(
            s,
            actor=a,
            data=MeasurementCreate(target_id=w.goal.id, measured_on=date(2023, 12, 31), value=95),
        ),
        ROADMAP,
    ),
    targets.add_measurements: (
        lambda s, w, a: targets.add_measurements(
            s,
            actor=a,
            rows=[MeasurementCreate(target_id=w.goal.id, measured_on=date(2024, 6, 30), value=93)],
        ),
        ROADMAP,
    ),
    targets.withdraw_measurement: (
        lambda s, w, a: targets.withdraw_measurement(s, actor=a, measurement_id=w.reading.id),
        ROADMAP,
    ),
    targets.list_targets: (
        lambda s, w, a: targets.list_targets(s, actor=a, network_id=w.network.id),
        READ,
    ),
    targets.target_history: (
        lambda s, w, a: targets.target_history(s, actor=a, target_id=w.goal.id),
        READ,
    ),
    targets.target_histories: (
        lambda s, w, a: targets.target_histories(s, actor=a, target_ids=[w.goal.id]),
        READ,
    ),
    targets.measurable_targets: (
        lambda s, w, a: targets.measurable_targets(s, actor=a, network_id=w.network.id),
        READ,
    ),
    # services.solutions
    solutions.add_solution: (
        lambda s, w, a: solutions.add_solution(
            s,
            actor=a,
            data=SolutionCreate(
                network_id=w.network.id,
                city_id=w.arezzo.id,
                theme_id=w.theme.id,
                title="Smart lamp posts",
            ),
        ),
        ROADMAP,
    ),
    solutions.update_solution: (
        lambda s, w, a: solutions.update_solution(
            s, actor=a, solution_id=w.solution.id, data=SolutionUpdate(status="in operation")
        ),
        ROADMAP,
    ),
    solutions.archive_solution: (
        lambda s, w, a: solutions.archive_solution(s, actor=a, solution_id=w.solution.id),
        ROADMAP,
    ),
    solutions.restore_solution: (
        lambda s, w, a: solutions.restore_solution(s, actor=a, solution_id=w.old_solution.id),
        ROADMAP,
    ),
    solutions.list_solutions: (
        lambda s, w, a: solutions.list_solutions(s, actor=a, network_id=w.network.id),
        READ,
    ),
    solutions.add_replication: (
        lambda s, w, a: solutions.add_replication(
            s,
            actor=a,
            data=ReplicationCreate(solution_id=w.solution2.id, city_id=w.arnsberg.id),
        ),
        ROADMAP,
    ),
    solutions.update_replication: (
        lambda s, w, a: solutions.update_replication(
            s,
            actor=a,
            replication_id=w.replication.id,
            data=ReplicationUpdate(kind="replicates", status="piloting"),
        ),
        ROADMAP,
    ),
    solutions.remove_replication: (
        lambda s, w, a: solutions.remove_replication(s, actor=a, replication_id=w.replication.id),
        ROADMAP,
    ),
    solutions.list_replications: (
        lambda s, w, a: solutions.list_replications(s, actor=a, network_id=w.network.id),
        READ,
    ),
    solutions.newly_replicated: (
        lambda s, w, a: solutions.newly_replicated(s, actor=a, network_id=w.network.id),
        READ,
    ),
    solutions.set_session_solutions: (
        lambda s, w, a: solutions.set_session_solutions(
            s, actor=a, session_id=w.visit.id, solution_ids=[w.solution.id]
        ),
        STAFF,
    ),
    solutions.session_solutions: (
        lambda s, w, a: solutions.session_solutions(s, actor=a, session_id=w.visit.id),
        READ,
    ),
    solutions.event_site_visits: (
        lambda s, w, a: solutions.event_site_visits(s, actor=a, event_id=w.event.id),
        READ,
    ),
    solutions.set_theme_role: (
        lambda s, w, a: solutions.set_theme_role(
            s,
            actor=a,
            data=ThemeRoleSet(
                network_id=w.network.id, city_id=w.arezzo.id, theme_id=w.theme.id, role="follower"
            ),
        ),
        C,
    ),
    solutions.list_theme_roles: (
        lambda s, w, a: solutions.list_theme_roles(s, actor=a, network_id=w.network.id),
        READ,
    ),
    # excel
    summary.build_summary: (
        lambda s, w, a: summary.build_summary(s, actor=a, tandem_id=w.tandem.id),
        OWN,
    ),
    knowledge_report.target_tables: (
        lambda s, w, a: knowledge_report.target_tables(s, a, scope(s, w), TODAY),
        OWN,
    ),
    knowledge_report.solution_tables: (
        lambda s, w, a: knowledge_report.solution_tables(s, a, scope(s, w)),
        OWN,
    ),
    knowledge_report.site_visit_rows: (
        lambda s, w, a: knowledge_report.site_visit_rows(s, a, scope(s, w)),
        OWN,
    ),
    targets_template.targets_template: (
        lambda s, w, a: targets_template.targets_template(s, actor=a, network_id=w.network.id),
        READ,
    ),
    imports.preview_import: (
        lambda s, w, a: imports.preview_import(
            s, actor=a, kind="cities", filename="c.csv", content=CITIES
        ),
        C,
    ),
    imports.apply_import: (
        lambda s, w, a: imports.apply_import(s, actor=a, preview=cities_preview(s, w)),
        C,
    ),
}

# Public functions of peerlearn.services that no signed-in actor calls, and why.
UNGUARDED = {
    # the checks themselves, the storage and text helpers every service calls, and the
    # sign-in limits authenticate applies
    **{
        f: "a helper of the services"
        for module in (permissions, store, text, sign_in_limits)
        for f in vars(module).values()
        if inspect.isfunction(f) and f.__module__ == module.__name__
    },
    # the sign-in cookie, before there is an actor
    sign_ins.remember: "keeps a signed-in person signed in",
    sign_ins.forget: "signs out",
    sign_ins.user_for_token: "finds who a kept sign-in belongs to",
    # before anyone is signed in
    users.authenticate: "signs a person in",
    users.is_first_run: "whether the first account may be made without one",
    users.setup_token: "the first run's token, printed in the server's log",
    users.set_up: "makes the first coordinator, for whoever holds the setup token",
    users.user_by_email: "single sign-on finds the account it signs in",
    # lookups other services make after their own check
    network.find_name_clash: "a lookup behind add_*/update_* of the network",
    challenges.tandem_city_ids: "a lookup behind challenges and milestones",
    tandems.refuse_leaving_partners: "a check behind update_tandem and the network import",
    network.member_city: "a lookup behind targets and solutions",
    targets.may_measure: "asks whether a person may, for a screen to offer the form",
    targets.ranked: "orders target rows already read",
    targets.off_track: "picks from target rows already read",
}


def _takes_actor(function) -> bool:
    return bool({"actor", "user"} & set(inspect.signature(function).parameters))


def discovered():
    """Public functions of peerlearn.services, and those of peerlearn.live,
    peerlearn.analytics and peerlearn.excel that take an actor."""
    found = []
    for package in (
        "peerlearn.services",
        "peerlearn.live",
        "peerlearn.analytics",
        "peerlearn.excel",
    ):
        root = importlib.import_module(package)
        for info in pkgutil.iter_modules(root.__path__):
            if info.name.startswith("_"):
                continue
            module = importlib.import_module(f"{package}.{info.name}")
            for name, function in inspect.getmembers(module, inspect.isfunction):
                if name.startswith("_") or function.__module__ != module.__name__:
                    continue
                if package == "peerlearn.services" or _takes_actor(function):
                    found.append(function)
    return found


def _name(function) -> str:
    return f"{function.__module__.removeprefix('peerlearn.')}.{function.__name__}"


def test_every_function_has_a_permission_entry():
    missing = [_name(f) for f in discovered() if f not in CALLS and f not in UNGUARDED]
    assert not missing, f"Say who may call these (CALLS) or why nobody is asked: {missing}"


@pytest.fixture
def engine(tmp_path, sqlite_template):
    """SQLite only: who may call what does not depend on the database."""
    path = tmp_path / "peerlearn.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture
def full(session, world, quiz, code):
    """The world with one of everything the calls above act on."""
    w = SimpleNamespace(**vars(world))
    w.quiz, w.single, w.scale, w.open = quiz.quiz, quiz.single, quiz.scale, quiz.open
    w.empty_quiz = m.Quiz(session_id=w.workshop.id, title="Empty")
    w.empty_event = m.Event(
        network_id=w.network.id, title="Later", start_date=DAY, end_date=DAY, place="Graz"
    )
    w.old_network = m.Network(name="Old", archived_at=m.utcnow())
    w.old_theme = m.Theme(name="Old theme", archived_at=m.utcnow())
    w.old_category = m.Category(name="Old category", archived_at=m.utcnow())
    w.old_city = m.City(name="Old", country="Austria", archived_at=m.utcnow())
    w.lone_city = m.City(name="Graz", country="Austria")
    w.free_city = m.City(name="Linz", country="Austria")
    w.old_tandem = m.Tandem(network_id=w.network.id, name="Old", archived_at=m.utcnow())
    w.inactive = m.User(email="gone@example.org", role=m.UserRole.COORDINATOR, active=False)
    w.target = m.User(email="target@example.org", role=m.UserRole.FACILITATOR)
    w.group = m.CommonChallenge(network_id=w.network.id, name="Funding", session_id=w.workshop.id)
    w.group2 = m.CommonChallenge(network_id=w.network.id, name="Skills", session_id=w.workshop.id)
    session.add_all(
        [w.empty_quiz, w.empty_event, w.old_network, w.old_theme, w.old_category, w.old_city]
        + [w.lone_city, w.free_city, w.old_tandem, w.inactive, w.target, w.group, w.group2]
    )
    session.flush()
    session.add(m.Membership(network_id=w.network.id, city_id=w.lone_city.id, role=m.Role.MEMBER))
    w.challenge = m.Challenge(tandem_id=w.tandem.id, text="Funding", session_id=w.workshop.id)
    w.archived = m.Challenge(tandem_id=w.tandem.id, text="Old", archived_at=m.utcnow())
    w.grouped = m.Challenge(tandem_id=w.tandem.id, text="Grouped", common_challenge_id=w.group.id)
    w.roadmap = m.Roadmap(tandem_id=w.tandem.id, title="Roadmap")
    w.takeaway = m.Takeaway(session_id=w.workshop.id, text="Share data")
    session.add_all([w.challenge, w.archived, w.grouped, w.roadmap, w.takeaway])
    session.flush()
    w.milestone = m.Milestone(roadmap_id=w.roadmap.id, title="Portal", due_date=DAY)
    w.old_milestone = m.Milestone(
        roadmap_id=w.roadmap.id, title="Old", due_date=DAY, archived_at=m.utcnow()
    )
    w.old_group = m.CommonChallenge(network_id=w.network.id, name="Old", archived_at=m.utcnow())
    w.old_event = m.Event(
        network_id=w.network.id, title="Old", start_date=DAY, end_date=DAY, archived_at=m.utcnow()
    )
    w.old_session = m.EventSession(event_id=w.event.id, title="Old", archived_at=m.utcnow())
    w.entry = m.AuditEntry(table_name="challenge", row_key=str(w.archived.id), action="archived")
    session.add_all([w.milestone, w.old_milestone, w.old_group, w.old_event, w.old_session])
    session.add(w.entry)
    session.add(m.Ballot(session_id=w.workshop.id, common_challenge_id=w.group.id))
    _knowledge(session, w)
    session.commit()
    live_quiz.open_question(
        session, actor=w.facilitator, session_id=w.workshop.id, question_id=w.open.id
    )
    phone = join(session, code, w.arezzo)
    w.answer = answers.answer_question(session, token=phone.token, question_id=w.open.id, text="Go")
    w.nobody = None
    return w


def _knowledge(session, w) -> None:
    """Arezzo's target with a measurement, its solutions, Arnsberg studying one, a site
    visit."""
    goal = dict(
        network_id=w.network.id,
        city_id=w.arezzo.id,
        indicator="CO2 emissions",
        baseline_value=100,
        baseline_year=2020,
        target_value=80,
        direction="at most",
        deadline=date(2030, 12, 31),
    )
    w.goal = m.Target(title="Cut CO2", **goal)
    w.old_goal = m.Target(title="Old", archived_at=m.utcnow(), **goal)
    place = dict(network_id=w.network.id, city_id=w.arezzo.id, theme_id=w.theme.id)
    w.solution = m.Solution(title="E-shuttle", **place)
    w.solution2 = m.Solution(title="E-car sharing", **place)
    w.old_solution = m.Solution(title="Old", archived_at=m.utcnow(), **place)
    w.visit = m.EventSession(
        event_id=w.event.id, title="Confluence site visit", kind=m.SessionKind.SITE_VISIT
    )
    session.add_all([w.goal, w.old_goal, w.solution, w.solution2, w.old_solution, w.visit])
    session.flush()
    w.reading = m.Measurement(target_id=w.goal.id, measured_on=date(2022, 12, 31), value=97)
    w.replication = m.Replication(solution_id=w.solution.id, city_id=w.arnsberg.id)
    session.add_all([w.reading, w.replication])


# An allowed call writes, so each gets a fresh world; refused calls write nothing (that
# is checked), so the refused roles of a function share one world.
CASES = [
    pytest.param(function, role, id=f"{_name(function)}-{role}")
    for function, (_, allowed) in CALLS.items()
    for role in [*sorted(allowed), "refused"]
]


@pytest.mark.parametrize(("function", "role"), CASES)
def test_each_role_is_allowed_exactly_where_it_should_be(session, full, unchanged, function, role):
    call, allowed = CALLS[function]
    if role != "refused":
        call(session, full, getattr(full, role))
        return
    for refused in [r for r in ROLES if r not in allowed]:
        try:
            with unchanged(), pytest.raises(PermissionDenied):
                call(session, full, getattr(full, refused))
        except (AssertionError, pytest.fail.Exception) as error:
            raise AssertionError(f"{_name(function)} called by {refused}: {error}") from None


def test_a_phone_reaches_only_the_session_it_joined(session, full, unchanged):
    """Participants have no account: their token is their permission, for one session."""
    plenary = lifecycle.start_live(session, actor=full.facilitator, session_id=full.plenary.id)
    other = join(session, plenary.join_code, full.pirna).token
    workshop = {"question_id": full.open.id}
    with unchanged(), pytest.raises(PermissionDenied, match="another session"):
        answers.answer_question(session, token=other, text="Mine", **workshop)
    with unchanged(), pytest.raises(InvalidInput, match="not voted on in this session"):
        votes.vote(session, token=other, common_challenge_id=full.group.id, dots=1)
    with unchanged(), pytest.raises(InvalidInput, match="not voted on in this session"):
        votes.add_dots(session, token=other, common_challenge_id=full.group.id, by=1)
    assert answers.participant_answer(session, token=other, **workshop) is None
    assert votes.my_votes(session, token=other) == {}
    assert wall.my_challenges(session, token=other) == []
