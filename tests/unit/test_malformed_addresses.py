"""What an address carries to a service is checked, never trusted to be well formed: a
key or token of any characters is refused with the service's own "not found", and the
long-poll route answers a malformed address with "bad request"."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from peerlearn.errors import NotFound
from peerlearn.live import clock, screens
from peerlearn.live.changes import Watcher, route
from tests.load.room import run_in_own_loop


@pytest.mark.parametrize("key", ["é", "\x00", "²" * 40, "ключ", "", None])
def test_a_malformed_presenter_key_of_a_live_session_is_not_found(session, world, code, key):
    with pytest.raises(NotFound):
        screens.session_for_presenter(session, session_id=world.workshop.id, key=key)


@pytest.mark.parametrize(
    "query",
    [
        "session=%C2%B2&view=screen",
        "session=99999999999999999999999&view=screen",
        "session=1%00&view=screen",
        "session=1&view=screen%00",
        "session=1&view=phone&city=%D9%A3",
        "session=1&view=phone&city=99999999999999999999999",
        "session=1&view=screen&seen=1.2.%C2%B2",
        "session=%20%31&view=screen",
    ],
)
def test_the_long_poll_route_answers_a_malformed_address_with_bad_request(query):
    def no_database():
        raise AssertionError("a malformed address reaches no database")

    endpoint = route(Watcher(no_database)).endpoint
    scope = {"type": "http", "method": "GET", "query_string": query.encode(), "headers": []}
    # Not asyncio.run: a browser test on this worker may keep a loop running here.
    response = run_in_own_loop(endpoint(Request(scope)))
    assert response.status_code == 400


@pytest.mark.parametrize("seen", ["².1.0", "1.٣.0", "1.2", "", "1.2.3.4"])
def test_a_malformed_seen_token_is_never_behind(seen):
    version = clock.Version(session_id=1, stage=1, data=1, live=True)
    assert version.behind(seen, "screen") is False
    assert version.behind(seen, "phone") is False
