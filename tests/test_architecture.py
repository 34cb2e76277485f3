"""The import rules of docs/architecture and DESIGN.md ("apps may import only downwards"), read from the code itself.

Every Python file of every project package is parsed with `ast` (nothing is imported, so a cycle or a broken module
cannot hide a rule); each failure names the file and line. The rules:

- members imports no other app; of alliance_portal only the shared helpers (errors, demo, and the API/admin base
  classes every app builds on), never the project's wiring (urls, settings, celery, views).
- notices imports neither supply nor donations.
- supply and donations do not import each other, and of notices only the alert pipeline's public entry
  `notices.alerts` (events are declared and emitted through it).
- Outside notices/alerts/, nobody imports a module of the pipeline other than its entry `notices.alerts` (and
  `registry` through it) - except where Django, Celery or the API router must find the pipeline's parts (WIRING).
- No import names a project module that does not exist (a stale path after a move, hidden by `except ImportError`).

A violation in a file that is being rewritten elsewhere may be listed in ALLOWED, with its reason, until it is fixed;
an entry that no longer matches anything fails, so the list only shrinks.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOT_PACKAGES = {"tests", "bench", "scripts", "docs", "locale", "static", "templates"}
PACKAGES = sorted(
    p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").is_file() and p.name not in NOT_PACKAGES
)
PIPELINE = "notices.alerts"
# Names of the entry that are modules but belong to the public surface.
ENTRY_MODULES = {"notices.alerts.registry"}

# What members may use of alliance_portal: the shared helpers every app builds on (DESIGN: "shared helpers (API base
# classes, admin scaffolding)"), not the modules that wire the apps together (and import them).
MEMBERS_MAY_USE = {
    "alliance_portal.errors",
    "alliance_portal.demo",
    "alliance_portal.filters",
    "alliance_portal.pagination",
    "alliance_portal.api",
    "alliance_portal.api_auth",
    "alliance_portal.api_schema",
    "alliance_portal.idempotency",
    "alliance_portal.admin_tools",
    "alliance_portal.formatting",
    "alliance_portal.import_formats",
}

# Where the framework must be shown the pipeline's parts: Django finds models in <app>.models and admin classes in
# <app>.admin, Celery's autodiscovery reads <app>.tasks, the API router needs the viewsets. Nothing else.
WIRING = {
    ("notices/models.py", "notices.alerts.models"),
    ("notices/admin.py", "notices.alerts.admin"),
    ("notices/tasks.py", "notices.alerts.tasks"),
    ("alliance_portal/api_urls.py", "notices.alerts.api"),
}

# Known violations in files other engineers are rewriting right now (issue 7); remove each once its file is fixed.
ALLOWED: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Import:
    path: str  # relative to the project, with forward slashes
    line: int
    module: str  # the module imported (for `from a import b` where b is a module: a.b)

    def __str__(self) -> str:
        return f"{self.path}:{self.line} imports {self.module}"


def module_exists(dotted: str) -> bool:
    base = ROOT.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_in(rel: str, source: str) -> list[Import]:
    """The imports of the file at `rel` (relative to the project), relative ones made absolute."""
    path = ROOT / rel
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source, filename=rel)):
        if isinstance(node, ast.Import):
            found += [Import(rel, node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                source_module = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            else:
                source_module = node.module or ""
            for alias in node.names:
                candidate = f"{source_module}.{alias.name}"
                is_module = source_module.split(".")[0] in PACKAGES and module_exists(candidate)
                found.append(Import(rel, node.lineno, candidate if is_module else source_module))
    return [imp for imp in found if imp.module.split(".")[0] in PACKAGES]


def project_files():
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def all_imports() -> list[Import]:
    return [
        imp
        for path in project_files()
        for imp in imports_in(path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8"))
    ]


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def in_package(imp: Import, package: str) -> bool:
    return imp.path.startswith(package.replace(".", "/") + "/")


def broken(imp: Import) -> str | None:
    """Which rule this import breaks, or None."""
    top = imp.module.split(".")[0]
    if not module_exists(imp.module):
        return "no such module"
    members_may = top == "members" or any(within(imp.module, m) for m in MEMBERS_MAY_USE)
    if in_package(imp, "members") and not members_may:
        return "members imports no other app, and of alliance_portal only the shared helpers"
    if in_package(imp, "notices") and top in ("supply", "donations"):
        return "notices imports neither supply nor donations"
    for app, other in (("supply", "donations"), ("donations", "supply")):
        if in_package(imp, app) and top == other:
            return f"{app} does not import {other}"
        if in_package(imp, app) and top == "notices" and not within(imp.module, PIPELINE):
            return f"{app} imports of notices only its alert entry notices.alerts"
    inside_pipeline = in_package(imp, PIPELINE)
    # Migrations name the pipeline's functions where they live (Django writes them so); they are history, not code.
    is_migration = "/migrations/" in imp.path
    if (
        within(imp.module, PIPELINE)
        and imp.module != PIPELINE
        and imp.module not in ENTRY_MODULES
        and not inside_pipeline
        and not is_migration
        and (imp.path, imp.module) not in WIRING
    ):
        return "outside notices/alerts/ only the entry notices.alerts is imported"
    return None


def violations() -> list[tuple[Import, str]]:
    return [(imp, rule) for imp in all_imports() if (rule := broken(imp)) is not None]


def test_apps_import_only_downwards_and_the_pipeline_only_through_its_entry():
    found = [f"{imp}: {rule}" for imp, rule in violations() if (imp.path, imp.module) not in ALLOWED]
    assert not found, "Import rules broken:\n" + "\n".join(found)


def test_every_allowed_exception_is_still_needed():
    seen = {(imp.path, imp.module) for imp, _rule in violations()}
    stale = sorted(ALLOWED - seen)
    assert not stale, f"Fixed: remove these from ALLOWED in tests/test_architecture.py: {stale}"


def test_every_wiring_exception_is_still_used():
    used = {(imp.path, imp.module) for imp in all_imports()}
    assert not WIRING - used, f"Unused wiring exceptions: {sorted(WIRING - used)}"


# --- the checker itself ------------------------------------------------------------------------------------------


def check(path: str, source: str) -> list[str]:
    """The rules applied to a made-up file at `path` (relative to the project)."""
    return [f"{imp.path}:{imp.line}: {rule}" for imp in imports_in(path, source) if (rule := broken(imp))]


def test_the_checker_catches_each_kind_of_violation_and_names_the_line():
    assert check("members/x.py", "import os\nfrom supply.models import SupplyRequest") == [
        "members/x.py:2: members imports no other app, and of alliance_portal only the shared helpers"
    ]
    assert check("members/x.py", "from alliance_portal.urls import urlpatterns")
    assert not check("members/x.py", "from alliance_portal.errors import NotAllowed\nfrom .models import Site")
    assert check("notices/x.py", "from supply import events")
    assert check("supply/x.py", "from donations import models")
    assert check("supply/x.py", "from notices.models import Notice")
    assert check("supply/x.py", "from notices.alerts.services import alerts_retry")
    assert check("supply/x.py", "from notices.alerts import services")
    assert check("notices/x.py", "from .alerts.selectors import delivery_counts")
    assert check("notices/x.py", "from .alert_selectors import delivery_progress")
    assert not check("supply/x.py", "from notices.alerts import EventType, emit, registry")
    assert not check("notices/alerts/x.py", "from .services import alerts_retry\nfrom . import models")
    assert not check("notices/migrations/0009_x.py", "import notices.alerts.models")
    assert not check("notices/models.py", "from .alerts.models import Event")
