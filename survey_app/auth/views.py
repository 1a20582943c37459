"""Login, logout and the staff home page."""

from __future__ import annotations

import hashlib

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from survey_app.auth import bp
from survey_app.auth.forms import LoginForm, LogoutForm, PasswordChangeForm
from survey_app.auth.session import end_session, start_session
from survey_app.backoff import Backoff, retry_after
from survey_app.extensions import client_key, db
from survey_app.services import audit
from survey_app.services.errors import InvalidInput
from survey_app.services.staff import authenticate, change_own_password

HOME = {"admin": "admin.index", "coordinator": "school.index", "planner": "auth.home"}


#: Failed logins per client address, and per account tried (from anywhere); once a
#: budget is spent, one try per slot (per client; per account and client), so the
#: owner of an attacked account still gets in. Only failures count; a successful
#: login resets its account's count.
CLIENT_BACKOFF = Backoff("login-client", "STAFF_LOGIN_LIMIT", "STAFF_LOGIN_RETRY")
ACCOUNT_BACKOFF = Backoff("login-account", "STAFF_ACCOUNT_LOGIN_LIMIT",
                          "STAFF_ACCOUNT_LOGIN_RETRY")


def _account_key() -> str:
    """Rate-limit key per account tried, so many addresses cannot share one guess budget."""
    email = (request.form.get("email") or "").strip().lower().encode()
    secret = current_app.config["SECRET_KEY"].encode()
    return "login:" + hashlib.blake2b(email, key=secret[:64], digest_size=16).hexdigest()


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Staff login; a successful login starts a brand-new session."""
    if current_user.is_authenticated:
        return redirect(url_for(HOME[current_user.role]))
    form = LoginForm()
    if form.validate_on_submit():
        client, account = client_key(), _account_key()
        wait = (CLIENT_BACKOFF.admit(client)
                or ACCOUNT_BACKOFF.admit(account, slot_key=f"{account}:{client}"))
        if wait:
            form.password.errors.append(_(
                "Too many failed logins. Please wait %(seconds)s seconds and try again.",
                seconds=retry_after(wait)))
            return (render_template("staff/login.html", form=form), 429,
                    {"Retry-After": retry_after(wait)})
        user = authenticate(db.session, form.email.data, form.password.data)
        if user is None:
            CLIENT_BACKOFF.failed(client)
            ACCOUNT_BACKOFF.failed(account)
            db.session.commit()  # keeps the audit event of the failed attempt
            form.password.errors.append(_("E-mail address or password is wrong, "
                                          "or the account is deactivated."))
            return render_template("staff/login.html", form=form)
        ACCOUNT_BACKOFF.reset(account)
        start_session(user)
        db.session.commit()
        return redirect(url_for(HOME[user.role]))
    return render_template("staff/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """End the session on the server too: the old cookie is worthless afterwards."""
    if LogoutForm().validate_on_submit():
        user = current_user._get_current_object()
        audit.record(db.session, user.id, "auth.logout", user)
        end_session(user)
        db.session.commit()
        flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/")
@login_required
def home():
    """The landing page of each role (planners: the overview of their newest results)."""
    if current_user.role == "planner":
        return redirect(url_for("planner.index"))
    return redirect(url_for(HOME[current_user.role]))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    """Change one's own password; other sessions of the account end."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            change_own_password(db.session, user, form.current.data, form.new.data)
        except InvalidInput as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(error.message)
            return render_template("staff/password.html", form=form)
        start_session(user)  # new token: sessions elsewhere end, this one goes on
        db.session.commit()
        flash(_("Your password has been changed."), "success")
        return redirect(url_for("auth.home"))
    return render_template("staff/password.html", form=form)
