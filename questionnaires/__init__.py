"""The shipped questionnaire definitions (YAML data, installed with the toolkit).

Only data lives here; the loader is :func:`analysis.questionnaire.load`.
"""

from pathlib import Path

#: Folder holding the shipped ``*.yaml`` definitions.
DIRECTORY = Path(__file__).resolve().parent

#: The instrument a new installation (and ``wellbeing demo``) uses.
SHIPPED = DIRECTORY / "kinderwelten.yaml"
