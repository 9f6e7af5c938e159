"""The apps depend on each other one way only (docs/architecture.md).

The imports of every product module are read with `ast`, not by importing them: an import inside a
function counts as much as one at the top. Tests, migrations and the test-support package
(icis/testing) are left out: tests may build records of any app.
"""

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest
from django.apps import apps
from django.template.backends.django import get_installed_libraries

ROOT = Path(__file__).resolve().parents[2]  # the icis package

# Which app may import which: the one place where the dependencies are allowed. Read it bottom-up:
# an app may import only the apps listed for it, and every list names only apps listed above it,
# so no cycle can be written without changing this table (test_the_allowed_dependencies_form_no_cycle).
FOUNDATION = ("core", "geo", "accounts", "audit", "documents")
REGISTRY = (*FOUNDATION, "clusters")
DEPENDS_ON: dict[str, tuple[str, ...]] = {
    "core": (),  # the framework layer names no app; apps plug into its registries
    "geo": ("core",),
    "accounts": ("core",),
    "audit": ("core", "accounts"),
    "documents": ("core", "accounts"),
    "clusters": ("core", "accounts", "geo", "documents"),
    "tenancy": REGISTRY,
    "construction": REGISTRY,
    "dossiers": REGISTRY,
    "environment": (*REGISTRY, "tenancy"),
    "planning": (*REGISTRY, "tenancy"),
    # Commendation reads the registry (clusters, documents, organisations, provinces) only.
    "awards": REGISTRY,
    # Inspections read the firms, the construction visits (copied once) and the wastewater violations.
    "inspections": (*REGISTRY, "tenancy", "construction", "environment"),
    "legal": (*REGISTRY, "tenancy", "construction", "dossiers", "environment", "planning"),
    "reporting": (*REGISTRY, "tenancy", "construction", "dossiers", "environment", "planning", "legal"),
    # The registry workbook: reads and writes the registry and the plans; nothing imports it.
    "registry_io": (*REGISTRY, "planning"),
    "dashboard": (*REGISTRY, "tenancy", "construction", "dossiers", "environment", "planning", "legal"),
    # The map reads the registry and the figures of its consumers; nothing imports it.
    "maps": (*REGISTRY, "tenancy", "construction", "environment"),
    # The public portal reads the registry, leases, construction and wastewater; nothing imports it.
    "portal": (*REGISTRY, "tenancy", "construction", "environment"),
    # Data loaders: they fill the domain apps and nothing imports them.
    # The demo's illustrative inspection plan (site visits to its clusters under construction) uses inspections.
    "demo": (*REGISTRY, "tenancy", "construction", "dossiers", "environment", "inspections", "planning"),
    "synthetic": (
        *REGISTRY,
        "tenancy",
        "construction",
        "dossiers",
        "environment",
        "inspections",
        "planning",
        "legal",
        "reporting",
    ),
}
# Modules that are a page's or a template's, not a public interface: no other domain app imports them
# (other apps' pages get their panels and menu entries through icis.core.registry).
PRIVATE = ("views", "import_views", "templatetags")
# Template libraries a template may load besides its own app's.
COMMON_LIBRARIES = {"core", "django", "humanize", "static", "l10n", "i18n", "tz", "cache"}


def imported_modules(path: Path, root: Path = ROOT) -> set[str]:
    """The absolute names of the modules `path` imports (relative imports resolved)."""
    package = ".".join(path.relative_to(root.parent).with_suffix("").parts)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names.add(module)
            # `from icis.x import views` imports the module icis.x.views
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def product_modules(root: Path = ROOT):
    """(app, path) for every module of the product: not tests, migrations, conftest or icis/testing."""
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if len(parts) < 2 or parts[0] == "testing":
            continue
        if "tests" in parts or "migrations" in parts or path.name == "conftest.py":
            continue
        yield parts[0], path


def app_imports(root: Path = ROOT) -> dict[tuple[str, str], list[str]]:
    """(importing app, imported app) -> ["path: module", ...] for every import between two apps."""
    found = defaultdict(list)
    for app, path in product_modules(root):
        for module in sorted(imported_modules(path, root)):
            parts = module.split(".")
            if parts[0] == "icis" and len(parts) > 1 and parts[1] != app:
                found[(app, parts[1])].append(f"{path.relative_to(root.parent)}: {module}")
    return dict(found)


def cycles(edges) -> list[list[str]]:
    """The strongly connected groups of more than one app (Tarjan): each is an import cycle."""
    graph = defaultdict(set)
    for a, b in edges:
        graph[a].add(b)
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return out


IMPORTS = app_imports()


