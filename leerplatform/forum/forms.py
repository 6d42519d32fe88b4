"""Forum forms: input and its validation only."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from leerplatform.accounts.forms import options
from leerplatform.forum.models import THEME_LABELS, THREAD_KIND_LABELS
from leerplatform.text import MAX_SOURCE_LENGTH

TITLE_MIN, TITLE_MAX = 5, 150


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes: easier on a phone than a multiple select."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def body_field(label: Any = None) -> TextAreaField:
    return TextAreaField(
        label or _l("Your message"),
        description=_l(
            "You can use Markdown: *italic*, **bold**, a list with - at the start of a line, "
            "and links."
        ),
        validators=[
            DataRequired(message=_l("Write your message.")),
            Length(
                max=MAX_SOURCE_LENGTH,
                message=_l("Your message is too long: at most %(max)d characters."),
            ),
        ],
        render_kw={"rows": 8, "maxlength": MAX_SOURCE_LENGTH},
    )


def strip_text(value: str | None) -> str | None:
    """Spaces around a title are not part of it: "   Hoi   " is three characters."""
    return value.strip() if isinstance(value, str) else value


def title_field() -> StringField:
    return StringField(
        _l("Title"),
        filters=[strip_text],
        description=_l("Say in a few words what it is about."),
        validators=[
            DataRequired(message=_l("Write a title.")),
            Length(
                min=TITLE_MIN,
                max=TITLE_MAX,
                message=_l("Use %(min)d to %(max)d characters."),
            ),
        ],
        render_kw={"maxlength": TITLE_MAX},
    )


class PostingForm(FlaskForm):
    """A form that writes a post: sending it twice makes one post."""

    submission_key = HiddenField()

    def wants_preview(self, form_data: Any) -> bool:
        return form_data.get("action") == "preview"


class ThreadForm(PostingForm):
    title = title_field()
    kind = RadioField(
        _l("What kind of message is it?"),
        choices=options((kind.value, label) for kind, label in THREAD_KIND_LABELS.items()),
        validators=[DataRequired(message=_l("Choose what kind of message it is."))],
    )
    themes = MultiCheckboxField(
        _l("Themes"),
        description=_l("Choose one or more."),
        choices=options((theme.value, label) for theme, label in THEME_LABELS.items()),
    )
    place = SelectField(
        _l("Is it about a place from the directory?"),
        description=_l("Then parents who look up that place find your story too."),
        coerce=int,
        default=0,
    )
    body = body_field()

    def validate_themes(self, field: MultiCheckboxField) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one theme."))


class ReplyForm(PostingForm):
    body = body_field(_l("Your reply"))


def host_reason_field() -> TextAreaField:
    return TextAreaField(
        _l("Why do you change this message?"),
        description=_l("You change someone else's words as a host. The reason goes into the log."),
        validators=[Length(max=2_000, message=_l("That is too long: at most %(max)d characters."))],
        render_kw={"rows": 2, "maxlength": 2_000},
    )


class EditPostForm(FlaskForm):
    body = body_field()
    reason = host_reason_field()


class EditOpeningPostForm(FlaskForm):
    title = title_field()
    body = body_field()
    reason = host_reason_field()


class RegionSettingsForm(FlaskForm):
    members_only = BooleanField(
        _l("Members only"),
        description=_l(
            "Only members of the region read and write here. Others see the name and how to join."
        ),
    )
