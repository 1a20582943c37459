"""Private parts of :func:`analysis.simulate.simulate_city`.

``geography`` draws the fictional city (districts, schools, catchments),
``population`` the pupils and the enrolment, ``answers`` their answers from
latent constructs, and ``truth`` the expected district means under the model.
"""