def test_there_is_no_import_cycle_between_apps():
    found = cycles(IMPORTS)
    assert not found, "import cycles between apps:\n" + "\n".join(
        f"{' ↔ '.join(group)}: "
        + "; ".join(w for (a, b), where in IMPORTS.items() if a in group and b in group for w in where[:2])
        for group in found
    )


def test_core_imports_no_app():
    offending = [w for (a, _b), where in IMPORTS.items() if a == "core" for w in where]
    assert not offending, "icis.core imports an app:\n" + "\n".join(offending)


def test_every_import_between_apps_is_an_allowed_dependency():
    offending = [
        f"{a} → {b} (allowed: {', '.join(DEPENDS_ON.get(a, ())) or 'nothing'}): {where[0]}"
        for (a, b), where in sorted(IMPORTS.items())
        if b != "testing" and b not in DEPENDS_ON.get(a, ())
    ]
    assert not offending, "imports outside the table DEPENDS_ON:\n" + "\n".join(offending)


def test_the_product_never_imports_the_test_support():
    offending = [w for (_a, b), where in IMPORTS.items() if b == "testing" for w in where]
    assert not offending, "\n".join(offending)


def test_no_app_imports_another_apps_views_or_template_tags():
    offending = []
    for app, path in product_modules():
        for module in imported_modules(path):
            parts = module.split(".")
            if parts[0] == "icis" and len(parts) > 2 and parts[1] not in (app, "core") and parts[2] in PRIVATE:
                offending.append(f"{path.relative_to(ROOT.parent)}: {module}")
    assert not offending, "\n".join(offending)


def test_the_allowed_dependencies_form_no_cycle_and_name_only_known_apps():
    edges = [(a, b) for a, targets in DEPENDS_ON.items() for b in targets]
    assert not cycles(edges)
    assert {b for _a, b in edges} <= set(DEPENDS_ON)


def test_every_app_of_the_project_is_in_the_table():
    ours = {config.label for config in apps.get_app_configs() if config.name.startswith("icis.")}
    assert ours == set(DEPENDS_ON), "add the new app to DEPENDS_ON (and docs/architecture.md)"


def test_the_cluster_pages_load_no_other_apps_template_tags():
    """The cluster pages show other apps' panels through the registry, never by loading their tags."""
    owner = {name: module.split(".")[1] if module.startswith("icis.") else "django" for name, module in _names()}
    templates = sorted((ROOT.parent / "templates" / "clusters").glob("*.html"))
    assert templates
    offending = []
    for template in templates:
        for load in _loads(template.read_text(encoding="utf-8")):
            if owner.get(load, load) not in {"clusters", *COMMON_LIBRARIES}:
                offending.append(f"{template.name}: {{% load {load} %}}")
    assert not offending, "\n".join(offending)


def _names():
    return get_installed_libraries().items()


def _loads(text: str) -> list[str]:
    names = []
    for match in re.finditer(r"{%\s*load\s+([^%]+?)\s*%}", text):
        words = match.group(1).split()
        if "from" in words:
            words = words[words.index("from") + 1 :]
        names.extend(words)
    return names


def test_the_clusters_views_name_no_consumer_app():
    consumers = {app for app, targets in DEPENDS_ON.items() if "clusters" in targets}
    offending = [
        f"{path.name}: {module}"
        for app, path in product_modules()
        if app == "clusters"
        for module in imported_modules(path)
        if module.split(".")[:1] == ["icis"] and len(module.split(".")) > 1 and module.split(".")[1] in consumers
    ]
    assert not offending, "\n".join(offending)


# The checker itself: it must see what it is meant to catch.


@pytest.fixture
def fake_project(tmp_path):
    root = tmp_path / "icis"

    def write(relative: str, text: str):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    write("__init__.py", "")
    return root, write


def test_the_checker_finds_a_cycle_through_an_import_inside_a_function(fake_project):
    root, write = fake_project
    write("core/__init__.py", "")
    write("core/helpers.py", "def f():\n    from icis.alpha.models import A\n")
    write("alpha/__init__.py", "")
    write("alpha/models.py", "from ..core import helpers\n")
    found = app_imports(root)
    assert set(found) == {("core", "alpha"), ("alpha", "core")}
    assert cycles(found) == [["alpha", "core"]]


def test_the_checker_resolves_relative_imports_and_leaves_tests_and_migrations_out(fake_project):
    root, write = fake_project
    write("beta/templatetags/beta.py", "from .. import selectors\nfrom icis.gamma import views\n")
    write("beta/tests/test_x.py", "import icis.delta.models\n")
    write("beta/migrations/0001_initial.py", "import icis.delta.models\n")
    imports = imported_modules(root / "beta/templatetags/beta.py", root)
    assert "icis.beta.selectors" in imports
    assert "icis.gamma.views" in imports
    assert set(app_imports(root)) == {("beta", "gamma")}
