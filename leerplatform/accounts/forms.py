"""Account forms: input and its validation only."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError

from leerplatform.accounts.models import PARTICIPANT_KIND_LABELS
from leerplatform.accounts.passwords import MAX_LENGTH, password_problem


def options(pairs: Iterable[tuple[str, Any]]) -> list[SelectChoice]:
    """Choices for a select or radio field from (value, label) pairs."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


def email_field(label: Any = None, description: Any = "") -> EmailField:
    return EmailField(
        label or _l("E-mail address"),
        description=description,
        validators=[
            DataRequired(message=_l("Fill in your e-mail address.")),
            Length(max=254, message=_l("This e-mail address is too long.")),
            Email(
                message=_l("Fill in an e-mail address like name@example.nl."),
                check_deliverability=False,
                granular_message=False,
            ),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"},
    )


def new_password_field(label: Any = None) -> PasswordField:
    return PasswordField(
        label or _l("Password"),
        description=_l(
            "At least 10 characters. A short sentence or a few loose words is easy to remember."
        ),
        validators=[DataRequired(message=_l("Choose a password."))],
        render_kw={"autocomplete": "new-password", "maxlength": MAX_LENGTH},
    )


class StrongPasswordMixin:
    """Checks the ``password`` field with the password rules.

    Forms without e-mail or name fields get the account's own through ``account_email``
    and ``account_name``, which the view sets.
    """

    account_email: str = ""
    account_name: str = ""

    def validate_password(self, field: PasswordField) -> None:
        email = getattr(self, "email", None)
        name = getattr(self, "display_name", None)
        problem = password_problem(
            field.data or "",
            email=(email.data or "") if email is not None else self.account_email,
            display_name=(name.data or "") if name is not None else self.account_name,
        )
        if problem:
            raise ValidationError(problem)


class RegisterForm(StrongPasswordMixin, FlaskForm):
    email = email_field(description=_l("We send you a link to confirm it. Nobody else sees it."))
    display_name = StringField(
        _l("Display name"),
        description=_l("Others see this name. A made-up name is fine; you do not need your own."),
        validators=[
            DataRequired(message=_l("Choose a display name.")),
            Length(min=2, max=60, message=_l("Use 2 to 60 characters.")),
        ],
        render_kw={"autocomplete": "nickname"},
    )
    participant_kind = RadioField(
        _l("I take part as"),
        description=_l(
            "This is shown next to your name, so others know from which side you speak."
        ),
        choices=options((kind.value, label) for kind, label in PARTICIPANT_KIND_LABELS.items()),
        validators=[DataRequired(message=_l("Choose how you take part."))],
    )
    municipality = SelectField(
        _l("Your municipality"),
        description=_l("This sets your home region. We do not store your municipality."),
    )
    region = SelectField(
        _l("Or choose your region yourself"),
        description=_l("Only needed if you do not want the region of your municipality."),
        validators=[Optional()],
    )
    password = new_password_field()
    consent = BooleanField(
        _l("I agree that the platform stores and shows what I write, also about health and care."),
        validators=[DataRequired(message=_l("Tick the box to give your consent."))],
    )

    def validate_municipality(self, field: SelectField) -> None:
        if not field.data and not self.region.data:
            raise ValidationError(_l("Choose your municipality, or choose a region below."))


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Fill in your password."))],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Stay logged in on this device"))


class ForgotPasswordForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(StrongPasswordMixin, FlaskForm):
    password = new_password_field(_l("New password"))


class ChangePasswordForm(StrongPasswordMixin, FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Fill in your current password."))],
        render_kw={"autocomplete": "current-password"},
    )
    password = new_password_field(_l("New password"))


class ChangeEmailForm(FlaskForm):
    email = email_field(
        _l("New e-mail address"),
        description=_l("We send a link to the new address. Your old address counts until then."),
    )
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Fill in your current password."))],
        render_kw={"autocomplete": "current-password"},
    )


class HomeRegionForm(FlaskForm):
    region = SelectField(
        _l("Home region"),
        validators=[DataRequired(message=_l("Choose a region."))],
    )


class TwoStepSetupForm(FlaskForm):
    code = StringField(
        _l("Code from the app"),
        description=_l("The 6 digits your app shows now."),
        validators=[
            DataRequired(message=_l("Fill in the 6 digits from the app.")),
            Regexp(r"^\s*\d{3}\s?\d{3}\s*$", message=_l("A code has 6 digits.")),
        ],
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "maxlength": 7,
            "spellcheck": "false",
        },
    )


class TwoStepLoginForm(FlaskForm):
    code = StringField(
        _l("Code"),
        description=_l(
            "The 6 digits from your authenticator app. No phone at hand? "
            "Use one of your recovery codes."
        ),
        validators=[
            DataRequired(message=_l("Fill in the code from your app or a recovery code.")),
            Length(max=40, message=_l("This code is too long.")),
        ],
        render_kw={
            "autocomplete": "one-time-code",
            "spellcheck": "false",
            "autocapitalize": "none",
        },
    )


class TwoStepOffForm(FlaskForm):
    current_password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(message=_l("Fill in your password."))],
        render_kw={"autocomplete": "current-password"},
    )


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
