"""Scale scores, categories, indices and assets, exactly as the definition says.

:func:`score` appends them to the responses; :func:`recode_items` gives the
recoded item answers (reverse coding, *prefer not to say* and answers to hidden
items missing). The recoding lives in ``_recode`` (with ``_values`` and
``_conditions``) and is the one pass that scoring, reliability and
``recode_items`` share.
"""
from ._recode import recode_items
from .scores import CATEGORY_ORDER, score

__all__ = ["CATEGORY_ORDER", "recode_items", "score"]
