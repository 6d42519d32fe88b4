"""Action item forms: input and its validation only."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from leerplatform.accounts.forms import options
from leerplatform.actions.models import STATUS_LABELS, ActionStatus, needs_reason
from leerplatform.forum.forms import MultiCheckboxField, title_field
from leerplatform.forum.models import THEME_LABELS, Theme
from leerplatform.text import MAX_SOURCE_LENGTH

NOTE_MAX = 5_000
ADDRESS_RE = re.compile(r"(?:^|/)(?:actiepunt|onderwerp)/(\d+)|^#?(\d+)$")


def number_in(text: str | None) -> int | None:
    """The number in "12", "#12" or an address such as https://…/actiepunt/12."""
    match = ADDRESS_RE.search((text or "").strip().rstrip("/"))
    if not match:
        return None
    return int(match.group(1) or match.group(2))


class DayField(DateField):
    """A date as a browser's date picker sends it, or typed the Dutch way (31-03-2027)."""

    def __init__(self, label: Any, **kwargs: Any) -> None:
        kwargs.setdefault("validators", [Optional()])
        super().__init__(label, format=["%Y-%m-%d", "%d-%m-%Y"], **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Write a date like 31-03-2027.")) from error


def text_field(label: Any, *, required: bool, description: Any = None, rows: int = 5) -> Any:
    validators: list[Any] = [
        Length(max=NOTE_MAX, message=_l("That is too long: at most %(max)d characters."))
    ]
    if required:
        validators.insert(0, DataRequired(message=_l("Fill this in.")))
    return TextAreaField(
        label,
        description=description,
        validators=validators,
        render_kw={"rows": rows, "maxlength": NOTE_MAX},
    )


class ActionItemForm(FlaskForm):
    """Making an item, or changing what it is about, who owns it and by when."""

    submission_key = HiddenField()
    version = HiddenField()
    title = title_field()
    description = TextAreaField(
        _l("What must change?"),
        description=_l(
            "Describe the bottleneck and what would solve it. You can use Markdown: "
            "*italic*, **bold**, a list with - at the start of a line, and links."
        ),
        validators=[
            DataRequired(message=_l("Describe what must change.")),
            Length(
                max=MAX_SOURCE_LENGTH,
                message=_l("Your text is too long: at most %(max)d characters."),
            ),
        ],
        render_kw={"rows": 8, "maxlength": MAX_SOURCE_LENGTH},
    )
    themes = MultiCheckboxField(
        _l("Themes"),
        description=_l("Choose one or more."),
        choices=options((theme.value, label) for theme, label in THEME_LABELS.items()),
    )
    owner = SelectField(
        _l("Owner"),
        description=_l("Who takes this on: a host, a provider or a parent representative."),
        coerce=int,
        validate_choice=True,
    )
    target_date = DayField(
        _l("Target date"), description=_l("By when should this be done? For example 31-03-2027.")
    )

    def validate_themes(self, field: MultiCheckboxField) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one theme."))

    @property
    def chosen_themes(self) -> list[Theme]:
        return [Theme(value) for value in self.themes.data or []]


class UpdateForm(FlaskForm):
    submission_key = HiddenField()
    body = TextAreaField(
        _l("Progress"),
        description=_l("What happened, what was decided, what is next?"),
        validators=[
            DataRequired(message=_l("Write what happened.")),
            Length(
                max=MAX_SOURCE_LENGTH,
                message=_l("Your text is too long: at most %(max)d characters."),
            ),
        ],
        render_kw={"rows": 4, "maxlength": MAX_SOURCE_LENGTH},
    )


class StatusForm(FlaskForm):
    version = HiddenField()
    status = RadioField(
        _l("New status"),
        validators=[InputRequired(message=_l("Choose the new status."))],
    )
    note = text_field(
        _l("Explanation"),
        required=False,
        description=_l(
            "When it is resolved: how was it solved? When it is not feasible or opened again: why?"
        ),
    )

    def __init__(self, *args: Any, current: ActionStatus, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current = current
        from leerplatform.actions.models import TRANSITIONS

        self.status.choices = options(
            (status.value, STATUS_LABELS[status])
            for status in ActionStatus
            if status in TRANSITIONS[current]
        )

    def validate_note(self, field: TextAreaField) -> None:
        if not self.status.data or self.status.data not in {s.value for s in ActionStatus}:
            return
        new = ActionStatus(self.status.data)
        if (field.data or "").strip():
            return
        if new is ActionStatus.OPGELOST:
            raise ValidationError(_l("Write how it was solved: others can learn from it."))
        if needs_reason(self.current, new):
            raise ValidationError(_l("Write why, so everyone following it understands."))


class LinkThreadForm(FlaskForm):
    thread = StringField(
        _l("Conversation"),
        description=_l("The number of the conversation, or its address (…/onderwerp/123)."),
        validators=[DataRequired(message=_l("Fill in the number or address."))],
    )

    def validate_thread(self, field: StringField) -> None:
        if number_in(field.data) is None:
            raise ValidationError(_l("We cannot find a number in this. Copy the address."))

    @property
    def thread_id(self) -> int | None:
        return number_in(self.thread.data)


class LinkToItemForm(FlaskForm):
    item = SelectField(
        _l("Action item"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose an action item."))],
    )


class MergeForm(FlaskForm):
    version = HiddenField()
    target = StringField(
        _l("Merge into action item"),
        description=_l("The number of the other action item, or its address (…/actiepunt/45)."),
        validators=[DataRequired(message=_l("Fill in the number or address."))],
    )
    reason = text_field(_l("Why merge them?"), required=True)

    def validate_target(self, field: StringField) -> None:
        if number_in(field.data) is None:
            raise ValidationError(_l("We cannot find a number in this. Copy the address."))

    @property
    def target_id(self) -> int | None:
        return number_in(self.target.data)


class EscalateForm(FlaskForm):
    version = HiddenField()
    reason = text_field(
        _l("Why does this need the national space?"),
        required=True,
        description=_l("For example: it needs national policy, or it happens in many regions."),
    )


class ProposeForm(FlaskForm):
    note = text_field(
        _l("Why should this become an action item?"),
        required=False,
        description=_l("Optional. The hosts of the region read it."),
        rows=3,
    )


class DeclineForm(FlaskForm):
    note = text_field(_l("Why not?"), required=True, rows=3)


class MonitorForm(FlaskForm):
    """The monitor's choices, read from the address: a period, a region and a theme."""

    class Meta:
        csrf = False

    van = DayField(_l("From"))
    tot = DayField(_l("Up to and including"))
    regio = SelectField(_l("Region"), validate_choice=False)
    thema = SelectField(_l("Theme"), validate_choice=False)

    def validate_tot(self, field: DateField) -> None:
        if field.data and self.van.data and field.data < self.van.data:
            raise ValidationError(_l("The end lies before the start."))
