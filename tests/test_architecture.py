"""The layout's rules, checked on the source: no import cycles, small modules, layers.

Imports are read with `ast`, so imports inside functions and under `TYPE_CHECKING` count too:
a cycle hidden in a function is still a cycle for the next reader.
"""

import ast
from functools import cache
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[1] / "bot"
MAX_LINES = 400
# Known breaches, each owned by work in progress elsewhere; an entry that no longer breaks the
# rule fails the test, so this list only shrinks.
LONG_MODULES: dict[str, str] = {}
LAYER_EXCEPTIONS: dict[str, str] = {}


def module_name(root: Path, path: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def find_modules(root: Path) -> dict[str, Path]:
    return {module_name(root, path): path for path in sorted(root.rglob("*.py"))}


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The module an imported name lives in (a submodule, else its package)."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str, known: dict[str, Path]) -> set[str]:
    """Every module of `known` that `module` imports, wherever the import statement is."""
    path = known[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from pkg import sub` imports the submodule when there is one, else the package
            subs = [f"{base}.{alias.name}" for alias in node.names]
            names = [name for name in subs if name in known] or [base]
        else:
            continue
        for name in names:
            target = _resolve(name, known)
            if target is not None and target != module:
                found.add(target)
    return found


def import_graph(root: Path) -> dict[str, frozenset[str]]:
    known = find_modules(root)
    return {module: frozenset(imports_of(module, known)) for module in known}


@cache
def graph() -> dict[str, frozenset[str]]:
    return import_graph(BOT)


def modules() -> dict[str, Path]:
    return find_modules(BOT)


def cycles(edges: dict[str, frozenset[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_checker_sees_a_cycle_hidden_in_a_function_or_type_checking(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg.sub import b\n")
    (package / "sub" / "b.py").write_text("def f():\n    from ..c import thing\n")
    (package / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pkg.a\n"
    )
    (package / "d.py").write_text("import pkg.c\n")
    assert cycles(import_graph(package)) == [["pkg.a", "pkg.c", "pkg.sub.b"]]


def test_no_import_cycles_between_modules() -> None:
    assert cycles(graph()) == []


def test_no_module_is_over_400_lines() -> None:
    long = {
        module
        for module, path in modules().items()
        if ".migrations." not in module and len(path.read_text().splitlines()) > MAX_LINES
    }
    assert long - LONG_MODULES.keys() == set()
    assert LONG_MODULES.keys() - long == set(), "a known long module got short: drop it"


def _in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


LAYERS = [
    ("bot.engine", ("bot.adapters", "bot.scheduling", "bot.app", "bot.runtime")),
    ("bot.adapters", ("bot.app", "bot.storage")),
    ("bot.grading", ("bot.engine", "bot.adapters", "bot.storage", "bot.i18n")),
    ("bot.bank", ("bot.engine", "bot.adapters", "bot.storage")),
    ("bot.i18n", ("bot.bank",)),
    ("bot.storage", ("bot.engine",)),
    ("bot.observability", ("bot.app",)),
]


@pytest.mark.parametrize(("layer", "forbidden"), LAYERS, ids=[layer for layer, _ in LAYERS])
def test_layering_rules(layer: str, forbidden: tuple[str, ...]) -> None:
    broken = {
        f"{module} imports {target}"
        for module, targets in graph().items()
        if _in(module, layer)
        for target in targets
        if any(_in(target, package) for package in forbidden)
    }
    known = {breach for breach in LAYER_EXCEPTIONS if breach.startswith(layer + ".")}
    assert broken - known == set()
    assert known - broken == set(), "a known breach is fixed: drop it from LAYER_EXCEPTIONS"
