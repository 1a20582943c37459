"""Admin pages: staff accounts."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from survey_app.admin import bp
from survey_app.admin.forms import UserEditForm, UserForm, role_choices
from survey_app.admin.views_areas import municipality_choices
from survey_app.auth.helpers import actor_id, choices, show_error
from survey_app.extensions import db
from survey_app.models import Region, School, StaffUser
from survey_app.services.errors import InvalidInput
from survey_app.services.staff import create_user, update_user


def _user_form(form_class=UserForm) -> UserForm:
    form = form_class()
    form.role.choices = role_choices()
    form.schools.choices = choices([(s.id, s.name) for s in
                            db.session.scalars(select(School).order_by(School.name))])
    form.municipalities.choices = choices(municipality_choices())
    form.regions.choices = choices([(r.id, r.name) for r in
                                    db.session.scalars(select(Region).order_by(Region.name))])
    return form


@bp.route("/users")
def users():
    """Every staff account."""
    accounts = db.session.scalars(select(StaffUser).order_by(StaffUser.role, StaffUser.email))
    return render_template("staff/admin/users.html", users=list(accounts))


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    """Create an account; the admin passes the first password on in person."""
    form = _user_form()
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            create_user(db.session, actor_id(), form.email.data, form.role.data,
                        form.password.data or "", form.schools.data, form.municipalities.data,
                        form.regions.data)
        except InvalidInput as error:
            db.session.rollback()
            problems = show_error(form, error)
        else:
            db.session.commit()
            flash(_("Account created."), "success")
            return redirect(url_for("admin.users"))
    status = 422 if form.errors or problems else 200
    return render_template("staff/admin/user_form.html", form=form, user=None,
                           problems=problems), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    """Change an account's role, schools, municipalities, state or password."""
    user = db.session.get(StaffUser, user_id) or abort(404)
    form = _user_form(UserEditForm)
    if not form.is_submitted():
        form.role.data, form.active.data = user.role, user.active
        form.schools.data = [s.id for s in user.schools]
        form.municipalities.data = [m.id for m in user.municipalities]
        form.regions.data = [r.id for r in user.regions]
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            update_user(db.session, actor_id(), user, form.role.data, form.active.data,
                        form.schools.data, form.municipalities.data, form.password.data or "",
                        form.regions.data)
        except InvalidInput as error:
            db.session.rollback()
            if error.field == "new_password":
                error.field = "password"
            problems = show_error(form, error)
        else:
            db.session.commit()
            flash(_("Account saved."), "success")
            return redirect(url_for("admin.users"))
    status = 422 if form.errors or problems else 200
    return render_template("staff/admin/user_form.html", form=form, user=user,
                           problems=problems), status
