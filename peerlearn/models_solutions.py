"""Solutions and who replicates them: the network's knowledge carrier.

A solution is what a city has built and shows (Lyon Confluence's autonomous e-shuttle);
a replication is another city replicating, adapting or studying it. Site visits link to
the solutions they show, milestones to the solutions they replicate, and a city can lead
one theme and follow in another.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit

from pydantic import field_validator, model_validator
from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from peerlearn.errors import InvalidInput
from peerlearn.inputs import Input, missing, one_of
from peerlearn.models import TEXT_MAX, TITLE_MAX, Role, count_saves, fk, utcnow

URL_MAX = 500

__all__ = [
    "SolutionStatus",
    "ReplicationKind",
    "ReplicationStatus",
    "Solution",
    "SolutionLink",
    "Link",
    "SolutionFields",
    "SolutionCreate",
    "SolutionUpdate",
    "SolutionTarget",
    "Replication",
    "ReplicationFields",
    "ReplicationCreate",
    "ReplicationUpdate",
    "MilestoneSolution",
    "SessionSolution",
    "ThemeRole",
    "ThemeRoleSet",
]


class SolutionStatus(StrEnum):
    PLANNED = "planned"
    PILOTING = "piloting"
    IN_OPERATION = "in operation"
    REPLICATED = "replicated"


class ReplicationKind(StrEnum):
    """How a city takes up another's solution."""

    REPLICATES = "replicates"
    ADAPTS = "adapts"
    STUDIES = "studies"


class ReplicationStatus(StrEnum):
    """Where a city's own uptake of a solution stands."""

    CONSIDERING = "considering"
    PLANNED = "planned"
    PILOTING = "piloting"
    IN_OPERATION = "in operation"
    DROPPED = "dropped"


class Solution(SQLModel, table=True):
    """What a city has built and can show, in one theme of a network."""

    __table_args__ = (UniqueConstraint("network_id", "city_id", "title", name="uq_solution"),)

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = fk("network.id")
    city_id: int = fk("city.id")
    theme_id: int = fk("theme.id")
    title: str = Field(max_length=TITLE_MAX)
    status: str = Field(default=SolutionStatus.PLANNED, max_length=20)
    description: str = Field(default="", max_length=TEXT_MAX)
    site: str = Field(default="", max_length=TITLE_MAX)  # where it can be seen
    latitude: float | None = None
    longitude: float | None = None
    is_example: bool = Field(default=False)
    archived_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


count_saves(Solution)


class SolutionLink(SQLModel, table=True):
    """A document, video or page about a solution."""

    id: int | None = Field(default=None, primary_key=True)
    solution_id: int = fk("solution.id", ondelete="CASCADE")
    title: str = Field(max_length=TITLE_MAX)
    url: str = Field(max_length=URL_MAX)
    position: int = 0


class Link(Input):
    """A link as a form or a sheet gives it: a title and an http(s) address."""

    title: str = Field(default="", title="The link's title", max_length=TITLE_MAX)
    url: str = Field(title="The link", max_length=URL_MAX)

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
            raise ValueError(
                f"A link must be a web address starting with https:// (got {value!r})."
            )
        return value

    @model_validator(mode="after")
    def _titled(self) -> Link:
        if not self.title:
            self.title = urlsplit(self.url).netloc
        return self


class SolutionFields(Input):
    """What a solution's fields accept: typed values, or the cells of an editor."""

    @field_validator("status", mode="before", check_fields=False)
    @classmethod
    def _status(cls, value: object) -> str:
        return one_of(value, SolutionStatus, label="The status")

    @field_validator("description", "site", mode="before", check_fields=False)
    @classmethod
    def _blank_text(cls, value: object) -> object:
        return "" if missing(value) else value

    @field_validator("latitude", "longitude", mode="before", check_fields=False)
    @classmethod
    def _coordinate(cls, value: object, info) -> float | None:
        if missing(value):
            return None
        limit = 90 if info.field_name == "latitude" else 180
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValueError(
                f"The {info.field_name} must be a number in decimal degrees (got {value!r})."
            ) from None
        if isinstance(value, bool) or not -limit <= number <= limit:
            raise ValueError(
                f"The {info.field_name} must be between -{limit} and {limit} degrees "
                f"(got {value!r})."
            )
        return number

    @field_validator("links", mode="before", check_fields=False)
    @classmethod
    def _links(cls, value: object) -> object:
        if value is None:
            return []
        if isinstance(value, str):  # one per line: "title | https://..." or the address
            lines = [line.strip() for line in value.splitlines() if line.strip()]
            return [dict(zip(("title", "url"), _split_link(line), strict=True)) for line in lines]
        return value

    @model_validator(mode="after")
    def _both_or_neither(self):
        given = {"latitude", "longitude"} & self.model_fields_set
        if given and (self.latitude is None) != (self.longitude is None):
            gap = "longitude" if self.longitude is None else "latitude"
            raise InvalidInput(
                f"Give both latitude and longitude of the site, or neither; the {gap} is missing.",
                field=gap,
            )
        return self


def _split_link(line: str) -> tuple[str, str]:
    title, bar, url = line.rpartition("|")
    return (title.strip(), url.strip()) if bar else ("", line)


