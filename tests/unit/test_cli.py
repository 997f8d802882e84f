"""The ``peerlearn`` command on a SQLite file and on PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect
from sqlmodel import Session, SQLModel, select

from peerlearn import cli
from peerlearn import models as m
from peerlearn.db import current_revision, head_revision, make_engine, table_counts, upgrade
from peerlearn.errors import AuthenticationFailed
from peerlearn.services import users
from tests.conftest import BACKENDS

GOOD = "correct horse battery"


@pytest.fixture(params=BACKENDS)
def url(request, tmp_path):
    """A URL of an empty database (not even migrated)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cli.db'}"
    return request.getfixturevalue("pg_server").create_database("cli_test")


@pytest.fixture
def engine(url):
    """An engine of the test's own, disposed so the next test may drop the database."""
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def run(url):
    """``run("user", "list", input=...)`` runs ``peerlearn --database-url URL user list``."""

    def invoke(*args: str, input: str | None = None):
        runner = CliRunner()
        return runner.invoke(cli.main, ["--database-url", url, *args], input=input)

    return invoke


@pytest.fixture
def tandems(engine):
    """Two tandems, one of them archived, in a migrated database."""
    upgrade(engine)
    with Session(engine) as session:
        network = m.Network(name="#connectedinEurope")
        session.add(network)
        session.flush()
        session.add_all(
            [
                m.Tandem(
                    network_id=network.id, name="Arezzo–Arnsberg", deadline=date(2024, 12, 31)
                ),
                m.Tandem(network_id=network.id, name="Old tandem", archived_at=m.utcnow()),
            ]
        )
        session.commit()
        return {t.name: t.id for t in session.exec(select(m.Tandem))}


def _users(engine) -> list[m.User]:
    with Session(engine) as session:
        return session.exec(select(m.User)).all()


def _sign_in(engine, email: str, password: str) -> m.User:
    with Session(engine, expire_on_commit=False) as session:
        return users.authenticate(session, email, password)


# --- db ---------------------------------------------------------------------------


def test_db_upgrade_creates_every_table_at_head(run, engine):
    result = run("db", "upgrade")

    assert result.exit_code == 0, result.output
    assert current_revision(engine) == head_revision(engine)
    assert f"revision {head_revision(engine)} (head)" in result.stdout
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert tables == set(SQLModel.metadata.tables)
    assert run("db", "upgrade").exit_code == 0  # repeatable


def test_db_current_tells_whether_an_upgrade_is_due(run, engine):
    before = run("db", "current")
    assert before.exit_code == 0
    assert before.stdout.startswith("empty (head is ")
    upgrade(engine)
    assert run("db", "current").stdout == f"{head_revision(engine)} (head)\n"


def test_db_counts_prints_sorted_tab_separated_lines(run, engine, tandems):
    result = run("db", "counts")

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    names = [line.split("\t")[0] for line in lines]
    assert names == sorted(SQLModel.metadata.tables)
    counts = dict(line.split("\t") for line in lines)
    assert counts["tandem"] == "2" and counts["network"] == "1" and counts["user"] == "0"


def test_commands_refuse_a_database_behind_head(run):
    for args in (("db", "counts"), ("user", "list"), ("user", "deactivate", "a@example.org")):
        result = run(*args)
        assert result.exit_code == 1
        assert "run 'peerlearn db upgrade' first" in result.stderr
        assert "Traceback" not in result.output


# --- user add ---------------------------------------------------------------------


def test_user_add_from_stdin_then_sign_in(run, engine):
    result = run(
        "user",
        "add",
        " Anna@Example.org",
        "--role",
        "coordinator",
        "--name",
        "Anna",
        "--password-stdin",
        input=GOOD + "\n",
    )

    assert result.exit_code == 0, result.output
    assert result.stdout == "Added coordinator anna@example.org.\n"
    assert current_revision(engine) == head_revision(engine)  # upgraded first
    user = _sign_in(engine, "anna@example.org", GOOD)
    assert (user.name, user.role, user.active) == ("Anna", m.UserRole.COORDINATOR, True)


def test_user_add_reads_stdin_when_it_is_not_a_terminal(run, engine):
    result = run("user", "add", "ops@example.org", "--role", "facilitator", input=GOOD + "\r\n")
    assert result.exit_code == 0, result.output
    assert _sign_in(engine, "ops@example.org", GOOD).role == m.UserRole.FACILITATOR


