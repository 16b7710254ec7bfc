"""`manage.py package_graph`: print the first-party package graph and any cycles in it.

An edge A -> B means code in package A depends on package B by one of four means, counted
separately because each of them ties A to B as surely as an import does:

- imports: `import B...` / `from B... import` anywhere in A's modules, function-level included;
- models: a string model reference "B.Model" in A's code (a lazy FK, a signal sender);
- tags: a `{% load lib %}` in one of A's templates where `lib` is a tag library B defines;
- settings: A reads a setting whose value is a dotted path into B's code.

Nodes are the top-level first-party packages (directories of the project root holding an
`__init__.py`, except tests). Migrations are skipped: they mirror the models. The layering this
graph must respect is described in docs/ARCHITECTURE.md.
"""

import ast
import re
from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

KINDS = ("imports", "models", "tags", "settings")
NOT_PACKAGES = {"tests", "bench", "scripts", "docs", "static", "media", "templates"}
LOAD_TAG = re.compile(r"{%\s*load\s+([^%]+?)\s*%}")
MODEL_REFERENCE = re.compile(r"^([a-z_]+)\.([A-Z][A-Za-z0-9]*)$")
SETTING_READ = re.compile(r"""settings\.([A-Z][A-Z0-9_]+)|getattr\(\s*settings\s*,\s*["']([A-Z][A-Z0-9_]+)["']""")


def project_root() -> Path:
    return Path(settings.BASE_DIR)


def first_party_packages(root: Path) -> list[str]:
    return sorted(
        child.name
        for child in root.iterdir()
        if child.is_dir() and (child / "__init__.py").exists() and child.name not in NOT_PACKAGES
    )


def python_files(root: Path, package: str):
    for path in sorted((root / package).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def template_files(root: Path, packages: list[str]):
    """(owner package, template path): an app's own templates/, and the project's templates/<app>/."""
    for package in packages:
        for path in sorted((root / package).rglob("templates/**/*.html")):
            yield package, path
    for package in packages:
        for path in sorted((root / "templates" / package).rglob("*.html")):
            yield package, path


def tag_library_owners(root: Path, packages: list[str]) -> dict[str, str]:
    owners = {}
    for package in packages:
        for path in (root / package).rglob("templatetags/*.py"):
            if path.stem != "__init__":
                owners[path.stem] = package
    return owners


def settings_naming_packages(root: Path, packages: list[str]) -> dict[str, set[str]]:
    """Setting name -> the first-party packages its value names by dotted path."""
    tree = ast.parse((root / "bds" / "settings.py").read_text())
    named = defaultdict(set)
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and isinstance(node.target, ast.Name):
            targets = [node.target.id]
        if not targets:
            continue
        for value in ast.walk(node.value):
            if isinstance(value, ast.Constant) and isinstance(value.value, str) and "." in value.value:
                head = value.value.split(".", 1)[0]
                if head in packages:
                    for target in targets:
                        named[target].add(head)
    return named


def build_graph(root: Path | None = None) -> dict[tuple[str, str], dict[str, list[str]]]:
    """{(from, to): {kind: [where, ...]}} for every cross-package dependency."""
    root = root or project_root()
    packages = first_party_packages(root)
    edges = defaultdict(lambda: defaultdict(list))
    setting_targets = settings_naming_packages(root, packages)

    for package in packages:
        for path in python_files(root, package):
            where = str(path.relative_to(root))
            source = path.read_text()
            tree = ast.parse(source)
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    heads = [alias.name.split(".", 1)[0] for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    heads = [node.module.split(".", 1)[0]]
                elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                    match = MODEL_REFERENCE.match(node.value)
                    if match and match.group(1) in packages and match.group(1) != package:
                        edges[(package, match.group(1))]["models"].append(f"{where}: {node.value}")
                    continue
                else:
                    continue
                for head in heads:
                    if head in packages and head != package:
                        edges[(package, head)]["imports"].append(where)
            if where == "bds/settings.py":
                continue
            for match in SETTING_READ.finditer(source):
                name = match.group(1) or match.group(2)
                for target in setting_targets.get(name, ()):
                    if target != package:
                        edges[(package, target)]["settings"].append(f"{where}: {name}")

    owners = tag_library_owners(root, packages)
    for package, path in template_files(root, packages):
        for match in LOAD_TAG.finditer(path.read_text()):
            for library in match.group(1).split():
                if library == "from":
                    break
                owner = owners.get(library)
                if owner and owner != package:
                    edges[(package, owner)]["tags"].append(f"{path.relative_to(root)}: {library}")
    return edges


def strongly_connected_components(nodes, edges) -> list[list[str]]:
    """Tarjan's algorithm; returns the components of more than one package (the cycles)."""
    successors = defaultdict(set)
    for source, target in edges:
        successors[source].add(target)
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(successors[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return found


class Command(BaseCommand):
    help = "Print the first-party package graph (imports, string model refs, tag loads, settings) and its cycles."

    def add_arguments(self, parser):
        parser.add_argument("--verbose-edges", action="store_true", help="list where each dependency comes from")

    def handle(self, *args, verbose_edges=False, **options):
        root = project_root()
        packages = first_party_packages(root)
        edges = build_graph(root)
        self.stdout.write(f"Packages: {', '.join(packages)}")
        self.stdout.write("Edges (from -> to: count per kind):")
        for (source, target), kinds in sorted(edges.items()):
            counts = ", ".join(f"{kind} {len(kinds[kind])}" for kind in KINDS if kinds.get(kind))
            self.stdout.write(f"  {source} -> {target}: {counts}")
            if verbose_edges:
                for kind in KINDS:
                    for where in sorted(set(kinds.get(kind, ()))):
                        self.stdout.write(f"      {kind}: {where}")
        cycles = strongly_connected_components(packages, edges)
        if not cycles:
            self.stdout.write("Cycles: none")
            return
        self.stdout.write("Cycles (packages that reach each other):")
        for component in cycles:
            self.stdout.write(f"  {' <-> '.join(component)}")
            members = set(component)
            for (source, target), kinds in sorted(edges.items()):
                if source in members and target in members:
                    self.stdout.write(f"      {source} -> {target} ({', '.join(k for k in KINDS if kinds.get(k))})")
