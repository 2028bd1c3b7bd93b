"""The package's shape (issue 11): layers, no import cycle, no file over 600 lines.

* The folders are layers (``[tool.importlinter]`` in pyproject.toml): import-linter
  checks that each imports only from the layers below it, imports inside functions
  included (those under ``if TYPE_CHECKING:`` are for annotations and never run).
* No module imports itself through others: grimp's graph of every import in the
  package (again inside functions too) has no cycle. So no import is placed inside a
  function to hide one; the ones that are there are for start-up time.
* Every file of the package is at most 600 lines, but for the few listed in
  ``OVER_LIMIT``, a temporary allow-list: each entry names who is splitting the file.
* A module uses only other modules' public names: what another module needs from it
  is named without a leading underscore.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "summarizer"
MAX_LINES = 600

# Files allowed over the limit while someone splits them (file -> who, why); empty now.
# Remove an entry when its file is split: the test fails on a listed file back under.
OVER_LIMIT: dict[str, str] = {}


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_the_layers_contract_is_kept(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(script), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=tmp_path,  # import-linter writes nothing here with --no-cache; tmp all the same
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "Package layers KEPT" in done.stdout


def _cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            child = next(edges, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_itself_through_others() -> None:
    # cache_dir=None: grimp would keep a .grimp_cache in the working directory
    graph = grimp.build_graph("summarizer", exclude_type_checking_imports=True, cache_dir=None)
    edges = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    assert len(edges) > 50  # the whole package was read
    assert _cycles(edges) == []


def test_no_file_in_the_package_is_over_600_lines() -> None:
    sizes = {str(p.relative_to(PACKAGE)): _lines(p) for p in sorted(PACKAGE.rglob("*.py"))}
    over = {name: n for name, n in sizes.items() if n > MAX_LINES}
    assert set(over) <= set(OVER_LIMIT), {k: v for k, v in over.items() if k not in OVER_LIMIT}
    back_under = sorted(set(OVER_LIMIT) - set(over))
    assert back_under == [], f"remove from OVER_LIMIT: {back_under}"


def _private_imports(source: str) -> list[str]:
    """``from summarizer.X import _name`` in ``source`` (dunders such as __version__ aside)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("summarizer"):
            found += [
                f"{node.module}.{a.name}"
                for a in node.names
                if a.name.startswith("_") and not a.name.endswith("__")
            ]
    return found


def test_the_private_import_finder_finds_one() -> None:
    source = "from summarizer.stages.dates import _hidden, shown\nfrom summarizer import __all__"
    assert _private_imports(source) == ["summarizer.stages.dates._hidden"]


def test_no_module_imports_a_private_name_of_another() -> None:
    found = {
        str(p.relative_to(PACKAGE)): names
        for p in sorted(PACKAGE.rglob("*.py"))
        if (names := _private_imports(p.read_text(encoding="utf-8")))
    }
    assert found == {}
