"""The dependency rule of docs/ARCHITECTURE.md, for the means import-linter cannot see.

`lint-imports` (make lint) checks imports against the layers in pyproject.toml. A package can also
depend on a higher one without importing it: a string model reference ("lessons.Lesson" as a
signal sender or a lazy foreign key), a `{% load %}` of the higher app's tag library in one of its
templates, or a setting holding a dotted path into the higher app's code that it reads. These
tests read the same layers and fail on any of those, and on a cycle in the whole package graph
(`manage.py package_graph` prints it).
"""

import ast
import tomllib
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from bds.management.commands.package_graph import build_graph, strongly_connected_components

ROOT = Path(settings.BASE_DIR)


def layer_ranks() -> dict[str, int]:
    """Package -> its layer's position from the top (0), as the import-linter contract lists them."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    [contract] = [contract for contract in config["contracts"] if contract["type"] == "layers"]
    ranks = {}
    for rank, layer in enumerate(contract["layers"]):
        for package in layer.replace(":", "|").split("|"):
            ranks[package.strip()] = rank
    return ranks


@pytest.fixture(scope="module")
def graph():
    return build_graph(ROOT)


def upward_edges(graph, kind: str) -> list[str]:
    """Dependencies of this kind on a package in the same layer or above (siblings are independent)."""
    ranks = layer_ranks()
    found = []
    for (source, target), kinds in sorted(graph.items()):
        if kinds.get(kind) and ranks[target] <= ranks[source]:
            found += [f"{source} -> {target}: {where}" for where in sorted(set(kinds[kind]))]
    return found


def test_every_first_party_package_has_a_layer(graph):
    packages = {package for edge in graph for package in edge}
    assert packages <= set(layer_ranks()), "add the new package to the layers in pyproject.toml"


def test_the_package_graph_has_no_cycle(graph):
    packages = {package for edge in graph for package in edge}
    assert strongly_connected_components(packages, graph) == []


def test_no_string_model_reference_to_a_higher_app(graph):
    assert upward_edges(graph, "models") == []


def test_no_template_loads_a_higher_apps_tag_library(graph):
    assert upward_edges(graph, "tags") == []


def test_no_app_reads_a_setting_naming_a_higher_apps_code(graph):
    assert upward_edges(graph, "settings") == []


def test_no_import_of_a_higher_package_even_inside_a_function(graph):
    # lint-imports checks this in `make lint`; here too, so the test suite alone tells.
    assert upward_edges(graph, "imports") == []


def _assigned_names(statements) -> list[str]:
    """Names assigned by module-level statements, inside if/for/try/with blocks too (not in functions)."""
    names = []
    for statement in statements:
        if isinstance(statement, ast.Assign):
            names += [target.id for target in statement.targets if isinstance(target, ast.Name)]
        elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)) and isinstance(statement.target, ast.Name):
            names.append(statement.target.id)
        for block in ("body", "orelse", "finalbody", "handlers"):
            if not isinstance(statement, (ast.FunctionDef, ast.ClassDef)) and hasattr(statement, block):
                names += _assigned_names(getattr(statement, block))
    return names


def test_each_setting_is_assigned_once():
    tree = ast.parse((ROOT / "bds" / "settings.py").read_text())
    counts = Counter(name for name in _assigned_names(tree.body) if name.isupper())
    assert {name: count for name, count in counts.items() if count > 1} == {}


def test_no_admin_registration_is_undone_elsewhere():
    # Each model admin is registered once, by the app that owns the page (docs/ARCHITECTURE.md).
    offenders = [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if ".venv" not in path.parts and "tests" not in path.parts and "site.unregister(" in path.read_text()
    ]
    assert offenders == []
