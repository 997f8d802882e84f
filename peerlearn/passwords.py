"""Password hashing (argon2id) and the rule a new password must meet."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

PASSWORD_MIN = 10
# argon2 accepts any length; the cap only keeps a pasted novel from costing a hash.
PASSWORD_MAX = 1000

_hasher = PasswordHasher()

# Small on purpose: the length rule already refuses the short favourites, so this lists
# the long ones, and words that become "strong" only by appending digits or symbols.
COMMON_PASSWORDS = frozenset(
    {
        "1234567890",
        "12345678910",
        "0987654321",
        "1111111111",
        "1q2w3e4r5t",
        "1qaz2wsx3edc",
        "qwertyuiop",
        "asdfghjkl",
        "zxcvbnm",
        "qwertz",
        "qwerty",
        "azerty",
        "abcdefghij",
        "abcdefg",
        "abc123",
        "password",
        "passwort",
        "motdepasse",
        "contrasena",
        "wachtwoord",
        "iloveyou",
        "letmein",
        "welcome",
        "welkom",
        "willkommen",
        "benvenuto",
        "bienvenue",
        "admin",
        "administrator",
        "changeme",
        "secret",
        "sunshine",
        "football",
        "princess",
        "dragon",
        "monkey",
        "trustno1",
        "peerlearn",
        "connectedineurope",
        "smartertogether",
        "sharingcities",
        "mysmartlife",
    }
)
_DECORATION = "0123456789!?@#$%^&*()-_=+.,;:~ "


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """True when ``password`` matches ``password_hash``; False for a missing or broken hash."""
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than the current ones."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def password_problem(password: str | None, *, email: str | None = None) -> str | None:
    """What is wrong with ``password`` as a new password (a message), or None if it is fine."""
    password = password or ""
    if len(password) < PASSWORD_MIN:
        return (
            f"The password must be at least {PASSWORD_MIN} characters long "
            f"(it has {len(password)})."
        )
    if len(password) > PASSWORD_MAX:
        return f"The password must be at most {PASSWORD_MAX} characters long."
    if len(set(password)) == 1:
        return "The password must not be one character repeated; choose a longer phrase."
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or lowered.strip(_DECORATION) in COMMON_PASSWORDS:
        return "This password is too common; choose one that is harder to guess, like a phrase."
    local_part = (email or "").strip().lower().partition("@")[0]
    # A one- or two-letter name part would forbid half the alphabet, so it is not checked.
    if len(local_part) >= 3 and local_part in lowered:
        return "The password must not contain the name part of the email address."
    return None
