"""The package's shape: no import circles, packages meet only at their fronts.

Every `import` in petri_bt counts, including the ones inside functions (a circle
that only works because an import is deferred is still a circle).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "petri_bt"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_only(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node, except what sits under `if TYPE_CHECKING:` (never imported at run time)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if _type_checking_only(node):
            assert isinstance(node, ast.If)
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def _imports(path: Path, name: str, known: set[str]) -> Iterator[str]:
    """Every petri_bt module a file imports (absolute names)."""
    is_package = path.name == "__init__.py"
    for node in _runtime_nodes(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("petri_bt"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base if is_package else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if not module.startswith("petri_bt"):
                continue
            for alias in node.names:  # `from petri_bt.run import _plan` imports a module
                submodule = f"{module}.{alias.name}"
                yield submodule if submodule in known else module


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for target in _imports(path, name, set(modules)):
            if target in modules and target != name:
                graph[name].add(target)
    return graph


def _unit(module: str) -> str:
    """The package a module belongs to (`petri_bt.export._reader` -> `petri_bt.export`);
    a module at the root is a unit of its own."""
    parts = module.split(".")
    if len(parts) >= 2 and (PACKAGE / parts[1]).is_dir():
        return ".".join(parts[:2])
    return module


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_no_import_circle_between_modules() -> None:
    cycle = _cycle(_graph())
    assert cycle is None, " -> ".join(cycle or [])


def test_no_import_circle_between_packages() -> None:
    units: dict[str, set[str]] = {}
    for module, targets in _graph().items():
        mine = _unit(module)
        units.setdefault(mine, set()).update(
            _unit(t) for t in targets if _unit(t) != mine and _unit(t) != "petri_bt"
        )
    cycle = _cycle(units)
    assert cycle is None, " -> ".join(cycle or [])


def test_packages_use_each_other_only_through_their_fronts() -> None:
    reached_in = []
    for module, targets in _graph().items():
        for target in targets:
            owner = _unit(target)
            private = any(part.startswith("_") for part in target.split(".")[2:])
            if private and owner != _unit(module) and owner != target:
                reached_in.append(f"{module} imports {target}")
    assert reached_in == []


def _units_reached(graph: dict[str, set[str]], start: str) -> set[str]:
    """Every package (unit) the modules of `start` import, directly or through others."""
    seen: set[str] = set()
    todo = [m for m in graph if _unit(m) == start]
    while todo:
        module = todo.pop()
        for target in graph[module]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return {_unit(m) for m in seen} - {start}


# Reading logs is the floor: these stand on it, and it stands on none of them.
_ABOVE_LOGS = ("export", "run", "study", "sweep", "report")


def test_logs_is_a_floor_under_export_run_study_sweep_and_report() -> None:
    graph = _graph()
    reached = _units_reached(graph, "petri_bt.logs")
    assert sorted(reached & {f"petri_bt.{p}" for p in _ABOVE_LOGS}) == []
    for package in _ABOVE_LOGS:
        assert "petri_bt.logs" in _units_reached(graph, f"petri_bt.{package}"), package


def test_export_imports_no_preflight() -> None:
    assert "petri_bt.preflight" not in _units_reached(_graph(), "petri_bt.export")


def test_the_reach_finder_follows_imports_through_other_packages() -> None:
    graph = {"petri_bt.run._a": {"petri_bt.logs"}, "petri_bt.logs": {"petri_bt.errors"}}
    graph["petri_bt.errors"] = set()
    assert _units_reached(graph, "petri_bt.run") == {"petri_bt.logs", "petri_bt.errors"}


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("module", ["petri_bt", "petri_bt.cli", "petri_bt.config"])
def test_the_command_line_front_imports_no_inspect(module: str) -> None:
    import subprocess
    import sys

    code = (
        f"import sys, {module}; "
        "heavy = [m for m in ('inspect_ai', 'inspect_petri', 'braintrust', 'scipy') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_hydra_plugins_use_petri_bt_only_through_its_fronts() -> None:
    reached_in = []
    for path in sorted((ROOT / "hydra_plugins").rglob("*.py")):
        for node in _runtime_nodes(ast.parse(path.read_text())):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            reached_in += [
                f"{path.name} imports {name}"
                for name in names
                # a package's private module (petri_bt.sweep._check); the root's own shared
                # helpers (petri_bt._paths) are the root package's, as inside petri_bt
                if name.startswith("petri_bt.")
                and any(p.startswith("_") for p in name.split(".")[2:])
            ]
    assert reached_in == []
