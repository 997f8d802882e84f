"""Shared by the Accounts and My account screens: role names."""

from __future__ import annotations

from peerlearn.models import UserRole

ROLE_LABELS = {
    UserRole.COORDINATOR: "Coordinator",
    UserRole.FACILITATOR: "Facilitator",
    UserRole.TANDEM: "Tandem member",
}


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, str(role))
