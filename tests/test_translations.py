"""Every string a user reads is translatable, and the Dutch catalogue is complete."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask import Flask, session
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "leerplatform" / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
METHODS = [
    ("leerplatform/**.py", "python"),
    ("templates/**.html", "jinja2"),
    ("templates/**.txt", "jinja2"),
]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def scanned(path: str) -> bool:
    # Babel skips folders starting with "_" by default; templates/_macros holds strings too.
    return not Path(path).name.startswith(".") and Path(path).name not in {"instance"}


def source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT),
        METHODS,
        keywords=KEYWORDS,
        options_map={"templates/**": {"extensions": ""}},
        directory_filter=scanned,
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_strings_in_template_macros_are_found() -> None:
    assert "optional" in source_messages()


def test_the_dutch_catalogue_translates_every_string_in_the_code() -> None:
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle, locale="nl")
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in catalogue
        if m.id and all(m.string) and "fuzzy" not in m.flags
    }
    missing = sorted(source_messages() - translated)
    assert not missing, (
        "not (yet) translated into Dutch; run `make update-messages`:\n" + "\n".join(missing)
    )


def test_wtforms_own_messages_follow_the_language_of_each_request(app: Flask) -> None:
    """WTForms' messages come from a catalogue read once per language (not from disk in every
    request, as Flask-WTF does): still Dutch by default and English for an English reader."""

    class Form(FlaskForm):
        class Meta:
            csrf = False

        name = StringField("Naam", validators=[DataRequired()])

    def error(locale: str | None) -> str:
        with app.test_request_context("/", method="POST", data={}):
            if locale:
                session["locale"] = locale
            app.preprocess_request()
            form = Form()
            assert not form.validate()
            return form.name.errors[0]

    assert error(None) == "Dit veld is vereist."
    assert error("en") == "This field is required."
    assert error(None) == "Dit veld is vereist."
