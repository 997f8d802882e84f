"""The ``peerlearn`` command: database upgrades, accounts and demo data.

Whoever runs it holds the database URL, so it is trusted: the account services are
called with ``system=True`` rather than on behalf of a signed-in user.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlmodel import Session, select

from peerlearn import db
from peerlearn.errors import NotFound, PeerlearnError
from peerlearn.models import Tandem, User, UserRole
from peerlearn.passwords import password_problem
from peerlearn.services import users


class _Group(click.Group):
    """Turns the services' errors into a one-line message and exit status 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except PeerlearnError as error:
            raise click.ClickException(str(error)) from error
        except OperationalError as error:
            url = make_url(ctx.obj).render_as_string(hide_password=True)
            reason = str(error.orig).strip() or type(error.orig).__name__
            raise click.ClickException(f"Cannot use the database at {url}: {reason}") from error


@click.group(cls=_Group, name="peerlearn")
@click.option(
    "--database-url",
    metavar="URL",
    help=f"The database to work on. Default: ${db.ENV_VAR}, else {db.DEFAULT_URL}.",
)
@click.pass_context
def main(ctx: click.Context, database_url: str | None) -> None:
    """Peer learning between cities: manage the database, accounts and demo data."""
    url = database_url or db.database_url()
    try:
        make_url(url)
    except ArgumentError as error:
        raise click.BadParameter(
            f"'{url}' is not a database URL; write it like sqlite:///data/peerlearn.db "
            "or postgresql+psycopg://user:password@host/name.",
            param_hint="'--database-url'",
        ) from error
    ctx.obj = url


def _engine(ctx: click.Context, *, upgrade: bool = False) -> Engine:
    """An engine on the command's database, disposed when the command ends.

    With ``upgrade`` the schema is brought to head first; otherwise a database behind
    head is refused with a hint, rather than failing on a missing table.
    """
    engine = db.make_engine(ctx.find_root().obj)
    ctx.call_on_close(engine.dispose)
    if upgrade:
        db.upgrade(engine)
    elif db.current_revision(engine) != db.head_revision(engine):
        raise click.ClickException(
            "The database schema is not up to date; run 'peerlearn db upgrade' first."
        )
    return engine


@contextmanager
def _session(ctx: click.Context, *, upgrade: bool = False) -> Iterator[Session]:
    with db.session_scope(_engine(ctx, upgrade=upgrade)) as session:
        yield session


def _print_counts(engine: Engine) -> None:
    for table, rows in sorted(db.table_counts(engine).items()):
        click.echo(f"{table}\t{rows}")


# --- db ---------------------------------------------------------------------------


@main.group("db")
def db_group() -> None:
    """The database schema and its contents."""


@db_group.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Bring the database to the current schema (creates it when empty)."""
    engine = _engine(ctx, upgrade=True)
    click.echo(f"Database at revision {db.current_revision(engine)} (head).")


@db_group.command("current")
@click.pass_context
def db_current(ctx: click.Context) -> None:
    """Print the database's schema revision."""
    engine = db.make_engine(ctx.find_root().obj)
    ctx.call_on_close(engine.dispose)
    current, head = db.current_revision(engine), db.head_revision(engine)
    if current == head:
        click.echo(f"{current} (head)")
    else:
        click.echo(f"{current or 'empty'} (head is {head}; run 'peerlearn db upgrade')")


@db_group.command("counts")
@click.pass_context
def db_counts(ctx: click.Context) -> None:
    """Print the number of rows per table, as 'table<TAB>rows' lines."""
    _print_counts(_engine(ctx))


# --- user -------------------------------------------------------------------------


@main.group("user")
def user_group() -> None:
    """Accounts that sign in to the app."""


def _interactive() -> bool:
    return sys.stdin.isatty()


def _read_password(email: str, *, from_stdin: bool) -> str:
    """One line of stdin, or an interactive prompt (twice) that asks again if weak."""
    if from_stdin or not _interactive():
        line = sys.stdin.readline()
        return line.rstrip("\r\n")

    def check(password: str) -> str:
        problem = password_problem(password, email=email)
        if problem:
            raise click.BadParameter(problem)
        return password

    return click.prompt("Password", hide_input=True, confirmation_prompt=True, value_proc=check)