def test_user_add_prompts_twice_and_again_after_a_weak_password(run, engine, monkeypatch):
    monkeypatch.setattr(cli, "_interactive", lambda: True)
    result = run(
        "user",
        "add",
        "anna@example.org",
        "--role",
        "coordinator",
        input=f"short\n{GOOD}\n{GOOD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "at least 10 characters" in result.output
    assert result.output.count("Password") >= 2
    assert _sign_in(engine, "anna@example.org", GOOD).email == "anna@example.org"


def test_user_add_tandem_member_by_tandem_name_and_id(run, engine, tandems):
    other = run(
        "user",
        "add",
        "arezzo@example.org",
        "--role",
        "tandem",
        "--tandem",
        "Arezzo–Arnsberg",
        "--tandem",
        str(tandems["Arezzo–Arnsberg"]),
        "--password-stdin",
        input=GOOD + "\n",
    )
    assert other.exit_code == 0, other.output
    user = _sign_in(engine, "arezzo@example.org", GOOD)
    with Session(engine) as session:
        linked = session.exec(select(m.UserTandem.tandem_id).where(m.UserTandem.user_id == user.id))
        assert list(linked) == [tandems["Arezzo–Arnsberg"]]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--tandem", "Nowhere"), "No tandem is named 'Nowhere', and none has that id."),
        (("--tandem", "999999"), "No tandem is named '999999'"),
        (("--tandem", "Old tandem"), "The tandem 'Old tandem' is archived."),
        ((), "must belong to at least one tandem"),
    ],
)
def test_user_add_refuses_unknown_or_missing_tandems(run, engine, tandems, args, words):
    result = run(
        "user", "add", "x@example.org", "--role", "tandem", *args, "--password-stdin", input=GOOD
    )
    assert result.exit_code == 1
    assert words in result.stderr
    assert _users(engine) == []


@pytest.mark.parametrize(
    ("args", "password", "code", "words"),
    [
        (("--role", "admin"), GOOD, 2, "Invalid value for '--role'"),
        (("--role", "facilitator"), "password123", 1, "This password is too common"),
        (("--role", "facilitator"), "", 1, "at least 10 characters"),
        (("--role", "facilitator", "--tandem", "1"), GOOD, 1, "Only tandem members"),
        (("--role", "facilitator", "--name", "n" * 121), GOOD, 1, "at most 120"),
    ],
)
def test_user_add_refuses_bad_input_and_writes_nothing(run, engine, args, password, code, words):
    upgrade(engine)
    tandem_setup = "--tandem" in args
    if tandem_setup:
        with Session(engine) as session:
            network = m.Network(name="N")
            session.add(network)
            session.flush()
            session.add(m.Tandem(id=1, network_id=network.id, name="T"))
            session.commit()

    result = run("user", "add", "x@example.org", *args, "--password-stdin", input=password + "\n")

    assert result.exit_code == code
    assert words in result.stderr
    assert "Traceback" not in result.output
    assert _users(engine) == []


def test_user_add_refuses_an_invalid_email(run, engine):
    result = run("user", "add", "not-an-email", "--role", "coordinator", input=GOOD)
    assert result.exit_code == 1
    assert "'not-an-email' is not an email address" in result.stderr
    assert _users(engine) == []


def test_user_add_refuses_a_duplicate_email(run, engine):
    first = run("user", "add", "anna@example.org", "--role", "coordinator", input=GOOD)
    assert first.exit_code == 0, first.output
    again = run(
        "user", "add", "ANNA@example.org", "--role", "facilitator", input="another one here"
    )
    assert again.exit_code == 1
    assert again.stderr == "Error: There is already an account for anna@example.org.\n"
    assert [(u.email, u.role) for u in _users(engine)] == [("anna@example.org", "coordinator")]
    _sign_in(engine, "anna@example.org", GOOD)


def test_user_add_without_password_for_single_sign_on(run, engine):
    result = run("user", "add", "sso@example.org", "--role", "coordinator", "--no-password")
    assert result.exit_code == 0, result.output
    assert _users(engine)[0].password_hash is None


# --- user list, deactivate, set-password ------------------------------------------


@pytest.fixture
def two_users(run, tandems):
    for email, role, extra in [
        ("anna@example.org", "coordinator", ()),
        ("arezzo@example.org", "tandem", ("--tandem", "Arezzo–Arnsberg", "--name", "Arezzo team")),
    ]:
        result = run("user", "add", email, "--role", role, *extra, input=GOOD)
        assert result.exit_code == 0, result.output


