from sqlmodel import select

from peerlearn import models as m


def test_world_builds_on_each_backend(session, world):
    assert len(session.exec(select(m.City)).all()) == 4
    assert session.get(m.Tandem, world.tandem.id).name == "Arezzo–Arnsberg"