def _tandem_ids(session: Session, values: tuple[str, ...]) -> list[int]:
    """Ids of the tandems named by ``values``: an exact name, else an id."""
    ids = []
    for value in values:
        named = session.exec(select(Tandem).where(Tandem.name == value.strip())).all()
        if len(named) > 1:
            choices = ", ".join(str(t.id) for t in named)
            raise click.ClickException(
                f"Several tandems are named '{value}'; give one of their ids: {choices}."
            )
        if named:
            ids.append(named[0].id)
        elif value.strip().isdigit() and session.get(Tandem, int(value)) is not None:
            ids.append(int(value.strip()))
        else:
            raise NotFound(f"No tandem is named '{value}', and none has that id.")
    return ids


def _user(session: Session, email: str) -> User:
    user = users.user_by_email(session, email, include_inactive=True)
    if user is None:
        raise NotFound(f"No account for {email.strip()}; 'peerlearn user list' shows them all.")
    return user


@user_group.command("add")
@click.argument("email")
@click.option(
    "--role",
    required=True,
    type=click.Choice([r.value for r in UserRole], case_sensitive=False),
    help="What the account may do.",
)
@click.option(
    "--tandem",
    "tandems",
    multiple=True,
    metavar="NAME_OR_ID",
    help="A tandem the member works for (repeat for several; tandem role only).",
)
@click.option("--name", default="", help="The person's or team's name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from one line of stdin.")
@click.option(
    "--no-password",
    is_flag=True,
    help="No password: the account signs in only through the organisation's provider.",
)
@click.pass_context
def user_add(
    ctx: click.Context,
    email: str,
    role: str,
    tandems: tuple[str, ...],
    name: str,
    password_stdin: bool,
    no_password: bool,
) -> None:
    """Create an account for EMAIL (upgrades the database first)."""
    if password_stdin and no_password:
        raise click.UsageError("--password-stdin and --no-password exclude each other.")
    password = None if no_password else _read_password(email, from_stdin=password_stdin)
    with _session(ctx, upgrade=True) as session:
        user = users.add_user(
            session,
            actor=None,
            system=True,
            email=email,
            role=role,
            password=password,
            name=name,
            tandem_ids=_tandem_ids(session, tandems),
        )
        click.echo(f"Added {user.role} {user.email}.")


@user_group.command("list")
@click.pass_context
def user_list(ctx: click.Context) -> None:
    """Print every account: email, role, status, name, tandems."""
    with _session(ctx) as session:
        rows = [
            (
                row.user.email,
                row.user.role,
                "active" if row.user.active else "deactivated",
                row.user.name,
                ", ".join(row.tandems),
            )
            for row in users.list_users(session, system=True)
        ]
    if not rows:
        click.echo("No accounts yet; add one with 'peerlearn user add'.")
        return
    header = ("EMAIL", "ROLE", "STATUS", "NAME", "TANDEMS")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )


@user_group.command("deactivate")
@click.argument("email")
@click.pass_context
def user_deactivate(ctx: click.Context, email: str) -> None:
    """Stop EMAIL from signing in."""
    with _session(ctx) as session:
        user = users.deactivate_user(session, user_id=_user(session, email).id, system=True)
        click.echo(f"Deactivated {user.email}.")


@user_group.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from one line of stdin.")
@click.pass_context
def user_set_password(ctx: click.Context, email: str, password_stdin: bool) -> None:
    """Set a new password for EMAIL."""
    engine = _engine(ctx)
    with db.session_scope(engine) as session:
        user = _user(session, email)
    # Asked for outside the session, so no transaction stays open while someone types.
    password = _read_password(user.email, from_stdin=password_stdin)
    with db.session_scope(engine) as session:
        users.reset_password(session, user_id=user.id, new_password=password, system=True)
    click.echo(f"Password set for {user.email}.")


# --- demo -------------------------------------------------------------------------


@main.group("demo")
def demo_group() -> None:
    """Example data from the networks' own texts."""


@demo_group.command("load")
@click.option(
    "--scale",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Multiply the example data, e.g. for load tests.",
)
@click.pass_context
def demo_load(ctx: click.Context, scale: int) -> None:
    """Load the demo data (upgrades the database first), then print the row counts."""
    from peerlearn.demo import load_demo  # written separately; only this command needs it

    with _session(ctx, upgrade=True) as session:
        load_demo(session, scale=scale)
        session.commit()  # harmless if load_demo committed already
        engine = session.get_bind()
    _print_counts(engine)
