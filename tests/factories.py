"""Plain factory functions: ``make_user(**overrides)``."""

from __future__ import annotations

import itertools
from typing import Any

from leerplatform.accounts.models import ParticipantKind, User
from leerplatform.accounts.services import create_user, record_consent
from leerplatform.extensions import db
from leerplatform.regions.models import Region
from leerplatform.regions.services import appoint_host, region_by_code

PASSWORD = "een lange zin als wachtwoord"
_numbers = itertools.count(1)


def make_user(**overrides: Any) -> User:
    """A verified participant from Amsterdam (5515), committed. Needs the regions fixture."""
    n = next(_numbers)
    region: Region | None = overrides.pop("home_region", None) or region_by_code(
        overrides.pop("region_code", "5515")
    )
    values: dict[str, Any] = {
        "email": f"deelnemer{n}@example.nl",
        "password": PASSWORD,
        "display_name": f"Deelnemer {n}",
        "participant_kind": ParticipantKind.OUDER,
        "home_region": region,
        "verified": True,
        "is_admin": False,
    }
    host_of = overrides.pop("host_of", None)
    values.update(overrides)
    user = create_user(**values)
    record_consent(user=user)
    if host_of is not None:
        appoint_host(region=region_by_code(host_of), user=user, appointed_by=None)
    db.session.commit()
    return user


def enable_two_step(user: User) -> str:
    """Turn on two-step verification for ``user``, committed; return the secret for codes."""
    import pyotp

    from leerplatform.accounts.two_step import enable_two_step as enable

    secret = pyotp.random_base32()
    codes = enable(user=user, secret=secret, code=pyotp.TOTP(secret).now())
    assert codes is not None
    user.totp_last_step = None  # the set-up code may be used once more by the test
    db.session.commit()
    return secret
