"""The demo wave's results, computed and released once, so a planner sees a map at once.

A released wave is frozen; later demo runs keep the released results as they are.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from survey_app.models import ResultSet, Wave
from survey_app.services import results


def ensure_demo_results(session: Session, wave: Wave, questionnaire,
                        min_group_size: int) -> ResultSet | None:
    """Compute and release the wave's results unless released ones exist; ``None`` then."""
    if results.released(session, wave.id) is not None:
        return None
    stored = results.compute_results(session, wave, questionnaire,
                                     min_group_size=min_group_size)
    return results.release_results(session, None, stored)
