"""Forms of staff sign-in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import InputRequired, Length

from survey_app.input_checks import CheckedForm


class LoginForm(CheckedForm):
    """E-mail address and password."""

    email = EmailField(_l("E-mail address"),
                       validators=[InputRequired(_l("Please enter your e-mail address.")),
                                   Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"),
                             validators=[InputRequired(_l("Please enter your password.")),
                                         Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Log in"))


class LogoutForm(CheckedForm):
    """Logging out is a POST, so that no link or image can log a user out."""

    submit = SubmitField(_l("Log out"))


class PasswordChangeForm(CheckedForm):
    """A staff member changes their own password."""

    current = PasswordField(_l("Current password"), validators=[InputRequired()],
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField(_l("New password (8-64 characters)"), validators=[InputRequired()],
                        render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Change password"))
