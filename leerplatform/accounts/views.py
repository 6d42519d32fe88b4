"""Registering, verifying, logging in and out, passwords and e-mail addresses."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from leerplatform.accounts import services, two_step
from leerplatform.accounts.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    ConfirmForm,
    ForgotPasswordForm,
    HomeRegionForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    TwoStepLoginForm,
    TwoStepOffForm,
    TwoStepSetupForm,
    options,
)
from leerplatform.accounts.navigation import safe_next
from leerplatform.accounts.passwords import verify_password
from leerplatform.accounts.tokens import RESET_SALT, VERIFY_SALT, TokenError, load_token
from leerplatform.extensions import db
from leerplatform.regions.services import (
    municipality_choices,
    region_by_code,
    region_choices,
    region_for_municipality,
    set_home_region,
)

bp = Blueprint("accounts", __name__)

EMPTY_CHOICE = ("", "")
SETUP_NONCE_KEY = "two_step_setup"


def _start_session(user: services.User, *, remember: bool) -> None:
    """Log in with a fresh session (no fixation), keeping only the language choice."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    login_user(user, remember=remember)


@bp.route("/registreren", methods=["GET", "POST"])
def register() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = RegisterForm()
    form.municipality.choices = options(
        [("", _("Choose your municipality")), *municipality_choices()]
    )
    form.region.choices = options([("", _("Region of my municipality")), *region_choices()])
    if form.validate_on_submit():
        region = (
            region_by_code(form.region.data)
            if form.region.data
            else region_for_municipality(form.municipality.data)
        )
        if region is None:
            abort(400)
        services.register_user(
            email=form.email.data,
            password=form.password.data,
            display_name=form.display_name.data,
            participant_kind=form.participant_kind.data,
            home_region=region,
        )
        db.session.commit()
        session["check_email"] = services.normalize_email(form.email.data)
        return redirect(url_for("accounts.check_email"))
    return render_template("accounts/register.html", form=form)


@bp.route("/controleer-je-mail")
def check_email() -> str:
    return render_template("accounts/check_email.html", email=session.get("check_email"))


@bp.route("/bevestigen/<token>", methods=["GET", "POST"])
def verify_email(token: str) -> str | Response:
    """GET shows a button, POST confirms: mail scanners that open links change nothing."""
    form = ConfirmForm()
    try:
        load_token(token, salt=VERIFY_SALT, max_age=current_app.config["EMAIL_TOKEN_MAX_AGE"])
        if form.validate_on_submit():
            user = services.verify_email(token=token)
            db.session.commit()
            flash(_("Thank you, your e-mail address %(email)s is confirmed.", email=user.email))
            if current_user.is_authenticated:
                return redirect(url_for("pages.home"))
            return redirect(url_for("accounts.login", email=user.email))
    except TokenError as error:
        return render_template("accounts/link_problem.html", reason=error.reason), 400
    return render_template("accounts/verify_email.html", form=form)


@bp.post("/bevestigingsmail")
@login_required
def resend_verification() -> Response:
    form = ConfirmForm()
    if form.validate_on_submit() and not current_user.is_verified:
        services.send_verification(user=current_user, email=current_user.email)
        db.session.commit()
        flash(_("We sent a new link to %(email)s.", email=current_user.email))
    return redirect(url_for("accounts.my_account"))


@bp.route("/inloggen", methods=["GET", "POST"])
def login() -> str | Response:
    target = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(target or url_for("pages.home"))
    form = LoginForm()
    if request.method == "GET" and request.args.get("email"):
        form.email.data = request.args["email"]
    if form.validate_on_submit():
        user = services.authenticate(email=form.email.data, password=form.password.data)
        if user is None:
            form.password.errors.append(_("The e-mail address or the password is not right."))
        else:
            db.session.commit()
            if user.has_two_step:
                # Not logged in yet: the code step finishes the login (a redirect, so the
                # wrong-password brake counts this as a right password).
                two_step.mark_pending(session, user, remember=form.remember.data, target=target)
                return redirect(url_for("accounts.login_code"))
            return _finish_login(user, remember=form.remember.data, target=target)
    return render_template("accounts/login.html", form=form, next=target)


def _finish_login(user: services.User, *, remember: bool, target: str | None) -> Response:
    _start_session(user, remember=remember)
    if not user.is_verified:
        flash(_("Confirm your e-mail address with the link we sent you, to take part."))
    return redirect(target or url_for("pages.home"))


@bp.route("/inloggen/code", methods=["GET", "POST"])
def login_code() -> str | Response:
    """The second step: a code from the app or a recovery code, within five minutes."""
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    user = two_step.pending_user(session)
    if user is None:
        session.pop(two_step.PENDING_KEY, None)
        flash(_("Log in again. The step with the code lasts at most 5 minutes."), "warning")
        return redirect(url_for("accounts.login"))
    form = TwoStepLoginForm()
    if form.validate_on_submit():
        if two_step.check_login_code(user=user, code=form.code.data):
            db.session.commit()
            marker = session[two_step.PENDING_KEY]
            return _finish_login(
                user, remember=bool(marker.get("remember")), target=safe_next(marker.get("next"))
            )
        form.code.errors.append(_("This code is not right. Use the newest code from your app."))
    return render_template("accounts/login_code.html", form=form)


