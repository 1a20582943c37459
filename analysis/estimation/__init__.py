"""Design-based estimation for school surveys: means, shares, weights, comparisons.

Pupils are clustered in schools (the primary sampling units), optionally in
strata and with weights; standard errors are Taylor-linearised exactly as R's
``survey`` package computes them.
"""
from .design import SurveyDesign, survey_design
from .estimates import survey_means_by, survey_shares_by
from .compare import adjust_pvalues, compare_to_city, compare_waves
from .weights import check_cells, post_stratify, rake

__all__ = ["SurveyDesign", "survey_design", "survey_means_by", "survey_shares_by",
           "check_cells", "post_stratify", "rake",
           "compare_to_city", "compare_waves", "adjust_pvalues"]
