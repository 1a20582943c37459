"""The table behind the overview map, for downloads: one row per district, city, "don't know".

Headers are in the page language. Shares are given in percent, means on the
scale; a hidden group's row says why it has no figure and holds none.
"""

from __future__ import annotations

from flask_babel import gettext as _

from survey_app.planner import bp
from survey_app.services.overview import Overview, Row
from survey_app.services.profile import Profile


def _percent(value, share: bool):
    if value is None:
        return None
    return round(value * 100, 2) if share else round(value, 4)


def overview_table(view: Overview) -> tuple[list[str], list[list], list[str]]:
    """``(headers, rows, notes)`` of the overview's measure."""
    share = view.measure.statistic == "share"
    unit = " (%)" if share else ""
    headers = [_("District code"), _("District"), _("n"), _("Estimate") + unit,
               _("%(level)s interval, lower", level="95 %") + unit,
               _("%(level)s interval, upper", level="95 %") + unit,
               _("Difference from the city") + (_(" (percentage points)") if share else ""),
               _("Adjusted p-value"), _("Significant (adjusted p < 0.05)"),
               _("Small-area estimate") + unit, _("Small-area estimate, root MSE") + unit,
               _("Note")]
    rows = [_line(view, row, share) for row in view.rows]
    for extra in (view.dont_know, view.city):
        if extra is not None:
            rows.append(_line(view, extra, share))
    notes = [
        _("Measure: %(measure)s", measure=view.measure.label),
        _("Wave: %(wave)s; municipality: %(municipality)s", wave=view.wave.name,
          municipality=view.municipality.name),
        _("Computed on %(when)s from %(n)d answered surveys; minimum group size %(k)d; "
          "weighting: %(w)s.", when=view.result_set.computed_at.strftime("%Y-%m-%d %H:%M"),
          n=view.result_set.shown_responses, k=view.threshold,
          w=_("weighted to enrolment") if view.result_set.weighting == "enrolment"
          else _("unweighted")),
        _("Groups with fewer than %(k)d pupils, and groups that would reveal them, are hidden.",
          k=view.threshold),
    ]
    return headers, rows, notes


def _line(view: Overview, row: Row, share: bool) -> list:
    if row.suppressed:
        note = hidden_note(row, view.threshold)
    elif row.no_data:
        note = _("no answers")
    else:
        note = ""
    significant = None
    if row.p_adjusted is not None:
        significant = _("yes") if row.significant else _("no")
    return [row.code or "", row.name, row.n, _percent(row.estimate, share),
            _percent(row.ci_low, share), _percent(row.ci_high, share),
            _percent(row.diff_city, share), None if row.p_adjusted is None
            else round(row.p_adjusted, 4), significant, _percent(row.sae_estimate, share),
            _percent(row.sae_rmse, share), note]


@bp.app_template_global()
def hidden_note(row: Row, threshold: int) -> str:
    """Why a group has no figure: too few pupils, or it would reveal another group."""
    if row.reason == "complementary":
        return _("hidden so that a small group cannot be worked out")
    return _("fewer than %(k)d pupils", k=threshold)


def profile_table(profile: Profile) -> tuple[list[str], list[list], list[str]]:
    """``(headers, rows, notes)`` of a district profile: one row per measure."""
    headers = [_("Area"), _("Measure"), _("Unit"), _("n"), _("Estimate"),
               _("%(level)s interval, lower", level="95 %"),
               _("%(level)s interval, upper", level="95 %"), _("City total"),
               _("Difference from the city"), _("Adjusted p-value"),
               _("Significant (adjusted p < 0.05)"), _("Small-area estimate"),
               _("Change since the previous wave"), _("Previous wave"),
               _("Adjusted p-value of the change"), _("Note")]
    rows = []
    for area, lines in profile.sections:
        for line in lines:
            share = line.measure.statistic == "share"
            row, city = line.district, line.city
            note = hidden_note(row, profile.threshold) if row.suppressed else (
                _("no answers") if row.no_data else "")
            significant = None if row.p_adjusted is None else (
                _("yes") if row.significant else _("no"))
            change = line.change if line.change and line.change.diff is not None else None
            rows.append([area, line.measure.label, "%" if share else _("mean"), row.n,
                         _percent(row.estimate, share), _percent(row.ci_low, share),
                         _percent(row.ci_high, share),
                         _percent(city.estimate, share) if city else None,
                         _percent(row.diff_city, share),
                         None if row.p_adjusted is None else round(row.p_adjusted, 4),
                         significant, _percent(row.sae_estimate, share),
                         _percent(change.diff, share) if change else None,
                         change.wave.name if change else None,
                         round(change.p_adjusted, 4) if change and change.p_adjusted is not None
                         else None, note])
    notes = [_("District: %(district)s (%(municipality)s)", district=profile.district.name,
               municipality=profile.municipality.name),
             _("Groups with fewer than %(k)d pupils, and groups that would reveal them, are "
               "hidden.", k=profile.threshold)]
    notes += [_("%(indicator)s (%(year)d): %(value)s; median of the districts: %(median)s",
                indicator=value.indicator, year=value.year, value=f"{value.value:g}",
                median="–" if value.median is None else f"{value.median:g}")
              for value in profile.indicators]
    return headers, rows, notes
