"""The package's dependency arrows run one way (docs/architecture.md): a walk over every
import in the source keeps them so."""

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import emotionpix

PACKAGE = Path(emotionpix.__file__).resolve().parent
TRAINING = Path(__file__).resolve().parents[2] / "training" / "emotionpix_training"

# What each part of the package may import from the others. The root package (create_app)
# wires everything; _version is a leaf anyone may read.
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "config": {"core", "providers"},  # the Setting type; the providers' own settings
    "db": {"breaker"},  # the deadline guard's circuit breaker
    "breaker": set(),
    "server": set(),
    "migrations": {"db", "cache", "auth", "rooms", "wiring"},
    "emotion": {"core"},
    "providers": {"core", "breaker"},
    "cache": {"core", "db", "breaker"},
    "errors": {"core", "emotion", "cache"},
    "recommend": {"core", "providers", "cache", "taste"},
    "taste": {"core"},  # a viewer's taste, its re-ranking, "more like this"
    "rooms": {"core", "db"},  # movie-night rooms: the store and the group's films
    "wiring": {"core", "config", "db", "cache", "emotion", "providers", "recommend"},
    "protection": set(),
    "auth": {"core", "db", "errors", "config", "protection", "wiring"},
    "web": {
        "core",
        "db",
        "errors",
        "emotion",
        "recommend",
        "rooms",
        "taste",
        "wiring",
        "auth",
        "protection",
    },
    "cli": {
        "__init__",
        "auth",
        "cache",
        "config",
        "core",
        "db",
        "emotion",
        "errors",
        "migrations",
        "server",
        "wiring",
    },
    "__init__": {"config", "errors", "migrations", "wiring", "web", "auth", "protection"},
    "__main__": {"cli"},
}
# The parts that must know nothing of HTTP or Flask, and the account modules likewise (the
# backends, personal data, the session ledger, mail): only ``auth.session``, ``auth.views``
# and ``auth.setup`` are the web side of accounts.
NO_WEB = {"core", "emotion", "providers", "cache", "recommend", "rooms", "taste", "db", "breaker"}
AUTH_WEB_SIDE = {"session", "views", "setup"}
WEB_MODULES = ("flask", "werkzeug", "jinja2", "flask_limiter", "flask_wtf", "flask_babel")


def part_of(path: Path) -> str:
    """The part a source file belongs to: its top-level module or subpackage."""
    first = path.relative_to(PACKAGE).parts[0]
    return first.removesuffix(".py")


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth (imports inside functions count too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{path}: use absolute imports"
            found.add(node.module)
            # "from emotionpix import db" imports the module emotionpix.db
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def target_part(module: str) -> str | None:
    """The part of the package ``module`` names; None outside the package."""
    names = module.split(".")
    if names[0] != "emotionpix":
        return None
    if len(names) == 1:
        return "__init__"
    head = names[1]
    if (PACKAGE / head).is_dir() or (PACKAGE / f"{head}.py").is_file():
        return head
    return None  # a name imported from the root package, counted as "__init__" above


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_every_part_is_known():
    assert {part_of(path) for path in SOURCES} - {"_version"} == set(ALLOWED)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_follow_the_arrows(path):
    part = part_of(path)
    allowed = ALLOWED.get(part, set()) | {part, "_version"}
    modules = imported_modules(path)
    wrong = {m for m in modules if (t := target_part(m)) is not None and t not in allowed}
    assert not wrong, f"{part} may not import {sorted(wrong)}"
    assert not {m for m in modules if m.split(".")[0] == "emotionpix_training"}
    if part in NO_WEB or (part == "auth" and path.stem not in AUTH_WEB_SIDE):
        assert not {m for m in modules if m.split(".")[0] in WEB_MODULES}


def test_the_domain_loads_no_web_framework_even_indirectly():
    """Direct imports are not enough (``errors.py`` once brought Flask to the recommender):
    a fresh interpreter imports every module of the domain, then looks at what got loaded."""
    script = textwrap.dedent(
        f"""
        import importlib, pkgutil, sys
        for name in {sorted(NO_WEB | {"auth"})!r}:
            package = importlib.import_module("emotionpix." + name)
            inside = getattr(package, "__path__", [])
            for info in pkgutil.walk_packages(inside, package.__name__ + "."):
                if info.name.rsplit(".", 1)[-1] not in {sorted(AUTH_WEB_SIDE)!r}:
                    importlib.import_module(info.name)
        loaded = sorted(m for m in {WEB_MODULES!r} if m in sys.modules)
        print(",".join(loaded))
        """
    )
    found = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert found == "", f"the domain loaded {found}"


def test_the_allowed_arrows_have_no_cycle():
    seen: dict[str, str] = {}

    def visit(part: str) -> None:
        assert seen.get(part) != "visiting", f"cycle through {part}"
        if part in seen:
            return
        seen[part] = "visiting"
        for other in ALLOWED[part]:
            visit(other)
        seen[part] = "done"

    for part in ALLOWED:
        visit(part)


def test_the_walk_sees_imports_inside_functions(tmp_path):
    source = tmp_path / "x.py"
    source.write_text("def f():\n    from emotionpix import db, errors\n    import numpy\n")
    assert imported_modules(source) == {
        "emotionpix",
        "emotionpix.db",
        "emotionpix.errors",
        "numpy",
    }


@pytest.mark.parametrize("path", sorted(TRAINING.glob("*.py")), ids=lambda p: p.name)
def test_the_research_code_uses_only_the_core_and_the_engine(path):
    parts = {target_part(m) for m in imported_modules(path)} - {None}
    assert parts <= {"core", "emotion"}