def test_user_list_shows_accounts_and_tandems(run, two_users):
    result = run("user", "list")
    assert result.exit_code == 0, result.output
    header, anna, arezzo = result.stdout.splitlines()
    assert header.split() == ["EMAIL", "ROLE", "STATUS", "NAME", "TANDEMS"]
    assert anna.split() == ["anna@example.org", "coordinator", "active"]
    assert arezzo.split("  ")[0] == "arezzo@example.org"
    assert arezzo.endswith("Arezzo team  Arezzo–Arnsberg")


def test_user_list_on_an_empty_database(run, engine):
    upgrade(engine)
    result = run("user", "list")
    assert result.exit_code == 0
    assert "No accounts yet" in result.stdout


def test_user_deactivate(run, engine, two_users):
    result = run("user", "deactivate", "AREZZO@example.org")
    assert result.exit_code == 0, result.output
    with pytest.raises(AuthenticationFailed, match="deactivated"):
        _sign_in(engine, "arezzo@example.org", GOOD)
    assert "deactivated" in run("user", "list").stdout

    last = run("user", "deactivate", "anna@example.org")
    assert last.exit_code == 1
    assert "last active coordinator" in last.stderr
    unknown = run("user", "deactivate", "nobody@example.org")
    assert unknown.exit_code == 1
    assert "No account for nobody@example.org" in unknown.stderr


def test_user_set_password(run, engine, two_users):
    new = "a brand new passphrase"
    result = run("user", "set-password", "anna@example.org", "--password-stdin", input=new)
    assert result.exit_code == 0, result.output
    assert _sign_in(engine, "anna@example.org", new).email == "anna@example.org"

    weak = run("user", "set-password", "anna@example.org", input="anna@example.org1")
    assert weak.exit_code == 1
    assert "name part of the email" in weak.stderr
    assert _sign_in(engine, "anna@example.org", new).email == "anna@example.org"


# --- errors and demo --------------------------------------------------------------


def test_unreachable_database_is_a_message_not_a_traceback():
    url = "postgresql+psycopg://someone:secret@127.0.0.1:1/nothing"
    result = CliRunner().invoke(cli.main, ["--database-url", url, "db", "upgrade"])
    assert result.exit_code == 1
    assert "Cannot use the database at postgresql+psycopg://someone:***@127.0.0.1:1" in (
        result.stderr
    )
    assert "secret" not in result.output


def test_database_url_defaults_to_the_environment(tmp_path, monkeypatch):
    path = tmp_path / "from_env.db"
    monkeypatch.setenv("PEERLEARN_DATABASE_URL", f"sqlite:///{path}")
    result = CliRunner().invoke(cli.main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    engine = make_engine(f"sqlite:///{path}")
    try:
        assert current_revision(engine) == head_revision(engine)
    finally:
        engine.dispose()


def test_a_malformed_url_is_a_usage_error():
    result = CliRunner().invoke(cli.main, ["--database-url", "nonsense", "db", "counts"])
    assert result.exit_code == 2
    assert "'nonsense' is not a database URL" in result.stderr


def test_demo_load_fills_the_database_and_prints_counts(run, engine):
    result = run("demo", "load", "--scale", "1")
    assert result.exit_code == 0, result.output
    counts = table_counts(engine)
    assert counts["city"] > 0 and counts["tandem"] > 0
    printed = dict(line.split("\t") for line in result.stdout.splitlines() if "\t" in line)
    assert printed == {table: str(rows) for table, rows in counts.items()}


@pytest.mark.postgres
def test_upgrade_then_demo_load_gives_the_same_counts_on_sqlite_and_postgresql(pg_server, tmp_path):
    """What a new installation does, by the two commands, on either database."""
    urls = {
        "sqlite": f"sqlite:///{tmp_path / 'fresh.db'}",
        "postgresql": pg_server.create_database("cli_fresh_demo"),
    }
    printed = {}
    for backend, url in urls.items():
        for command in (["db", "upgrade"], ["demo", "load"], ["db", "counts"]):
            result = CliRunner().invoke(cli.main, ["--database-url", url, *command])
            assert result.exit_code == 0, f"{backend} {command}: {result.output}"
        printed[backend] = result.stdout
    assert printed["sqlite"] == printed["postgresql"]
    counts = dict(line.split("\t") for line in printed["sqlite"].splitlines() if "\t" in line)
    assert int(counts["city"]) > 40 and int(counts["answer"]) > 0
