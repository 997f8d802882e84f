"""The domain: plain functions ``f(session, *, actor, ...)``.

Each validates its input, checks that ``actor`` may do this, writes in one
transaction (it commits) and raises ``peerlearn.errors`` with a message a person can
act on. Who may do what (the checks are in ``permissions``):

- coordinator: everything;
- facilitator: events, sessions, take-aways, quizzes, challenges, common challenges
  and votes; reads the network and the roadmaps;
- tandem member: the challenges and roadmap of their own tandems; reads the network,
  the events and their take-aways.

``store`` and ``text`` hold what every service shares: lookups, commit, delete guards,
and the checks of typed text.
"""
