"""The ``peerlearn`` command: database upgrades, accounts, demo data, reports, imports,
backups and calendars.

Whoever runs it holds the database URL, so it is trusted: the account services and
imports are called with ``system=True`` rather than on behalf of a signed-in user.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import click
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlmodel import Session, select

from peerlearn import db
from peerlearn.errors import NotFound, PeerlearnError
from peerlearn.excel import imports
from peerlearn.excel.import_files import MAX_BYTES
from peerlearn.models import Event, Milestone, Network, Roadmap, Tandem, User, UserCreate, UserRole
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
    """Peer learning between cities: the database, accounts, demo data, Excel reports,
    imports, backups and calendars."""
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
            data=UserCreate(
                email=email,
                role=role,
                password=password,
                name=name,
                tandem_ids=_tandem_ids(session, tandems),
            ),
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


# --- shared by the reporting commands -----------------------------------------------

_LISTED = 20  # names listed when a name given is not found


def _loosely(name: str) -> str:
    """A name as typed on a command line: case and a leading '#' do not count
    ('connectedineurope' is '#connectedinEurope')."""
    return name.strip().casefold().lstrip("#").strip()


def _pick(session: Session, model, value: str, *, what: str, attribute: str = "name"):
    """The row of ``model`` whose ``attribute`` is ``value`` (exactly, else ignoring
    case and a leading '#'), else the one with that id."""
    column = getattr(model, attribute)
    text = value.strip()
    rows = session.exec(select(model).where(column == text)).all()
    every = session.exec(select(model).order_by(column)).all() if not rows else []
    if not rows:
        rows = [r for r in every if _loosely(getattr(r, attribute)) == _loosely(text)]
    if len(rows) > 1:
        named = ", ".join(f"'{getattr(r, attribute)}' (id {r.id})" for r in rows)
        raise click.ClickException(
            f"Several {what}s are called '{value}': {named}; give the name exactly or the id."
        )
    if rows:
        return rows[0]
    if text.isdigit() and (row := session.get(model, int(text))) is not None:
        return row
    known = ", ".join(f"'{getattr(r, attribute)}'" for r in every[:_LISTED])
    more = f" and {len(every) - _LISTED} more" if len(every) > _LISTED else ""
    listing = f" The {what}s are {known}{more}." if every else f" There is no {what} yet."
    raise NotFound(f"No {what} is called '{value}', and none has that id.{listing}")


def _pick_id(session: Session, model, value: str | None, **kwargs) -> int | None:
    return None if value is None else _pick(session, model, value, **kwargs).id


def _reporting_actor() -> User:
    """Whoever runs the command owns the database, as for the other commands: the
    report is read as a coordinator would read it, with no account needed."""
    return User(email="peerlearn command line", role=UserRole.COORDINATOR, active=True)


def _only_network(session: Session) -> int:
    """The network to export when no scope is given: the only one there is."""
    networks = session.exec(
        select(Network).where(Network.archived_at.is_(None)).order_by(Network.name)
    ).all()
    if len(networks) == 1:
        return networks[0].id
    if not networks:
        raise click.ClickException("There is no network to export yet.")
    names = ", ".join(f"'{n.name}'" for n in networks)
    raise click.ClickException(
        f"Choose what to export with --network, --event or --tandem; the networks are {names}."
    )


def _write(path: Path, content: bytes) -> None:
    try:
        path.write_bytes(content)
    except OSError as error:
        raise click.ClickException(f"Cannot write {path}: {error.strerror or error}.") from error


_OUTPUT = click.Path(dir_okay=False, writable=True, path_type=Path)
_INPUT = click.Path(exists=True, dir_okay=False, readable=True, path_type=Path)


# --- export -------------------------------------------------------------------------


@main.command("export")
@click.argument("file", type=_OUTPUT)
@click.option("--network", metavar="NAME_OR_ID", help="Only this network.")
@click.option("--event", metavar="TITLE_OR_ID", help="Only this event.")
@click.option("--tandem", metavar="NAME_OR_ID", help="Only this tandem.")
@click.pass_context
def export(
    ctx: click.Context, file: Path, network: str | None, event: str | None, tandem: str | None
) -> None:
    """Write the Excel summary of one network, event or tandem to FILE (with no option:
    of the only network)."""
    from peerlearn.excel.summary import build_summary  # the workbook; only this command needs it

    with _session(ctx) as session:
        scope = {
            "network_id": _pick_id(session, Network, network, what="network"),
            "event_id": _pick_id(session, Event, event, what="event", attribute="title"),
            "tandem_id": _pick_id(session, Tandem, tandem, what="tandem"),
        }
        if not any(v is not None for v in scope.values()):
            scope["network_id"] = _only_network(session)
        content = build_summary(session, actor=_reporting_actor(), **scope)
    _write(file, content)
    click.echo(f"Wrote {file} ({len(content) / 1024:.0f} KB).")


@main.command("export-targets")
@click.argument("file", type=_OUTPUT)
@click.option("--network", metavar="NAME_OR_ID", help="The network (with no option: the only one).")
@click.option(
    "--every",
    type=click.IntRange(1, 10),
    default=2,
    show_default=True,
    help="Years between two reporting dates (the Covenant of Mayors reports every two).",
)
@click.pass_context
def export_targets(ctx: click.Context, file: Path, network: str | None, every: int) -> None:
    """Write the targets reporting template of a network to FILE: a row per target, a
    column per reporting date. 'peerlearn import measurements FILE' reads it back filled."""
    from peerlearn.excel.targets_template import targets_template

    with _session(ctx) as session:
        network_id = _pick_id(session, Network, network, what="network")
        if network_id is None:
            network_id = _only_network(session)
        content = targets_template(
            session, actor=_reporting_actor(), network_id=network_id, every=every
        )
    _write(file, content)
    click.echo(f"Wrote {file} ({len(content) / 1024:.0f} KB).")


# --- import -------------------------------------------------------------------------


@main.group("import")
def import_group() -> None:
    """Cities, tandems, milestones or challenges from an .xlsx or .csv file.

    Each import shows a preview (rows to add, to update, and every problem) and writes
    only when there is no problem, after you confirm (or with --yes).
    """


_SHOWN = 30  # rows listed per part of a preview; the counts cover all of them


def _value(value: object) -> str:
    """A value as it will be written; a date also in words, to show how it was read."""
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, date):
        return f"{value.isoformat()} ({value.day} {value:%B %Y})"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple, set)):
        return ", ".join(_value(v) for v in value)
    return str(value)


def _change(header: str, old: object, new: object) -> str:
    return f"{header} {_value(old)} -> {_value(new)}"


def _details(item) -> str:
    """What a row writes: each change of an update, every value of an addition."""
    if item.changes:
        return "; ".join(_change(h, old, new) for h, (old, new) in item.changes.items())
    return "; ".join(
        f"{h} {_value(v)}" for h, v in item.values.items() if v is not None and v != ""
    )


def _print_preview(preview, network: str | None) -> None:
    scope = f" for the network '{network}'" if network else ""
    click.echo(f"Import of {preview.kind} from {preview.source}{scope}:")
    click.echo(preview.summary())
    for note in preview.notes:
        click.echo(f"Note: {note}")
    for title, rows in (("To add", preview.adds), ("To update", preview.updates)):
        if not rows:
            continue
        click.echo(f"{title}:")
        for item in rows[:_SHOWN]:
            details = _details(item)
            click.echo(f"  row {item.row}: {item.label}" + (f": {details}" if details else ""))
        if len(rows) > _SHOWN:
            click.echo(f"  ... and {len(rows) - _SHOWN} more")
    if preview.problems:
        click.echo("Problems:", err=True)
        for problem in preview.problems:
            click.echo(f"  {problem}", err=True)
    if preview.choices:
        click.echo("Did you mean ...? (--same ROW takes the first city, --same ROW=ID another)")
        for choice in preview.choices:
            meant = " or ".join(f"{o.label} [id {o.city_id}]" for o in choice.options)
            decided = {None: "", imports.NEW: ": a new city"}.get(choice.chosen)
            if decided is None:
                decided = f": the same city as id {choice.chosen}"
            click.echo(f"  row {choice.row}: {choice.label}, is it {meant}{decided}")


def _decisions(same: tuple[str, ...], new: tuple[int, ...]) -> dict[int, int | str]:
    """--same ROW[=CITY_ID] and --new ROW as the import's decisions; a bare --same ROW is
    resolved to the first suggestion once the preview is known (0 stands for it)."""
    decided: dict[int, int | str] = dict.fromkeys(new, imports.NEW)
    for item in same:
        row, _, city = item.partition("=")
        if not row.strip().isdigit() or (city and not city.strip().isdigit()):
            raise click.BadParameter(f"'{item}' is not ROW or ROW=CITY_ID.", param_hint="--same")
        decided[int(row)] = int(city) if city else 0
    return decided


def _read_upload(file: Path) -> bytes:
    size = file.stat().st_size
    if size > MAX_BYTES:
        raise click.ClickException(
            f"'{file.name}' cannot be imported: it is {size / 1024 / 1024:.1f} MB and at most "
            f"{MAX_BYTES // 1024 // 1024} MB can be imported. Split it into smaller files."
        )
    return file.read_bytes()


def _import_command(kind: str):
    @click.argument("file", type=_INPUT)
    @click.option(
        "--network",
        metavar="NAME_OR_ID",
        help="The network the rows are for (cities become members of it).",
    )
    @click.option(
        "--encoding",
        metavar="NAME",
        help="Read a CSV file in this encoding (e.g. windows-1250) instead of the one detected.",
    )
    @click.option(
        "--same",
        multiple=True,
        metavar="ROW[=CITY_ID]",
        help="The city of ROW is the stored one suggested (or the one with CITY_ID).",
    )
    @click.option(
        "--new", "new", multiple=True, type=int, metavar="ROW", help="The city of ROW is new."
    )
    @click.option("--yes", is_flag=True, help="Write without asking for confirmation.")
    @click.pass_context
    def command(
        ctx: click.Context,
        file: Path,
        network: str | None,
        encoding: str | None,
        same: tuple[str, ...],
        new: tuple[int, ...],
        yes: bool,
    ) -> None:
        engine = _engine(ctx)
        content = _read_upload(file)
        decided = _decisions(same, new)
        by_system = imports.KINDS[kind].by_system
        who = {"actor": None if by_system else _reporting_actor(), "system": by_system}
        with db.session_scope(engine) as session:
            picked = None if network is None else _pick(session, Network, network, what="network")

            def plan():
                return imports.preview_import(
                    session,
                    **who,
                    kind=kind,
                    filename=file.name,
                    content=content,
                    network_id=picked.id if picked else None,
                    encoding=encoding,
                    decisions=decided,
                )

            preview = plan()
            firsts = {c.row: c.options[0].city_id for c in preview.choices}
            if any(decided.get(row) == 0 for row in firsts):
                decided.update({r: firsts[r] for r, v in decided.items() if v == 0 and r in firsts})
                preview = plan()
        _print_preview(preview, picked.name if picked else None)
        if preview.problems:
            raise click.ClickException(
                f"Nothing was imported: fix the {len(preview.problems)} problem(s) above "
                "and import the file again."
            )
        if preview.undecided:
            rows = " ".join(str(c.row) for c in preview.undecided)
            raise click.ClickException(
                f"Nothing was imported: say for row(s) {rows} whether the city is the one "
                "suggested (--same ROW) or a new one (--new ROW)."
            )
        if not preview.rows:
            click.echo("Nothing to import: the file has a header but no rows.")
            return
        if not preview.changes:
            click.echo("Nothing to change: the database already holds this file's rows.")
            return
        # Asked with no transaction open: the import reads the file again and refuses
        # if the data changed meanwhile.
        if not yes and not click.confirm("Write these changes?", default=False):
            click.echo("Nothing was written.")
            return
        with db.session_scope(engine) as session:
            result = imports.apply_import(session, **who, preview=preview)
        click.echo(
            f"Imported {kind}: {result.added} added, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        )

    command.__doc__ = (
        f"Import {kind} from FILE (.xlsx or .csv): a preview, then the changes after you "
        f"confirm. 'peerlearn import template {kind} FILE' writes an empty file to fill in."
    )
    return command


for _kind in imports.KINDS:
    import_group.command(_kind)(_import_command(_kind))


@import_group.command("template")
@click.argument("kind", type=click.Choice(list(imports.KINDS)))
@click.argument("file", type=_OUTPUT)
def import_template(kind: str, file: Path) -> None:
    """Write an empty KIND import file to FILE: .xlsx (with a sheet explaining each
    column) or .csv, by FILE's ending."""
    suffix = file.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise click.BadParameter("FILE must end in .xlsx or .csv.", param_hint="'FILE'")
    _write(file, imports.template(kind, suffix.lstrip(".")))
    click.echo(f"Wrote the {kind} template to {file}.")


