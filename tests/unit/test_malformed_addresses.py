"""What an address carries to a service is checked, never trusted to be well formed: a
key or token of any characters is refused with the service's own "not found"."""

from __future__ import annotations

import pytest

from peerlearn.errors import NotFound
from peerlearn.live import screens


@pytest.mark.parametrize("key", ["é", "\x00", "²" * 40, "ключ", "", None])
def test_a_malformed_presenter_key_of_a_live_session_is_not_found(session, world, code, key):
    with pytest.raises(NotFound):
        screens.session_for_presenter(session, session_id=world.workshop.id, key=key)