@bp.post("/uitloggen")
def logout() -> Response:
    form = ConfirmForm()
    if form.validate_on_submit():
        logout_user()
        locale = session.get("locale")
        session.clear()
        if locale:
            session["locale"] = locale
        flash(_("You are logged out."))
    return redirect(url_for("pages.home"))


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
def forgot_password() -> str | Response:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(email=form.email.data)
        db.session.commit()
        session["check_email"] = services.normalize_email(form.email.data)
        return redirect(url_for("accounts.check_email", reden="wachtwoord"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/wachtwoord-herstellen/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> str | Response:
    try:
        load_token(token, salt=RESET_SALT, max_age=current_app.config["RESET_TOKEN_MAX_AGE"])
        user = services.user_for_reset_token(token)
    except TokenError as error:
        return render_template("accounts/link_problem.html", reason=error.reason), 400
    form = ResetPasswordForm()
    form.account_email, form.account_name = user.email, user.display_name
    if form.validate_on_submit():
        services.reset_password(token=token, password=form.password.data)
        db.session.commit()
        if user.has_two_step:
            # A link in a mailbox is one factor: the code from the phone is still needed.
            two_step.mark_pending(session, user, remember=False, target=None)
            flash(_("Your new password is saved. You are logged in."))
            return redirect(url_for("accounts.login_code"))
        _start_session(user, remember=False)
        flash(_("Your new password is saved. You are logged in."))
        return redirect(url_for("pages.home"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/mijn-gegevens")
@login_required
def my_account() -> str:
    return render_template("accounts/my_account.html", form=ConfirmForm())


@bp.route("/mijn-gegevens/tweestaps", methods=["GET", "POST"])
@login_required
def two_step_setup() -> str | Response:
    """Set up: show a secret, confirm it with a code, then show the recovery codes once."""
    if current_user.has_two_step:
        return _render_two_step_on(TwoStepOffForm())
    target = safe_next(request.args.get("next"))
    nonce = session.setdefault(SETUP_NONCE_KEY, two_step.new_nonce())
    secret = two_step.setup_secret(current_user, nonce)
    form = TwoStepSetupForm()
    if form.validate_on_submit():
        codes = two_step.enable_two_step(user=current_user, secret=secret, code=form.code.data)
        if codes is None:
            form.code.errors.append(
                _("This code is not right. Check the time on your phone and try the newest code.")
            )
        else:
            db.session.commit()
            session.pop(SETUP_NONCE_KEY, None)
            # Shown in the answer to the POST, not after a redirect: only hashes are stored,
            # so the codes exist nowhere else, and this page is never cached.
            page = render_template("accounts/recovery_codes.html", codes=codes, next=target)
            response = make_response(page)
            response.headers["Cache-Control"] = "no-store"
            return response
    uri = two_step.provisioning_uri(secret, current_user.email)
    return render_template(
        "accounts/two_step_setup.html",
        form=form,
        secret=two_step.grouped(secret),
        uri=uri,
        qr=two_step.qr_data_uri(uri),
        next=target,
    )


@bp.post("/mijn-gegevens/tweestaps/uitzetten")
@login_required
def two_step_off() -> str | Response:
    form = TwoStepOffForm()
    if not current_user.has_two_step:
        return redirect(url_for("accounts.two_step_setup"))
    if form.validate_on_submit():
        if verify_password(current_user.password_hash, form.current_password.data):
            two_step.disable_two_step(user=current_user)
            db.session.commit()
            flash(_("Two-step verification is off. You log in with your password only."))
            return redirect(url_for("accounts.my_account"))
        form.current_password.errors.append(_("This is not your password."))
    return _render_two_step_on(form)


def _render_two_step_on(form: TwoStepOffForm) -> str:
    return render_template(
        "accounts/two_step_on.html",
        form=form,
        unused_codes=two_step.unused_recovery_code_count(current_user),
    )


@bp.route("/mijn-gegevens/wachtwoord", methods=["GET", "POST"])
@login_required
def change_password() -> str | Response:
    form = ChangePasswordForm()
    form.account_email = current_user.email
    form.account_name = current_user.display_name
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("This is not your current password."))
        else:
            services.set_password(user=current_user, password=form.password.data)
            db.session.commit()
            _start_session(current_user, remember=False)
            flash(_("Your new password is saved. Other devices are logged out."))
            return redirect(url_for("accounts.my_account"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/mijn-gegevens/e-mailadres", methods=["GET", "POST"])
@login_required
def change_email() -> str | Response:
    form = ChangeEmailForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("This is not your current password."))
        elif services.normalize_email(form.email.data) == current_user.email:
            form.email.errors.append(_("This is already your e-mail address."))
        else:
            services.request_email_change(user=current_user, new_email=form.email.data)
            db.session.commit()
            flash(
                _(
                    "We sent a link to %(email)s. Your address changes when you open it.",
                    email=services.normalize_email(form.email.data),
                )
            )
            return redirect(url_for("accounts.my_account"))
    return render_template("accounts/change_email.html", form=form)


@bp.route("/mijn-gegevens/thuisregio", methods=["GET", "POST"])
@login_required
def change_home_region() -> str | Response:
    form = HomeRegionForm()
    form.region.choices = options([EMPTY_CHOICE, *region_choices()])
    if request.method == "GET" and current_user.home_region is not None:
        form.region.data = current_user.home_region.code
    if form.validate_on_submit():
        region = region_by_code(form.region.data)
        if region is None:
            abort(400)
        set_home_region(user=current_user, region=region)
        db.session.commit()
        flash(_("Your home region is now %(name)s.", name=region.name))
        return redirect(url_for("accounts.my_account"))
    return render_template("accounts/change_home_region.html", form=form)
