"""Every public function of ``analysis`` documents a runnable example, and it runs.

The examples are the planners' first documentation (numpydoc "Examples"
sections); running them here keeps them true.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil

import pytest

import analysis

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(analysis.__path__, "analysis.")
    if not any(part.startswith("_") for part in m.name.split("."))
)


def _public_functions(module):
    for name, obj in vars(module).items():
        if name.startswith("_") or not inspect.isfunction(obj):
            continue
        if obj.__module__ == module.__name__:
            yield name, obj


@pytest.mark.parametrize("name", MODULES)
def test_public_functions_have_examples_that_pass(name):
    module = importlib.import_module(name)
    missing = [fname for fname, func in _public_functions(module)
               if ">>>" not in (func.__doc__ or "")]
    assert missing == [], f"{name}: public functions without an example: {missing}"
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, name):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} failing example(s) in {name}"


def test_every_public_name_of_the_package_resolves():
    """``from analysis import X`` works for every name the package advertises."""
    for name in analysis.__all__:
        assert getattr(analysis, name) is not None, name
    assert {"fay_herriot", "apply_disclosure_control", "survey_means_by", "score",
            "analyse", "load"} <= set(analysis.__all__)
