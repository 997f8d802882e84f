"""Errors the services raise; each message tells a person what to fix."""


class PeerlearnError(Exception):
    """Base class: ``str(error)`` is the message to show."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class InvalidInput(PeerlearnError):
    """The input is blank, too long, out of range or inconsistent."""


class NotFound(PeerlearnError):
    """An id or name points at nothing (or at something archived)."""


class PermissionDenied(PeerlearnError):
    """The actor may not do this."""


class Conflict(PeerlearnError):
    """The change clashes with what is stored: a duplicate, or dependants in the way."""


class AuthenticationFailed(PeerlearnError):
    """Wrong email or password, or an inactive account."""


class TooFast(PeerlearnError):
    """One phone sent more than its pace allows (peerlearn.rules.RATE_LIMITS)."""
