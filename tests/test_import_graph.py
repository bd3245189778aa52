"""The import graph of the package: no circle, and the domain packages never import a face.

Read from the source with `ast` (imports under `if TYPE_CHECKING:` are for type checkers only and are not
counted); `from . import x` counts as an import of the submodule x where there is one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import ownerscope

ROOT = Path(ownerscope.__file__).parent
FACES = ("ownerscope.cli", "ownerscope.ui", "ownerscope.api")
DOMAIN = ("ownerscope.graph", "ownerscope.ingest", "ownerscope.exposure")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING")


def imports_of(path: Path, modules: set[str]) -> set[str]:
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()

    def visit(node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                for sub in child.orelse:
                    visit_stmt(sub)
                continue
            visit_stmt(child)

    def visit_stmt(child):
        if isinstance(child, ast.Import):
            for a in child.names:
                found.add(a.name)
        elif isinstance(child, ast.ImportFrom):
            if child.level:
                base = package.split(".")
                base = base[: len(base) - (child.level - 1)]
                target = ".".join(base + ([child.module] if child.module else []))
            else:
                target = child.module or ""
            subs = [f"{target}.{a.name}" for a in child.names if f"{target}.{a.name}" in modules]
            found.update(subs)
            if len(subs) < len(child.names):  # a name from the package itself, not only its submodules
                found.add(target)
        visit(child)

    visit(tree)
    return {m for m in found if m in modules and m != name}


def graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in ROOT.rglob("*.py")}
    mods = set(files)
    return {m: imports_of(p, mods) for m, p in files.items()}


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in g[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    import sys

    sys.setrecursionlimit(10_000)
    for v in g:
        if v not in index:
            strong(v)
    return out


def test_the_import_graph_has_no_circle():
    found = cycles(graph())
    assert found == [], "import circles: " + "; ".join(" -> ".join(c) for c in found)


def test_no_domain_module_imports_a_face():
    bad = sorted((m, i) for m, deps in graph().items() if m.startswith(DOMAIN)
                 for i in deps if i.startswith(FACES))
    assert bad == [], f"domain modules importing cli/ui/api: {bad}"


def test_the_checker_sees_a_circle():
    """The checker itself finds a circle and a face import when there is one (it is not vacuous)."""
    g = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(g) == [["a", "b", "c"]]
    real = graph()
    assert "ownerscope.cli" in real and real["ownerscope.cli"], "the CLI package's imports were read"
    assert any(i.startswith("ownerscope.core") for deps in (real[m] for m in real if m.startswith("ownerscope.cli"))
               for i in deps), "the CLI imports the core"
