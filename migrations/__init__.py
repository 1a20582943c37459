"""Alembic migrations (Flask-Migrate). Shipped with the toolkit so ``wellbeing db upgrade`` works when installed."""
