"""Who may do what, as a truth table of role and action."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from leerplatform import permissions

REGION = SimpleNamespace(id=1, members_only=False)
CLOSED = SimpleNamespace(id=2, members_only=True)


def person(**overrides: object) -> SimpleNamespace:
    values = {
        "is_authenticated": True,
        "is_admin": False,
        "is_verified": True,
        "home_region_id": 9,
        "member_region_ids": frozenset({9}),
        "hosted_region_ids": frozenset(),
        "suspensions": [],
    }
    values.update(overrides)
    return SimpleNamespace(**values)


ROLES = {
    "bezoeker": SimpleNamespace(is_authenticated=False),
    "niet bevestigd": person(is_verified=False),
    "deelnemer": person(),
    "lid": person(member_region_ids=frozenset({1, 2, 9})),
    "lid thuisregio": person(home_region_id=1, member_region_ids=frozenset({1})),
    "gastheer hier": person(
        hosted_region_ids=frozenset({1, 2}), member_region_ids=frozenset({1, 2, 9})
    ),
    "gastheer elders": person(hosted_region_ids=frozenset({9})),
    "beheerder": person(is_admin=True),
}

# role: (administer, join, leave, moderate, read open, read closed, post)
TABLE = {
    "bezoeker": (False, False, False, False, False, False, False),
    "niet bevestigd": (False, True, False, False, True, False, False),
    "deelnemer": (False, True, False, False, True, False, True),
    "lid": (False, False, True, False, True, True, True),
    "lid thuisregio": (False, False, False, False, True, False, True),
    "gastheer hier": (False, False, True, True, True, True, True),
    "gastheer elders": (False, True, False, False, True, False, True),
    "beheerder": (True, True, False, True, True, True, True),
}


@pytest.mark.parametrize("role", TABLE)
def test_truth_table(role: str) -> None:
    user = ROLES[role]
    got = (
        permissions.can_administer(user),
        permissions.can_join_region(user, REGION),
        permissions.can_leave_region(user, REGION),
        permissions.can_moderate_region(user, REGION),
        permissions.can_read_region(user, REGION),
        permissions.can_read_region(user, CLOSED),
        permissions.can_post_in_region(user, REGION),
    )
    assert got == TABLE[role]


def test_predicates_are_template_globals() -> None:
    assert "can_join_region" in permissions.TEMPLATE_PREDICATES
    assert "require" not in permissions.TEMPLATE_PREDICATES
