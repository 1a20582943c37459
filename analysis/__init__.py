"""Statistics for child-wellbeing surveys: scoring, reliability, district estimates.

A plain library (numpy, pandas, scipy, statsmodels): DataFrames and the
questionnaire definition go in, DataFrames come out. It never imports the web
app, Flask or SQLAlchemy, so a planner can use it from a notebook.
"""
