"""The server's safe defaults (.streamlit/config.toml): no error details in the browser,
uploads capped at what the import takes, XSRF protection on; and no helper that starts
the server for tests or tools turns any of them back."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from peerlearn.excel.import_files import MAX_BYTES

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / ".streamlit" / "config.toml"
GUARDED = ("showErrorDetails", "maxUploadSize", "enableXsrfProtection")


def _config() -> dict:
    return tomllib.loads(CONFIG.read_text())


def test_error_details_are_off():
    # "none": the browser gets a generic message, never a type, message or trace.
    assert _config()["client"]["showErrorDetails"] == "none"


def test_uploads_are_capped_at_what_the_import_takes():
    # The import (Excel or CSV) is the only upload; it refuses files over MAX_BYTES.
    assert _config()["server"]["maxUploadSize"] == MAX_BYTES // (1024 * 1024)


def test_xsrf_protection_is_on():
    assert _config()["server"]["enableXsrfProtection"] is True


def test_streamlit_reads_these_values_from_the_project():
    code = (
        "from streamlit import config\n"
        "print([config.get_option(k) for k in ('client.showErrorDetails', "
        "'server.maxUploadSize', 'server.enableXsrfProtection')])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == f"['none', {MAX_BYTES // (1024 * 1024)}, True]"


def test_no_server_helper_overrides_them():
    helpers = [*(ROOT / "tests").rglob("*.py"), *(ROOT / "benchmarks").rglob("*.py")]
    helpers += [ROOT / "app.py", ROOT / "streamlit_app.py", *(ROOT / "peerlearn").rglob("*.py")]
    overriding = [
        str(path.relative_to(ROOT))
        for path in helpers
        if path != Path(__file__).resolve() and any(name in path.read_text() for name in GUARDED)
    ]
    assert overriding == []


def test_dependencies_start_past_their_known_security_fixes():
    from packaging.requirements import Requirement
    from packaging.version import Version

    floors = {"streamlit": Version("1.54.0"), "authlib": Version("1.6.12")}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for line in project["dependencies"]:
        requirement = Requirement(line)
        if requirement.name in floors:
            lowest = min(Version(s.version) for s in requirement.specifier if s.operator == ">=")
            assert lowest >= floors[requirement.name], line
