"""Reliability stored with the results and printed in the wave report's appendix (issue 9,
item 1): every scale's alpha and omega, overall and per language, from the same answers as
the estimates, with the analysis library's functions; no language below the threshold."""

from __future__ import annotations

import io
import json

import numpy as np
from flask_babel import force_locale, format_decimal
from pypdf import PdfReader
from sqlalchemy import select

from analysis import scale_reliability
from analysis.questionnaire import load
from questionnaires import SHIPPED
from survey_app.extensions import db
from survey_app.models import ResultSet, Wave
from survey_app.reports.appendix import language_name
from survey_app.services.frames import responses_frame
from survey_app.services.results_reliability import stored_reliability
from tests.reports.conftest import THRESHOLD, assert_accessible_pdf, planner_client


def _expected(app, stored):
    with app.app_context():
        wave = db.session.get(Wave, stored.wave_id)
        questionnaire = load(SHIPPED)
        frame = responses_frame(db.session, wave, questionnaire, keys=True)
        return scale_reliability(frame, questionnaire, by="language", min_n=THRESHOLD,
                                 errors="coerce").scales


def test_reliability_is_computed_with_the_results_from_the_same_answers(app, stored):
    expected = _expected(app, stored)
    with app.app_context():
        result_set = db.session.scalar(select(ResultSet).where(
            ResultSet.wave_id == stored.wave_id, ResultSet.state == "released"))
        raw = json.loads(result_set.reliability)
        kept = {s.scale: s for s in stored_reliability(result_set)}
    assert raw["by"] == "language" and raw["min_group_size"] == THRESHOLD
    assert set(kept) == {s.id for s in load(SHIPPED).scales}
    hidden_somewhere = False
    for scale, groups in expected.groupby("scale"):
        shown = {g.group: g for g in kept[scale].groups}
        for row in groups.itertuples():
            key = "all" if row.group_var == "all" else row.group
            if row.suppressed:  # below the threshold: not stored, not even its name
                hidden_somewhere = True
                assert key not in shown
                continue
            got = shown[key]
            np.testing.assert_allclose(got.alpha, row.alpha, rtol=1e-5)
            if np.isnan(row.omega_total):
                assert got.omega is None
            else:
                np.testing.assert_allclose(got.omega, row.omega_total, rtol=1e-5)
            # the number of pupils only for the whole wave: a language's would let the
            # size of a hidden language be worked out by subtraction
            assert (got.n is not None) == (key == "all")
        assert kept[scale].groups[0].group == "all"
    assert hidden_somewhere, "the demo has a language below the threshold"


def test_the_appendix_prints_alpha_and_omega_per_shown_language(app, stored):
    expected = _expected(app, stored)
    overall = expected[expected["group_var"] == "all"].set_index("scale")
    languages = expected[expected["group_var"] == "language"]
    shown = set(languages[~languages["suppressed"]]["group"])
    hidden = set(languages["group"]) - shown
    assert shown and hidden
    for lang in ("de", "en"):
        data = planner_client(app).get(
            f"/planner/waves/{stored.wave_id}/municipalities/{stored.municipality_id}/"
            f"report-{lang}.pdf").data
        assert_accessible_pdf(data, lang, "Musterstadt")
        pages = [p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages]
        start = next(i for i, p in enumerate(pages) if
                     ("Cronbachs Alpha" if lang == "de" else "Cronbach's alpha") in p
                     and ("Anhang" if lang == "de" else "Appendix") in p)
        appendix = "\n".join(pages[start:])
        with app.test_request_context(), force_locale(lang):
            for scale, row in overall.iterrows():
                assert format_decimal(row["alpha"], "#,##0.00") in appendix, scale
            for code in shown:
                assert language_name(code, lang) in appendix
            for code in hidden:
                assert language_name(code, lang) not in appendix
        # the item wording follows the table
        assert load(SHIPPED).scales[0].items[0] in appendix


def test_a_region_of_separate_waves_prints_no_one_waves_reliability(app, stored):
    """A region report whose municipalities answered in separate waves must not label one
    wave's reliability as the region's: the appendix lists the items and says where the
    reliability is."""
    from flask import render_template_string

    from survey_app.reports.appendix import scale_appendix

    questionnaire = load(SHIPPED)
    with app.app_context():
        result_set = db.session.scalar(select(ResultSet).where(
            ResultSet.wave_id == stored.wave_id, ResultSet.state == "released"))
        measured = scale_appendix(db.session, result_set, questionnaire, "en")
        items_only = scale_appendix(db.session, None, questionnaire, "en")
        assert any(s.reliability for s in measured)
        assert [s.items for s in items_only] == [s.items for s in measured]
        assert not any(s.reliability for s in items_only)
        page = '{% from "reports/_wave_macros.html" import appendix %}{{ appendix(s, **k) }}'
        with app.test_request_context(), force_locale("de"):
            html = render_template_string(page, s=items_only, k={"separate_waves": True})
            one = render_template_string(page, s=measured, k={})
    assert "getrennten Befragungswellen" in html and "Cronbach" not in html
    assert "Cronbach" in one and "getrennten" not in one
