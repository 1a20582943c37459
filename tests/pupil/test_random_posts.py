"""Property: whatever a client posts to a questionnaire page, the answer is never a 5xx."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.pupil.helpers import Pupil, hidden_fields

FIELDS = ["q_grade", "q_gender", "q_district", "q_happy_1", "q_happy_3", "q_club",
          "q_club_name", "q_sad_2", "action", "page_id", "response_token", "csrf_token"]
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
VALUES = st.one_of(
    TEXT,
    st.integers(-10**30, 10**30).map(str),
    st.sampled_from(["1", "2", "3", "4", "99", "0", "dont_know", "next", "back", "save",
                     "submit", "pause", "lang:ar", "lang:xx", "clear:grade", "clear:",
                     "about_you", "feelings", "1", "2", "\x00", "%00", "' OR 1=1 --"]),
)
BODIES = st.dictionaries(st.one_of(st.sampled_from(FIELDS), TEXT.filter(bool)),
                         st.one_of(VALUES, st.lists(VALUES, min_size=2, max_size=3)),
                         max_size=12)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=BODIES, page=st.sampled_from([1, 2, 0, 3, 10**12]),
       keep_envelope=st.booleans())
def test_random_form_bodies_never_cause_a_server_error(app, city, body, page, keep_envelope):
    pupil = Pupil(app.test_client())
    pupil.begin(city.codes[0])
    data = hidden_fields(pupil.client.get("/survey/page/1").text) if keep_envelope else {}
    data.update(body)
    result = pupil.client.post(f"/survey/page/{page}", data=data)
    assert result.status_code < 500, result.text