class SolutionCreate(SolutionFields):
    network_id: int
    city_id: int
    theme_id: int
    title: str = Field(title="The solution", min_length=1, max_length=TITLE_MAX)
    status: str = Field(default=SolutionStatus.PLANNED, title="The status")
    description: str = Field(default="", title="The description", max_length=TEXT_MAX)
    site: str = Field(default="", title="The site", max_length=TITLE_MAX)
    latitude: float | None = None
    longitude: float | None = None
    links: list[Link] = Field(default_factory=list, title="The links")
    target_ids: list[int] = Field(default_factory=list, title="The targets it serves")
    is_example: bool = False


class SolutionUpdate(SolutionFields):
    """Links and targets given replace the current ones."""

    theme_id: int = None
    title: str = Field(default=None, title="The solution", min_length=1, max_length=TITLE_MAX)
    status: str = Field(default=None, title="The status")
    description: str = Field(default=None, title="The description", max_length=TEXT_MAX)
    site: str = Field(default=None, title="The site", max_length=TITLE_MAX)
    latitude: float | None = None
    longitude: float | None = None
    links: list[Link] = Field(default=None, title="The links")
    target_ids: list[int] = Field(default=None, title="The targets it serves")
    version: int | None = Field(default=None, ge=1, title="The version")


class SolutionTarget(SQLModel, table=True):
    """A target a solution serves."""

    solution_id: int = Field(
        sa_column=Column(Integer, ForeignKey("solution.id", ondelete="CASCADE"), primary_key=True)
    )
    target_id: int = Field(
        sa_column=Column(Integer, ForeignKey("target.id", ondelete="CASCADE"), primary_key=True)
    )


class Replication(SQLModel, table=True):
    """A city replicating, adapting or studying another city's solution."""

    __table_args__ = (UniqueConstraint("solution_id", "city_id", name="uq_replication"),)

    id: int | None = Field(default=None, primary_key=True)
    solution_id: int = fk("solution.id")
    city_id: int = fk("city.id")
    kind: str = Field(default=ReplicationKind.STUDIES, max_length=20)
    status: str = Field(default=ReplicationStatus.CONSIDERING, max_length=20)
    note: str = Field(default="", max_length=TEXT_MAX)
    is_example: bool = Field(default=False)
    archived_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    # When it was last recorded as replicated or adapted (Home's "newly replicated").
    taken_up_at: datetime | None = None


class ReplicationFields(Input):
    @field_validator("kind", mode="before", check_fields=False)
    @classmethod
    def _kind(cls, value: object) -> str:
        return one_of(value, ReplicationKind, label="How the city takes it up")

    @field_validator("status", mode="before", check_fields=False)
    @classmethod
    def _status(cls, value: object) -> str:
        return one_of(value, ReplicationStatus, label="The status")

    @field_validator("note", mode="before", check_fields=False)
    @classmethod
    def _note(cls, value: object) -> object:
        return "" if missing(value) else value


class ReplicationCreate(ReplicationFields):
    solution_id: int
    city_id: int
    kind: str = Field(default=ReplicationKind.STUDIES, title="How the city takes it up")
    status: str = Field(default=ReplicationStatus.CONSIDERING, title="The status")
    note: str = Field(default="", title="The note", max_length=TEXT_MAX)
    is_example: bool = False


class ReplicationUpdate(ReplicationFields):
    kind: str = Field(default=None, title="How the city takes it up")
    status: str = Field(default=None, title="The status")
    note: str = Field(default=None, title="The note", max_length=TEXT_MAX)


class MilestoneSolution(SQLModel, table=True):
    """A milestone of a tandem's roadmap that replicates a solution."""

    milestone_id: int = Field(
        sa_column=Column(Integer, ForeignKey("milestone.id", ondelete="CASCADE"), primary_key=True)
    )
    solution_id: int = Field(
        sa_column=Column(Integer, ForeignKey("solution.id", ondelete="CASCADE"), primary_key=True)
    )


class SessionSolution(SQLModel, table=True):
    """A solution a site visit shows."""

    __tablename__ = "session_solution"

    session_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("event_session.id", ondelete="CASCADE"), primary_key=True
        )
    )
    solution_id: int = Field(
        sa_column=Column(Integer, ForeignKey("solution.id", ondelete="CASCADE"), primary_key=True)
    )


class ThemeRole(SQLModel, table=True):
    """A city's role in one theme of a network (lighthouse for energy, follower for
    mobility), beside its role in the network as a whole."""

    __tablename__ = "theme_role"
    __table_args__ = (UniqueConstraint("network_id", "city_id", "theme_id", name="uq_theme_role"),)

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = fk("network.id", ondelete="CASCADE")
    city_id: int = fk("city.id")
    theme_id: int = fk("theme.id")
    role: str = Field(max_length=20)


class ThemeRoleSet(Input):
    """A city's role in a theme; no role (None) removes it."""

    network_id: int
    city_id: int
    theme_id: int
    role: str | None = Field(default=None, title="The role in the theme")

    @field_validator("role", mode="before")
    @classmethod
    def _role(cls, value: object) -> str | None:
        return None if missing(value) else one_of(value, Role, label="The role in the theme")
