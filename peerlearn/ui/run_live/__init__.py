"""The facilitator's "Run live" screen, one module per tab: ``quiz``, ``wall``,
``voting``, ``people`` and ``export``, with ``controls`` for what they share.

Each tab is a fragment that redraws when the session moves (peerlearn.ui.follow), so a
click in one tab, another facilitator's change or an answer from a phone show at once,
and nothing redraws on a timer while the room is quiet.
"""
