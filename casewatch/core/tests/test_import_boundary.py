"""The data plane stays Django-free, and its modules import on their own (no import cycles)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ANALYTICS = Path(__file__).resolve().parents[2] / "analytics"
#: what the data plane may import from the project: itself and the demo generator (Django-free too)
ALLOWED_PROJECT = ("casewatch.analytics", "casewatch.demo")
#: control-plane modules that are themselves Django-free and that the data plane reads today
#: (the fresh-import test below proves they load no Django); better moved into analytics
DJANGO_FREE_HELPERS = ("casewatch.cases.casenumber",)


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(ANALYTICS.parent.parent).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: resolve against the file's package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            yield node.lineno, module


def _names(path: Path, line: int) -> set[str]:
    """The names a ``from X import a, b`` on that line imports."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.lineno == line:
            return {a.name for a in node.names}
    return set()


def _modules():
    return sorted(p for p in ANALYTICS.rglob("*.py") if "tests" not in p.relative_to(ANALYTICS).parts)


def test_analytics_never_imports_django_or_the_control_plane():
    offending = []
    for path in _modules():
        for line, module in _imports(path):
            top = module.split(".")[0]
            if top == "django" or top in ("ninja", "pytest_django"):
                offending.append(f"{path.relative_to(ANALYTICS)}:{line} imports {module}")
            elif (
                top == "casewatch"
                and not module.startswith(ALLOWED_PROJECT)
                and module not in DJANGO_FREE_HELPERS
                and not (module == "casewatch.cases" and _names(path, line) <= {"casenumber"})
            ):
                offending.append(f"{path.relative_to(ANALYTICS)}:{line} imports {module}")
    assert not offending, "\n".join(offending)


FRESH = """
import importlib, sys, traceback
failed = []
for name in sys.argv[1:]:
    for key in [k for k in sys.modules if k == "casewatch" or k.startswith("casewatch.")]:
        del sys.modules[key]
    try:
        importlib.import_module(name)
    except Exception:
        failed.append(name + ": " + traceback.format_exc(limit=3))
    if "django" in sys.modules:
        failed.append(name + ": imported django")
        break
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


def test_each_analytics_module_imports_fresh():
    """Each module imported first, with no project module loaded (an import cycle shows up as an
    ImportError), and Django never loaded. One interpreter; project modules dropped between."""
    modules = [
        ".".join(p.relative_to(ANALYTICS.parent.parent).with_suffix("").parts).removesuffix(".__init__")
        for p in _modules()
        if p.name != "__main__.py"
    ]
    result = subprocess.run(
        [sys.executable, "-c", FRESH, *modules], capture_output=True, text=True, timeout=240
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
