"""The one-way layers of DESIGN.md, checked on the source with ``ast``.

A module may import only modules of its own layer or lower ones; each third-party library is
imported in one module; the engine imports nothing but the standard library.
"""

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "calendar_service"

# Lowest first. The engine sits below calendars: it is pure arithmetic over any calendar, and
# calendars compiles the holiday data into it (see DESIGN.md and the note in README.md).
LAYERS = [
    {"errors"},
    {"config"},
    {"engine"},
    {"calendars"},
    {"rules"},
    {"letters", "compliance"},
    {"store"},
    {"services"},
    {"cli", "web", "api", "feeds", "alerts", "scheduler", "__main__"},
]
LAYER_OF = {name: i for i, names in enumerate(LAYERS) for name in names}
LAYER_OF["__init__"] = 0  # the package's __init__ holds only the version

# Third-party libraries and the one module allowed to import each.
OWNERS = {
    "holidays": "calendars",
    "icalendar": "feeds",
    "flask": "web",
    "werkzeug": "web",
    "waitress": "web",
    "sqlalchemy": "store",
    "alembic": "store",
    "apscheduler": "scheduler",
    "pypdf": "letters",
    "click": "cli",
}


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE).with_suffix("")
    return relative.parts[0]


def imports(path: Path) -> tuple[set[str], set[str]]:
    """(package-internal top-level modules, external top-level packages) imported by ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = path.relative_to(PACKAGE).parts[:-1]  # e.g. ("services",) for services/deadlines.py
    internal, external = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            # Resolve the relative import against the importing module's own package.
            base = package[: len(package) - (node.level - 1)]
            target = (*base, *(node.module.split(".") if node.module else ()))
            if target:
                internal.add(target[0])
                continue
            # "from . import x" at the top: a module of the package, or a name from __init__.
            for alias in node.names:
                is_module = (PACKAGE / f"{alias.name}.py").exists() or (PACKAGE / alias.name).is_dir()
                internal.add(alias.name if is_module else "__init__")
        elif isinstance(node, ast.ImportFrom) and node.module:
            parts = node.module.split(".")
            if parts[0] == "calendar_service":
                internal.add(parts[1] if len(parts) > 1 else "__init__")
            else:
                external.add(parts[0])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "calendar_service":
                    internal.add(parts[1] if len(parts) > 1 else "__init__")
                else:
                    external.add(parts[0])
    return internal, external


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_a_higher_layer(path):
    name = module_name(path)
    assert name in LAYER_OF, f"{name} is in no layer: add it to LAYERS (and DESIGN.md)"
    internal, _ = imports(path)
    for target in internal:
        assert target in LAYER_OF, f"{name} imports unknown module {target}"
        assert LAYER_OF[target] <= LAYER_OF[name], f"{name} (layer {LAYER_OF[name]}) imports {target} (layer {LAYER_OF[target]})"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_library_is_imported_in_one_place(path):
    name = module_name(path)
    _, external = imports(path)
    for library, owner in OWNERS.items():
        if library in external:
            assert name == owner, f"{name} imports {library}; only {owner} may"


def test_the_engine_uses_only_the_standard_library():
    _, external = imports(PACKAGE / "engine.py")
    assert external <= set(sys.stdlib_module_names) | {"__future__"}, external - set(sys.stdlib_module_names)
