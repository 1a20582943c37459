"""A synthetic city with answered surveys, for demos, tests and benchmarks.

:func:`simulate_city` (in :mod:`.city`) draws the city and writes it as the
wide responses, the districts' GeoJSON and the enrolment. Its private parts:
``_geography`` draws the fictional city (districts, schools, catchments),
``_population`` the pupils and the enrolment, ``_latent`` the latent
constructs, ``_answers`` the answers from them, and ``_truth`` the expected
district means under the model.
"""
from .city import FIXED_COLUMNS, SimulatedCity, simulate_city

__all__ = ["FIXED_COLUMNS", "SimulatedCity", "simulate_city"]
