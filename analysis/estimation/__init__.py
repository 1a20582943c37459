"""Design-based estimation for school surveys: means, shares, weights, comparisons.

Pupils are clustered in schools or classes (the primary sampling units), or are
the sampling units themselves (the census design), optionally in strata, with
weights and a finite population correction; standard errors are
Taylor-linearised exactly as R's ``survey`` package computes them. The three
designs a city runs are built in :mod:`analysis.designs`.
"""
from .design import SurveyDesign, survey_design
from .estimates import survey_means_by, survey_shares_by
from .compare import adjust_pvalues, compare_to_city, compare_waves
from .weights import check_cells, post_stratify, rake

__all__ = ["SurveyDesign", "survey_design", "survey_means_by", "survey_shares_by",
           "check_cells", "post_stratify", "rake",
           "compare_to_city", "compare_waves", "adjust_pvalues"]
