"""The summary opens in LibreOffice Calc (headless conversion) without an error.

Skips where LibreOffice is missing, unless PEERLEARN_REQUIRE_LIBREOFFICE=1 (CI), which
makes that a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from sqlmodel import Session, select

from peerlearn import models as m
from peerlearn.db import make_engine
from peerlearn.demo import load_demo
from peerlearn.excel.summary import build_summary

REQUIRE = "PEERLEARN_REQUIRE_LIBREOFFICE"
INSTALL = "apt-get install libreoffice-calc-nogui"


@pytest.fixture
def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get(REQUIRE) == "1":
            pytest.fail(f"{REQUIRE}=1 but LibreOffice is missing ({INSTALL})")
        pytest.skip(f"LibreOffice is missing ({INSTALL})")
    return found


@pytest.fixture(scope="module")
def workbook(tmp_path_factory, sqlite_template):
    """The demo network's summary, written once (the file is what is tested here)."""
    folder = tmp_path_factory.mktemp("libreoffice")
    shutil.copy(sqlite_template, folder / "demo.db")
    engine = make_engine(f"sqlite:///{folder / 'demo.db'}")
    with Session(engine) as session:
        load_demo(session)
        actor = m.User(email="clara@example.org", role=m.UserRole.COORDINATOR)
        session.add(actor)
        session.commit()
        network = session.exec(
            select(m.Network).where(m.Network.name == "#connectedinEurope")
        ).one()
        content = build_summary(session, actor=actor, network_id=network.id)
    engine.dispose()
    path = folder / "summary.xlsx"
    path.write_bytes(content)
    return path


@pytest.fixture(scope="module")
def empty_workbook(tmp_path_factory, sqlite_template):
    """A network with nothing in it: every table holds its one "(none)" row."""
    folder = tmp_path_factory.mktemp("libreoffice-empty")
    shutil.copy(sqlite_template, folder / "empty.db")
    engine = make_engine(f"sqlite:///{folder / 'empty.db'}")
    with Session(engine) as session:
        actor = m.User(email="clara@example.org", role=m.UserRole.COORDINATOR)
        network = m.Network(name="Brand new")
        session.add_all([actor, network])
        session.commit()
        content = build_summary(session, actor=actor, network_id=network.id)
    engine.dispose()
    path = folder / "summary.xlsx"
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("target", ["csv", "xlsx", "pdf"])
def test_libreoffice_opens_the_summary(soffice, workbook, tmp_path, target):
    _convert(soffice, workbook, tmp_path, target)


def test_libreoffice_opens_an_empty_summary(soffice, empty_workbook, tmp_path):
    _convert(soffice, empty_workbook, tmp_path, "xlsx")


def _convert(soffice: str, workbook, tmp_path, target: str) -> None:
    """Convert headless with a private profile; exit 0, a file, no error on stderr."""
    out = tmp_path / f"out-{target}"
    profile = tmp_path / "profile"
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(workbook),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    converted = out / f"summary.{target}"
    assert converted.exists() and converted.stat().st_size > 0, result.stdout + result.stderr
    assert "error" not in result.stderr.lower(), result.stderr
