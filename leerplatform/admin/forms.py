"""Admin forms: regions, municipalities, hosts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from leerplatform.accounts.forms import email_field


class RegionForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(message=_l("Fill in a name.")),
            Length(max=120, message=_l("Use at most 120 characters.")),
        ],
    )
    zorgkantoor = StringField(
        _l("Care office (zorgkantoor)"),
        description=_l("The insurer that holds the concession for this region."),
        validators=[Optional(), Length(max=200, message=_l("Use at most 200 characters."))],
    )
    provinces = StringField(
        _l("Provinces"),
        description=_l("Main province first, separated by a semicolon (;)."),
        validators=[Optional(), Length(max=200, message=_l("Use at most 200 characters."))],
    )
    members_only = BooleanField(
        _l("Members only"),
        description=_l("Only members of the region can read what is written in it."),
    )


class AppointHostForm(FlaskForm):
    email = email_field(
        _l("E-mail address of the new host"),
        description=_l("The person must already have an account with a confirmed address."),
    )


class MunicipalityForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(message=_l("Fill in a name.")),
            Length(max=120, message=_l("Use at most 120 characters.")),
        ],
    )
    cbs_code = StringField(
        _l("CBS code"),
        description=_l("Four digits, for example 0363 for Amsterdam."),
        validators=[
            DataRequired(message=_l("Fill in the CBS code.")),
            Regexp(r"^\d{4}$", message=_l("Use exactly four digits, for example 0363.")),
        ],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    region = SelectField(_l("Region"), validators=[DataRequired(message=_l("Choose a region."))])
