"""The domain: plain functions ``f(session, *, actor, ...)``.

Each validates its input, checks that ``actor`` may do this, writes in one
transaction (it commits) and raises ``peerlearn.errors`` with a message a person can
act on. Who may do what:

- coordinator: everything;
- facilitator: events, sessions, take-aways, quizzes, challenges, common challenges
  and votes, roadmaps; reads the network;
- tandem member: the challenges and roadmap of their own tandems.
"""
