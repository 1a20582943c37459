"""Files in and out: the wide responses, enrolment and estimates; CSV, XLSX, JSON, SPSS.

Reading (:mod:`.reading`) checks a file against the questionnaire and says
what is wrong with file and line; writing (:mod:`.exporting`, with the SPSS
labels in ``_sav``) picks the format from the extension and neutralises
spreadsheet formulas.
"""
from .exporting import FORMATS, neutralise, output_format, write_estimates, write_scores, write_table
from .reading import (RESPONSE_COLUMNS, check_unique_ids, read_enrolment, read_estimates,
                      read_responses)

__all__ = ["FORMATS", "RESPONSE_COLUMNS", "check_unique_ids", "neutralise", "output_format",
           "read_enrolment", "read_estimates", "read_responses", "write_estimates",
           "write_scores", "write_table"]
