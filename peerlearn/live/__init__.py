"""The live session in one place: phones join a session that a facilitator drives, and
the presenter, Run live and every phone show the same thing.

- ``lifecycle``: opening for phones and closing, the activity, the settings
- ``joining``: join codes, participants and their tokens
- ``wrong_codes``: wrong join codes counted across the code space, with a budget
- ``quiz``: the question on the screen, open, close, reveal, the podium, a fresh run
- ``answers``: one answer per participant and question
- ``wall``: challenges posted from phones, grouped into common challenges
- ``ballot``: the common challenges a session votes on
- ``votes``: dot-voting within a budget per person or per city
- ``snapshot``: what the screens show at one version, built once for all of them
- ``clock``: the version every change moves, kept by the database
- ``changes``: the route a browser waits on until the version moves
- ``screens``: small reads of the live screens (cities to speak for, presenter access)

Nothing here imports Streamlit; the pages and ``peerlearn.ui`` draw it.
"""
