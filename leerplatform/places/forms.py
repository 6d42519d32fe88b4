"""Place forms: input and its validation only."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from leerplatform.accounts.forms import options
from leerplatform.forum.forms import MultiCheckboxField
from leerplatform.places.models import (
    AGE_GROUP_LABELS,
    KIND_LABELS,
    OFFER_LABELS,
)
from leerplatform.places.services import is_web_address

DESCRIPTION_MAX = 2_000
NO_MUNICIPALITY = 0


def _too_long() -> Any:
    return _l("That is too long: at most %(max)d characters.")


class PlaceForm(FlaskForm):
    """A new place, or a change to one. Region and municipality choices are set by the view."""

    name = StringField(
        _l("Name of the place"),
        validators=[
            DataRequired(message=_l("Fill in the name of the place.")),
            Length(max=150, message=_too_long()),
        ],
        render_kw={"maxlength": 150},
    )
    kind = RadioField(
        _l("Kind of place"),
        choices=options((kind.value, label) for kind, label in KIND_LABELS.items()),
        validators=[DataRequired(message=_l("Choose what kind of place this is."))],
    )
    provider = StringField(
        _l("Care provider"),
        validators=[
            DataRequired(message=_l("Fill in the name of the care provider.")),
            Length(max=150, message=_too_long()),
        ],
        render_kw={"maxlength": 150},
    )
    region = SelectField(
        _l("Region"),
        coerce=int,
        validators=[DataRequired(message=_l("Choose the region of the place."))],
    )
    municipality = SelectField(_l("Municipality"), coerce=int, default=NO_MUNICIPALITY)
    age_group = RadioField(
        _l("For whom"),
        choices=options((group.value, label) for group, label in AGE_GROUP_LABELS.items()),
        validators=[DataRequired(message=_l("Choose for whom the place is."))],
    )
    offers = MultiCheckboxField(
        _l("What the place offers"),
        choices=options((offer.value, label) for offer, label in OFFER_LABELS.items()),
    )
    website = StringField(
        _l("Website"),
        description=_l("The full address, starting with https:// or http://."),
        validators=[Length(max=300, message=_too_long())],
        render_kw={"maxlength": 300, "inputmode": "url", "autocomplete": "url"},
    )
    description = TextAreaField(
        _l("Short description"),
        description=_l("A few sentences about the place. Plain text."),
        validators=[Length(max=DESCRIPTION_MAX, message=_too_long())],
        render_kw={"rows": 5, "maxlength": DESCRIPTION_MAX},
    )

    def validate_website(self, field: Any) -> None:
        if field.data and field.data.strip() and not is_web_address(field.data):
            raise ValidationError(
                _l("Write the full address of the website, starting with https:// or http://.")
            )

    def validate_municipality(self, field: Any) -> None:
        if field.data and field.data not in self.municipality_regions:
            raise ValidationError(_l("Choose a municipality from the list."))
        if field.data and self.municipality_regions[field.data] != self.region.data:
            raise ValidationError(_l("This municipality is not in the region you chose."))

    municipality_regions: dict[int, int] = {}
    """Municipality id -> region id, set per form by the view; never changed in place."""
