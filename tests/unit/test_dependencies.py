"""Every library the package imports is one it declares, or one that a library it declares
requires (Flask brings Werkzeug and Click): `pip install .` on a fresh machine gets what the
app runs. The suite's own environment has more, so a missing declaration would pass every
other test (pydantic once came only with the dev extras' supabase)."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions, requires
from pathlib import Path

import emotionpix

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = Path(emotionpix.__file__).resolve().parent
# Imported only where the matching extra is installed (EMOTIONPIX_DATABASE_URL=postgresql…,
# EMOTIONPIX_CACHE_URL=redis://…, EMOTIONPIX_AUTH_BACKEND=supabase): declared as extras.
EXTRAS = {"postgres", "redis", "supabase"}


def _name(requirement: str) -> str:
    found = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert found, requirement
    return found.group(0).lower().replace("_", "-")


def declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {_name(r) for r in project["dependencies"]}
    for extra in EXTRAS:
        names |= {_name(r) for r in project["optional-dependencies"][extra]}
    return names


def provided() -> set[str]:
    """The declared distributions and what each of them requires in turn."""
    names = declared()
    for name in list(names):
        names |= {_name(r) for r in requires(name) or [] if "extra ==" not in r}
    return names


def imported() -> set[str]:
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    found = {name for name in found if not name.startswith("_")}  # _typeshed: types only
    return found - set(sys.stdlib_module_names) - {"emotionpix"}


def test_every_imported_library_is_declared():
    distributions = packages_distributions()
    missing = {}
    for module in sorted(imported()):
        names = {d.lower().replace("_", "-") for d in distributions.get(module, [module])}
        if not names & provided():
            missing[module] = sorted(names)
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"
