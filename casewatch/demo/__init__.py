"""The demo city: a synthetic Ningbo-like case population with a ground truth of planted problems.

Django-free. ``generate()`` writes one file per canonical table plus ``ground_truth.csv`` and
``manifest.json``; see ``docs/demo-city.md``. Command line: ``python -m casewatch.demo.generator``.
"""

__all__ = ["generate"]


def __getattr__(name):
    # Lazy, so that ``python -m casewatch.demo.generator`` does not import the module twice.
    if name == "generate":
        from casewatch.demo.generator import generate

        return generate
    raise AttributeError(name)
