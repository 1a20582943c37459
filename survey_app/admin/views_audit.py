"""Admin page: the audit log, filtered by action, person and date."""

from __future__ import annotations

import json

from flask import render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from survey_app.admin import bp
from survey_app.admin.forms import AuditFilterForm
from survey_app.auth.helpers import choices
from survey_app.extensions import db
from survey_app.models import StaffUser
from survey_app.services import audit

PER_PAGE = 50


@bp.route("/audit")
def audit_log():
    """Who did what and when, newest first."""
    form = AuditFilterForm(request.args)
    form.action.choices = choices([("", _("all"))] + [(a, a) for a in audit.actions(db.session)])
    form.user.choices = choices([("", _("everyone"))] + [
        (u.id, u.email) for u in db.session.scalars(select(StaffUser).order_by(StaffUser.email))])
    valid = form.validate()
    page = request.args.get("page", 1, type=int) or 1
    events, total, page = audit.search(
        db.session, action=form.action.data if valid else None,
        user_id=form.user.data if valid else None,
        date_from=form.date_from.data if valid else None,
        date_to=form.date_to.data if valid else None, page=page, per_page=PER_PAGE)
    rows = [(event, json.loads(event.details) if event.details else {}) for event in events]
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("staff/admin/audit.html", form=form, rows=rows, total=total,
                           page=page, pages=max(1, -(-total // PER_PAGE)), args=args)
