"""The demo network (``data/demo/``), and on request a synthetic network N times its
size: ``loader`` writes either to the database, ``synthetic`` makes the larger one."""

from __future__ import annotations

from sqlmodel import Session

from peerlearn.demo.loader import DEMO_DIR, Loader, demo_files, read_spec
from peerlearn.demo.spec import DemoDataError
from peerlearn.demo.synthetic import synthetic_spec
from peerlearn.errors import InvalidInput
from peerlearn.services.store import one_transaction

__all__ = [
    "DEMO_DIR",
    "DemoDataError",
    "Loader",
    "demo_files",
    "load_demo",
    "read_spec",
    "synthetic_spec",
]


def load_demo(session: Session, *, scale: int = 1) -> None:
    """Load the demo networks; with ``scale`` > 1 also "Synthetic network ×<scale>"."""
    if isinstance(scale, bool) or not isinstance(scale, int) or scale < 1:
        raise InvalidInput(
            f"The scale must be a whole number of at least 1 (got {scale!r}); "
            "1 loads the demo, N > 1 adds a synthetic network N times its size.",
            field="scale",
        )
    loader = Loader(session)
    # All or nothing: a mistake in any file leaves the database as it was.
    with one_transaction(session):
        for path in demo_files():
            loader.load(read_spec(path), source=path.name)
        if scale > 1:
            vocabulary = {"themes": list(loader.themes), "categories": list(loader.categories)}
            loader.load(synthetic_spec(scale, **vocabulary), source=f"synthetic network ×{scale}")
