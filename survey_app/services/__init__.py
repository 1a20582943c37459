"""Service functions shared by several blueprints.

Services take plain arguments (never the request), change objects and flush;
the request (or CLI command) commits once.
"""