# --- backup and restore -------------------------------------------------------------


@main.command("backup")
@click.argument("file", type=_OUTPUT)
@click.pass_context
def backup_command(ctx: click.Context, file: Path) -> None:
    """Write every table to FILE (a zip of JSON lines), for 'peerlearn restore'."""
    from peerlearn.backup import backup

    counts = backup(_engine(ctx), file)
    click.echo(f"Backed up {sum(counts.values())} rows of {len(counts)} tables to {file}.")


@main.command("restore")
@click.argument("file", type=_INPUT)
@click.pass_context
def restore_command(ctx: click.Context, file: Path) -> None:
    """Load the backup FILE into an empty database (its schema is created if missing)."""
    from peerlearn.backup import restore

    engine = db.make_engine(ctx.find_root().obj)
    ctx.call_on_close(engine.dispose)
    if db.current_revision(engine) is None:
        db.upgrade(engine)
    counts = restore(engine, file)
    click.echo(f"Restored {sum(counts.values())} rows of {len(counts)} tables from {file}.")


# --- calendars ----------------------------------------------------------------------


@main.group("ics")
def ics_group() -> None:
    """Calendar files (.ics) of a tandem's milestones or of an event's sessions."""


@ics_group.command("tandem")
@click.argument("tandem", metavar="NAME_OR_ID")
@click.argument("file", type=_OUTPUT)
@click.pass_context
def ics_tandem(ctx: click.Context, tandem: str, file: Path) -> None:
    """Write the milestones of the tandem NAME_OR_ID to FILE (.ics)."""
    from peerlearn.calendars import milestones_calendar

    with _session(ctx) as session:
        row = _pick(session, Tandem, tandem, what="tandem")
        milestones = session.exec(
            select(Milestone)
            .join(Roadmap, Roadmap.id == Milestone.roadmap_id)
            .where(Roadmap.tandem_id == row.id, Milestone.archived_at.is_(None))
            .order_by(Milestone.due_date, Milestone.position, Milestone.id)
        ).all()
        content = milestones_calendar(row, milestones)
    _write(file, content)
    click.echo(f"Wrote {len(milestones)} milestone(s) of '{row.name}' to {file}.")


@ics_group.command("event")
@click.argument("event", metavar="TITLE_OR_ID")
@click.argument("file", type=_OUTPUT)
@click.pass_context
def ics_event(ctx: click.Context, event: str, file: Path) -> None:
    """Write the sessions of the event TITLE_OR_ID to FILE (.ics)."""
    from peerlearn.calendars import event_calendar
    from peerlearn.services.events import list_sessions

    with _session(ctx) as session:
        row = _pick(session, Event, event, what="event", attribute="title")
        sessions = list_sessions(session, actor=_reporting_actor(), event_id=row.id)
        content = event_calendar(row, sessions)
    _write(file, content)
    click.echo(f"Wrote {len(sessions)} session(s) of '{row.title}' to {file}.")
