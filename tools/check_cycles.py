"""Fail on any import cycle among our modules (credentials, issuer, verifier).

The graph counts imports inside functions and leaves out imports made only for type
checking (``if TYPE_CHECKING:``). A cycle is a group of modules that reach each other
through imports (a strongly connected component with more than one module, or a
module that imports itself). Groups listed in KNOWN_CYCLES are reported but pass, so
the check fails on any new cycle; the list is empty and should stay so.

Usage: ``python tools/check_cycles.py [package ...]`` (default: our three packages,
found on ``sys.path``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping

import grimp

PACKAGES = ("credentials", "issuer", "verifier")

# Cycles that exist and are to be broken, each as the sorted tuple of its modules.
KNOWN_CYCLES: frozenset[tuple[str, ...]] = frozenset()


def import_graph(packages: Iterable[str]) -> dict[str, set[str]]:
    graph = grimp.build_graph(*packages, cache_dir=None, exclude_type_checking_imports=True)
    modules = set(graph.modules)
    return {m: set(graph.find_modules_directly_imported_by(m)) & modules for m in modules}


def cycles(edges: Mapping[str, set[str]]) -> list[tuple[str, ...]]:
    """The strongly connected components that are cycles (Tarjan, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[tuple[str, ...]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1 or node in edges[node]:
                    found.append(tuple(sorted(group)))
    return sorted(found)


def path_through(edges: Mapping[str, set[str]], group: tuple[str, ...]) -> list[str]:
    """One concrete loop inside ``group``, from its first module back to it."""
    members = set(group)
    start = group[0]
    previous: dict[str, str] = {}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(edges[node] & members):
            if child == start:
                loop = [node]
                while loop[-1] != start:
                    loop.append(previous[loop[-1]])
                return [start, *reversed(loop[:-1]), start] if node != start else [start, start]
            if child not in previous:
                previous[child] = node
                queue.append(child)
    return list(group)


def main(argv: list[str]) -> int:
    packages = argv or list(PACKAGES)
    edges = import_graph(packages)
    found = cycles(edges)
    new = [group for group in found if group not in KNOWN_CYCLES]
    for group in found:
        state = "known" if group in KNOWN_CYCLES else "NEW"
        print(f"{state} import cycle of {len(group)} modules: {' -> '.join(path_through(edges, group))}")
        if len(group) > len(path_through(edges, group)) - 1:
            print(f"    all of: {', '.join(group)}")
    gone = sorted(KNOWN_CYCLES - set(found))
    for group in gone:
        print(f"known cycle no longer exists, remove it from KNOWN_CYCLES: {', '.join(group)}")
    if new or gone:
        return 1
    print(f"no import cycles among {len(edges)} modules of {', '.join(packages)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
