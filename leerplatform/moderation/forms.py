"""Moderation forms: input and its validation only."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from leerplatform.accounts.forms import options
from leerplatform.forum.forms import MultiCheckboxField
from leerplatform.forum.models import THEME_LABELS, THREAD_KIND_LABELS
from leerplatform.moderation.models import REPORT_REASON_LABELS

REASON_MAX = 2_000


def reason_field(label: object = None, *, required: bool = True) -> TextAreaField:
    validators: list[object] = [
        Length(max=REASON_MAX, message=_l("That is too long: at most %(max)d characters."))
    ]
    validators.insert(0, DataRequired(message=_l("Write why.")) if required else Optional())
    return TextAreaField(
        label or _l("Why?"),
        description=_l("The reason goes into the region's log."),
        validators=validators,
        render_kw={"rows": 3, "maxlength": REASON_MAX},
    )


class ReportForm(FlaskForm):
    reason = RadioField(
        _l("What is wrong with this message?"),
        choices=options((r.value, label) for r, label in REPORT_REASON_LABELS.items()),
        validators=[InputRequired(message=_l("Choose what is wrong."))],
    )
    note = TextAreaField(
        _l("Anything else the hosts should know?"),
        validators=[
            Optional(),
            Length(max=REASON_MAX, message=_l("That is too long: at most %(max)d characters.")),
        ],
        render_kw={"rows": 3, "maxlength": REASON_MAX},
    )


DECISIONS = [
    ("verbergen", _l("Hide the message")),
    ("afwijzen", _l("Keep it: the message may stay")),
    ("waarschuwen", _l("Warn the author (the message stays)")),
    ("schorsen", _l("Hide the message and suspend the author from this region")),
]


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("What do you decide?"),
        choices=options(DECISIONS),
        validators=[InputRequired(message=_l("Choose what you decide."))],
    )
    reason = reason_field(
        _l("Your reason"),
    )
    days = IntegerField(
        _l("Suspend for how many days?"),
        description=_l("Only when you suspend. The author can still read, not write."),
        validators=[
            Optional(),
            NumberRange(min=1, max=365, message=_l("Choose 1 to 365 days.")),
        ],
        render_kw={"inputmode": "numeric"},
    )

    def validate_days(self, field: IntegerField) -> None:
        if self.decision.data == "schorsen" and not field.data:
            raise ValidationError(_l("Say for how many days."))


class ReasonForm(FlaskForm):
    reason = reason_field()


class SuspendForm(FlaskForm):
    reason = reason_field()
    days = IntegerField(
        _l("Suspend for how many days?"),
        validators=[
            InputRequired(message=_l("Say for how many days.")),
            NumberRange(min=1, max=365, message=_l("Choose 1 to 365 days.")),
        ],
        render_kw={"inputmode": "numeric"},
    )


class ThreadModerationForm(FlaskForm):
    action = RadioField(
        _l("What do you want to do?"),
        validators=[InputRequired(message=_l("Choose what you want to do."))],
    )
    reason = reason_field()
    region = SelectField(_l("Move to"), validate_choice=False)
    kind = RadioField(
        _l("Kind"),
        choices=options((k.value, label) for k, label in THREAD_KIND_LABELS.items()),
        validate_choice=False,
    )
    themes = MultiCheckboxField(
        _l("Themes"),
        choices=options((t.value, label) for t, label in THEME_LABELS.items()),
        validate_choice=False,
    )
