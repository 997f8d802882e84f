"""Fixtures of the unit tests beyond tests/conftest.py: the live session's."""

from tests.unit.live_fixtures import code, groups, quiz  # noqa: F401
