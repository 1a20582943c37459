"""Demo data: a fictional city ("Musterstadt") to try the toolkit on."""
