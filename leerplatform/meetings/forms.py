"""Regiotafel forms: input and its validation only."""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import URL, DataRequired, Length, Optional, ValidationError

from leerplatform.accounts.forms import options
from leerplatform.actions.forms import ActionItemForm, DayField
from leerplatform.clock import LOCAL, utcnow
from leerplatform.forum.forms import MultiCheckboxField, strip_text
from leerplatform.meetings.models import ANSWER_LABELS
from leerplatform.text import MAX_SOURCE_LENGTH

TIME_RE = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")
SUBJECT_RE = re.compile(r"(?:^|/)(onderwerp|actiepunt)/(\d+)")


class ClockField(StringField):
    """A time of day as a browser's time picker sends it, or typed as 19.30 or 19:30."""

    def __init__(self, label: Any, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"type": "time", "inputmode": "numeric"})
        super().__init__(label, **kwargs)
        self.time: time | None = None

    def pre_validate(self, form: Any) -> None:
        self.time = None
        match = TIME_RE.match(self.data or "")
        if not (self.data or "").strip():
            raise ValidationError(_l("Fill in a time, for example 19:30."))
        if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            raise ValidationError(_l("Write a time like 19:30."))
        self.time = time(int(match.group(1)), int(match.group(2)))


def _text(label: Any, *, max_length: int, description: Any = None, required: bool = False) -> Any:
    validators: list[Any] = [
        Length(max=max_length, message=_l("That is too long: at most %(max)d characters."))
    ]
    validators.insert(0, DataRequired(message=_l("Fill this in.")) if required else Optional())
    return StringField(
        label,
        description=description,
        filters=[strip_text],
        validators=validators,
        render_kw={"maxlength": max_length},
    )


