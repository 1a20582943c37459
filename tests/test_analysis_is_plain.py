"""``analysis`` is a plain library: importing it pulls in no web or database code."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import analysis

FORBIDDEN = ("flask", "flask_sqlalchemy", "flask_migrate", "flask_wtf", "flask_babel",
             "flask_login", "limits", "sqlalchemy", "wtforms", "alembic", "survey_app")


def test_importing_every_analysis_module_imports_no_web_or_database_package():
    modules = [m.name for m in pkgutil.walk_packages(analysis.__path__, "analysis.")]
    assert "analysis.questionnaire" in modules
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    loaded = json.loads(subprocess.run([sys.executable, "-c", script], check=True,
                                       capture_output=True, text=True).stdout)
    offending = [m for m in loaded if m.split(".")[0] in FORBIDDEN]
    assert offending == []
