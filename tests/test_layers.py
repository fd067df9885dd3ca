"""The package's import graph is one-way: stages below, the analyser between, faces on top.

Read from the source with ``ast`` (imports inside functions count too), so a lazy import can't
hide an arrow against the flow.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "technique"
# lowest first; a module may import from its own layer or lower ones
LAYERS = ["base", "capture", "analysis", "judging", "analyser", "outputs", "apps"]
BASE = {"__init__", "errors", "landmarks", "safe_write", "series", "wording"}


def layer_of(module: str) -> str:
    """'technique.analysis.measures' -> 'analysis'; base modules -> 'base'."""
    parts = module.split(".")
    if parts[0] != "technique":
        raise ValueError(module)
    if len(parts) == 1 or parts[1] in BASE:
        return "base"
    return "apps" if parts[1] == "__main__" else parts[1]


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every technique module a file imports, at the top or inside functions."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("technique")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("technique"):
                found.add(target)
                found |= {f"{target}.{a.name}" for a in node.names
                          if (PACKAGE.parent / f"{target}.{a.name}".replace(".", "/")).with_suffix(".py").exists()}
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


def test_the_layers_cover_every_package():
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages == set(LAYERS) - {"base"}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_imports_go_down_the_layers(path):
    mine = LAYERS.index(layer_of(module_name(path)))
    upward = sorted(m for m in imports_of(path) if LAYERS.index(layer_of(m)) > mine)
    assert not upward, f"{module_name(path)} ({LAYERS[mine]}) imports from a higher layer: {upward}"


def test_no_import_cycles_between_modules():
    graph = {module_name(p): {m for m in imports_of(p) if m != module_name(p)} for p in MODULES}
    seen, path_, cycles = set(), [], []

    def visit(node: str) -> None:
        if node in path_:
            cycles.append(path_[path_.index(node):] + [node])
            return
        if node in seen:
            return
        path_.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt in graph:
                visit(nxt)
        path_.pop()
        seen.add(node)

    for node in sorted(graph):
        visit(node)
    assert not cycles, f"import cycles: {cycles[:3]}"


def test_mediapipe_is_imported_in_one_module():
    users = sorted(module_name(p) for p in MODULES
                   if any(isinstance(n, (ast.Import, ast.ImportFrom)) and "mediapipe" in ast.dump(n)
                          for n in ast.walk(ast.parse(p.read_text()))))
    assert users == ["technique.capture.pose"]


def test_the_layer_rule_is_checked_on_a_known_arrow():
    """The checker itself: an outputs module importing an app is an upward arrow."""
    assert LAYERS.index(layer_of("technique.apps.cli")) > LAYERS.index(layer_of("technique.outputs.report"))
    assert layer_of("technique.safe_write") == "base" and layer_of("technique.analyser.stream") == "analyser"
