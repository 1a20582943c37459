"""The records a planner asks for, or 404 if they are not theirs."""

from __future__ import annotations

from flask import abort, current_app, request
from flask_login import current_user

from survey_app.extensions import db
from survey_app.models import Municipality, Region
from survey_app.services.planner_scope import (ReleasedWave, questionnaire_of, released_waves,
                                               visible_municipality_ids, visible_region_ids)


def municipality_or_404(municipality_id: int) -> Municipality:
    """The municipality if the user may see it; 404 otherwise (reveal nothing)."""
    allowed = visible_municipality_ids(current_user)
    municipality = db.session.get(Municipality, municipality_id)
    if municipality is None or (allowed is not None and municipality.id not in allowed):
        abort(404)
    return municipality


def region_or_404(region_id: int) -> Region:
    """The region if the user is assigned to it (admins: any); 404 otherwise."""
    allowed = visible_region_ids(db.session, current_user)
    region = db.session.get(Region, region_id)
    if region is None or (allowed is not None and region.id not in allowed):
        abort(404)
    return region


def chosen_wave(municipality: Municipality) -> tuple[list[ReleasedWave], ReleasedWave | None]:
    """The municipality's released waves and the one chosen by ``?wave=`` (default newest)."""
    waves = released_waves(db.session, municipality)
    wanted = request.args.get("wave", type=int)
    chosen = next((w for w in waves if w.wave.id == wanted), None) if wanted else None
    return waves, chosen or (waves[-1] if waves else None)


def questionnaire_for(released: ReleasedWave | None):
    """The definition the chosen results were computed with (``None`` if not installed)."""
    if released is None:
        return None
    return questionnaire_of(released.result_set, current_app.config.get("QUESTIONNAIRE_DIRS"))
