"""Who is asking (clinic mode) and what their role allows; shared by the sign-in middleware and routes.

In clinic mode the sign-in middleware puts an :class:`Actor` on ``request.state.actor``. In the
single-user mode (the access key) there is no actor and every action is allowed: the one person who
holds the key owns the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from fastapi import HTTPException, Request

__all__ = ["Action", "Actor", "Role", "actor_of", "allowed", "require"]


class Role(StrEnum):
    ADMIN = "admin"
    STAFF = "staff"
    VIEWER = "viewer"


class Action(StrEnum):
    READ = "read"  # read patient data and cases
    WRITE = "write"  # change cases, denials, appeals, assignments
    ADMIN = "admin"  # manage users, read the audit


_ALLOWED: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.STAFF: frozenset({Action.READ, Action.WRITE}),
    Role.VIEWER: frozenset({Action.READ}),
}


@dataclass(frozen=True, slots=True)
class Actor:
    """A signed-in clinic user."""

    user_id: int
    username: str
    role: Role


def actor_of(request: Request) -> Actor | None:
    """The signed-in user, or None in single-user mode."""
    actor = getattr(request.state, "actor", None)
    return actor if isinstance(actor, Actor) else None


def allowed(actor: Actor | None, action: Action) -> bool:
    return actor is None or action in _ALLOWED[actor.role]


def require(request: Request, action: Action) -> Actor | None:
    """Refuse (403) an action the signed-in user's role does not allow; return the actor."""
    actor = actor_of(request)
    if not allowed(actor, action):
        raise HTTPException(
            status_code=403,
            detail=f"your role ({actor.role.value if actor else '?'}) may not {action.value} here; "
            "ask an admin for a role that may",
        )
    return actor