class MeetingForm(FlaskForm):
    """Scheduling a meeting, or changing it."""

    submission_key = HiddenField()
    title = _text(
        _l("Name of the meeting"),
        max_length=150,
        required=True,
        description=_l("For example: Regiotafel Amsterdam, spring."),
    )
    day = DayField(
        _l("Date"),
        validators=[DataRequired(message=_l("Fill in a date, for example 31-03-2027."))],
        description=_l("For example 31-03-2027."),
    )
    starts = ClockField(_l("Starts at"), description=_l("Dutch time, for example 19:30."))
    ends = ClockField(_l("Ends at"), description=_l("For example 21:00."))
    location = _text(
        _l("Place"),
        max_length=300,
        description=_l("The address, or leave empty for a meeting by video only."),
    )
    video_url = StringField(
        _l("Video link"),
        description=_l("A link that starts with https://, if people can join by video."),
        filters=[strip_text],
        validators=[
            Optional(),
            URL(require_tld=True, message=_l("Write a full link, starting with https://.")),
            Length(max=500, message=_l("That is too long: at most %(max)d characters.")),
        ],
        render_kw={"maxlength": 500, "inputmode": "url"},
    )
    invited = _text(
        _l("Who is invited"),
        max_length=300,
        required=True,
        description=_l("For example: parents, care providers and the care office of the region."),
    )
    description = TextAreaField(
        _l("What is it about?"),
        description=_l(
            "What you will talk about and what people need to know. You can use Markdown: "
            "*italic*, **bold**, a list with - at the start of a line, and links."
        ),
        validators=[
            Optional(),
            Length(
                max=MAX_SOURCE_LENGTH,
                message=_l("Your text is too long: at most %(max)d characters."),
            ),
        ],
        render_kw={"rows": 6, "maxlength": MAX_SOURCE_LENGTH},
    )

    def __init__(self, *args: Any, is_new: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_new = is_new

    def validate_video_url(self, field: StringField) -> None:
        if field.data and not field.data.lower().startswith(("https://", "http://")):
            raise ValidationError(_l("Write a full link, starting with https://."))

    def validate_ends(self, field: ClockField) -> None:
        start, end = self.starts.time, field.time
        if start is not None and end is not None and end <= start:
            raise ValidationError(_l("The meeting must end after it starts."))

    def validate_day(self, field: DayField) -> None:
        if not self.is_new or field.data is None:
            return
        if self.starts_at is not None and self.starts_at <= utcnow():
            raise ValidationError(_l("Choose a date and time in the future."))

    @property
    def starts_at(self) -> datetime | None:
        return self._moment(self.starts)

    @property
    def ends_at(self) -> datetime | None:
        return self._moment(self.ends)

    def _moment(self, field: ClockField) -> datetime | None:
        if self.day.data is None or field.time is None:
            return None
        return datetime.combine(self.day.data, field.time, tzinfo=LOCAL)

    def validate(self, extra_validators: Any = None) -> bool:
        # The times are read before the date is checked: "in the future" needs both.
        for clock in (self.starts, self.ends):
            try:
                clock.pre_validate(self)
            except ValidationError:
                clock.time = None
        valid = super().validate(extra_validators)
        if not self.location.data and not self.video_url.data and not self.video_url.errors:
            self.location.errors = [_l("Fill in a place or a video link (or both).")]
            return False
        return valid


class ResponseForm(FlaskForm):
    answer = RadioField(
        _l("Are you coming?"),
        choices=options((answer.value, label) for answer, label in ANSWER_LABELS.items()),
        validators=[DataRequired(message=_l("Choose yes, maybe or no."))],
    )


class ProposalForm(FlaskForm):
    """A participant proposes a point for the agenda."""

    title = _text(
        _l("What should be discussed?"),
        max_length=150,
        required=True,
        description=_l("In a few words, for example: waiting lists for respite care."),
    )
    note = TextAreaField(
        _l("Why is it important?"),
        validators=[
            Optional(),
            Length(max=2_000, message=_l("That is too long: at most %(max)d characters.")),
        ],
        render_kw={"rows": 4, "maxlength": 2_000},
    )
    subject = StringField(
        _l("Link to a conversation or action item"),
        description=_l(
            "Paste the address of a conversation or action item of this region, "
            "for example …/onderwerp/12."
        ),
        filters=[strip_text],
        validators=[
            Optional(),
            Length(max=300, message=_l("That is too long: at most %(max)d characters.")),
        ],
    )

    def validate_subject(self, field: StringField) -> None:
        if field.data and self.subject_ref is None:
            raise ValidationError(_l("This is not the address of a conversation or action item."))

    @property
    def subject_ref(self) -> tuple[str, int] | None:
        match = SUBJECT_RE.search((self.subject.data or "").strip().rstrip("/"))
        if match is None:
            return None
        return match.group(1), int(match.group(2))


class PickForm(FlaskForm):
    """The host picks open conversations and action items for the agenda."""

    bottlenecks = MultiCheckboxField(_l("Bottlenecks"), coerce=int)
    practices = MultiCheckboxField(_l("Good practices"), coerce=int)
    others = MultiCheckboxField(_l("Experiences and questions"), coerce=int)
    items = MultiCheckboxField(_l("Action items"), coerce=int)

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        lists = (self.bottlenecks, self.practices, self.others, self.items)
        if not any(chosen.data for chosen in lists):
            self.bottlenecks.errors = [_l("Choose at least one point for the agenda.")]
            return False
        return True


class MinutesForm(FlaskForm):
    minutes = TextAreaField(
        _l("Minutes"),
        description=_l(
            "Who was there (roles, not names), what was discussed and what was decided. "
            "Do not write children's names. You can use Markdown: **bold**, a list with - at "
            "the start of a line, and ## for a heading."
        ),
        validators=[
            DataRequired(message=_l("Write the minutes.")),
            Length(
                max=MAX_SOURCE_LENGTH,
                message=_l("Your text is too long: at most %(max)d characters."),
            ),
        ],
        render_kw={"rows": 14, "maxlength": MAX_SOURCE_LENGTH},
    )


class NewItemDecisionForm(ActionItemForm):
    """A decision that makes a new action item: the action item form, titled as a decision."""


class UpdateDecisionForm(FlaskForm):
    submission_key = HiddenField()
    item = SelectField(_l("Action item"), coerce=int, validate_choice=True)
    decision = TextAreaField(
        _l("What was decided"),
        description=_l("This is added to the action item's timeline, with a link to this meeting."),
        validators=[
            DataRequired(message=_l("Write what was decided.")),
            Length(max=5_000, message=_l("That is too long: at most %(max)d characters.")),
        ],
        render_kw={"rows": 5, "maxlength": 5_000},
    )
