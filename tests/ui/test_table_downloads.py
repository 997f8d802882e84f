"""No table on a screen offers its rows as a raw CSV file: Streamlit's table toolbar
writes cells as they are, and text such as ``=HYPERLINK(...)`` would run as a formula in
the spreadsheet that opens it. The app's own downloads (the Excel summary, calendars)
keep such text as text (tests/unit/test_downloads.py)."""

from __future__ import annotations

import pytest
from sqlmodel import Session
from streamlit import config

from peerlearn import models as m
from tests.ui.conftest import member_tandem

OPTION = "client.disableDataExport"


@pytest.fixture
def fresh_server_config():
    """The option as a server without a config file starts (download offered); put back
    afterwards."""
    before = config.get_option(OPTION)
    config.set_option(OPTION, False)
    yield
    config.set_option(OPTION, before)


def test_no_table_offers_a_raw_csv_download(app, fresh_server_config):
    at = app("tandem", "pages/challenges.py")
    with Session(at.engine) as session:
        session.add(
            m.Challenge(tandem_id=member_tandem(at.engine).id, text='=HYPERLINK("http://x","y")')
        )
        session.commit()
    at.run()
    assert not at.exception
    assert at.dataframe, "the page shows no table"
    assert config.get_option(OPTION) is True
