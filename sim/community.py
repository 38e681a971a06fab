"""The community graph: generated (seeded) or loaded from a user's file.

Nodes are households 0..N-1 with integer attributes `grid` and `community`;
edges are social ties (neighbours, kin, WeChat groups).
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import networkx as nx
import numba as nb
import numpy as np
import scipy.sparse as sp

from sim.files import not_a_file
from sim.limits import MAX_GRAPH_BYTES
from sim.params import CommunityParams


class GraphFileError(ValueError):
    """A graph file that cannot be used; the message names the file and the problem."""


class Community:
    """Households, their grid and community, and the ties between them."""

    def __init__(
        self, grid: np.ndarray, community: np.ndarray, adjacency: sp.csr_array, graph=None
    ):
        self.grid = grid  # int32 [N]: grid of each household
        self.community = community  # int32 [N]: community of each household
        self.adjacency = adjacency  # symmetric 0/1 ties, CSR
        if graph is not None:
            self.__dict__["graph"] = graph

    @cached_property
    def graph(self) -> nx.Graph:
        """The networkx graph; built on first use (1.5 s at 100,000 nodes, unneeded by a run)."""
        g = nx.Graph()
        g.add_nodes_from(
            (i, {"grid": int(gi), "community": int(ci)})
            for i, gi, ci in zip(range(self.n), self.grid, self.community, strict=False)
        )
        coo = sp.triu(self.adjacency).tocoo()
        g.add_edges_from(zip(coo.row.tolist(), coo.col.tolist(), strict=False))
        return g

    @property
    def n(self) -> int:
        return self.grid.size

    @property
    def n_grids(self) -> int:
        return int(self.grid.max()) + 1

    @property
    def grid_community(self) -> np.ndarray:
        """Community of each grid."""
        out = np.zeros(self.n_grids, dtype=np.int32)
        out[self.grid] = self.community
        return out


def _grid_sizes(p: CommunityParams, rng: np.random.Generator) -> np.ndarray:
    lo, hi = p.grid_size
    n_grids = max(1, round(p.residents / ((lo + hi) / 2)))
    sizes = rng.integers(lo, hi + 1, n_grids).astype(np.float64)
    sizes = np.floor(sizes * p.residents / sizes.sum()).astype(np.int64)
    sizes[: p.residents - sizes.sum()] += 1  # exact total
    return sizes


def _sample_ties(members: np.ndarray, owner: np.ndarray, mean_ties: float, rng) -> np.ndarray:
    """About `mean_ties` ties per node between each node and random others of its block.

    `members[owner == b]` are the candidate ends for block b; nodes are paired uniformly
    within their block, vectorised over blocks.
    """
    n = members.size
    if mean_ties <= 0 or n < 2:
        return np.empty((0, 2), dtype=np.int64)
    m = rng.poisson(mean_ties * n / 2)
    order = np.argsort(owner, kind="stable")
    members, owner = members[order], owner[order]
    starts = np.searchsorted(owner, owner)  # first index of each node's block
    counts = np.bincount(owner)[owner]
    a = rng.integers(0, n, m)
    b = starts[a] + (rng.random(m) * counts[a]).astype(np.int64)
    return np.column_stack([members[a], members[b]])


def _ring(n: int, mean_degree: float, rewiring: float, rng) -> np.ndarray:
    """Watts-Strogatz: each household tied to its next households in street order (grids
    are consecutive), k/2 of them on average, each tie's far end rewired at random."""
    half = int(np.ceil(mean_degree / 2))
    a = np.repeat(np.arange(n, dtype=np.int64), half)
    step = np.tile(np.arange(1, half + 1), n)
    b = (a + step) % n
    keep = (step <= mean_degree // 2) | (rng.random(a.size) < mean_degree / 2 - mean_degree // 2)
    a, b = a[keep], b[keep]
    move = rng.random(b.size) < rewiring
    b[move] = rng.integers(0, n, int(move.sum()))
    return np.column_stack([a, b])


def generate(p: CommunityParams, rng: np.random.Generator) -> Community:
    """A street of communities of grids; ties by `graph_model` (default: dense within a
    grid, sparse across). Every model gives the same households and grids for a seed."""
    sizes = _grid_sizes(p, rng)
    n_grids = sizes.size
    grid = np.repeat(np.arange(n_grids, dtype=np.int32), sizes)
    wanted = p.communities if p.communities is not None else max(1, round(p.residents / 1600))
    n_comm = min(wanted, n_grids)
    grid_comm = (np.arange(n_grids) * n_comm // n_grids).astype(np.int32)
    community = grid_comm[grid]
    nodes = np.arange(grid.size, dtype=np.int64)
    mean_degree = p.ties_within_grid + p.ties_across_grids + p.ties_across_communities
    if p.graph_model == "grid_clustered":
        edges = np.concatenate(
            [
                _sample_ties(nodes, grid, p.ties_within_grid, rng),
                _sample_ties(nodes, community, p.ties_across_grids, rng),
                _sample_ties(nodes, np.zeros_like(grid), p.ties_across_communities, rng),
            ]
        )
    elif p.graph_model == "erdos_renyi":
        edges = _sample_ties(nodes, np.zeros_like(grid), mean_degree, rng)
    elif p.graph_model == "watts_strogatz":
        edges = _ring(grid.size, mean_degree, p.rewiring, rng)
    else:  # no_ties
        edges = np.empty((0, 2), dtype=np.int64)
    return _assemble(grid, community, edges)


@nb.njit(cache=True)
def _csr(n, u, v):
    """Symmetric CSR arrays of the ties (u[i], v[i]) (u < v, each once), rows sorted."""
    indptr = np.zeros(n + 1, dtype=np.int64)
    for i in range(u.size):
        indptr[u[i] + 1] += 1
        indptr[v[i] + 1] += 1
    for h in range(n):
        indptr[h + 1] += indptr[h]
    fill = indptr[:-1].copy()
    indices = np.empty(2 * u.size, dtype=np.int32)
    for i in range(u.size):
        indices[fill[u[i]]] = v[i]
        fill[u[i]] += 1
        indices[fill[v[i]]] = u[i]
        fill[v[i]] += 1
    for h in range(n):
        indices[indptr[h] : indptr[h + 1]].sort()
    return indptr, indices


def _assemble(grid: np.ndarray, community: np.ndarray, edges: np.ndarray) -> Community:
    n = grid.size
    edges = edges[edges[:, 0] != edges[:, 1]]
    lo, hi = np.minimum(edges[:, 0], edges[:, 1]), np.maximum(edges[:, 0], edges[:, 1])
    key = np.sort(lo * n + hi)
    key = key[np.r_[True, key[1:] != key[:-1]][: key.size]]  # each tie once
    u, v = key // n, key % n
    indptr, indices = _csr(n, u, v)  # both directions, each row's ties in order
    adj = sp.csr_array((np.ones(indices.size, np.float32), indices, indptr), shape=(n, n))
    return Community(grid.astype(np.int32), community.astype(np.int32), adj)


# ---------------------------------------------------------------- loading
def merge_small_grids(grid: np.ndarray, adj: sp.csr_array, min_size: int) -> np.ndarray:
    """Fold detected communities smaller than a grid's lower size into the grid they
    have most ties with (or the smallest other grid), smallest first, so grids have a
    plausible size (网格: 300-500 households) and staff per grid stay comparable."""
    k = int(grid.max()) + 1
    member = sp.csr_array((np.ones(grid.size), (np.arange(grid.size), grid)), (grid.size, k))
    links = (member.T @ adj @ member).toarray()  # ties between detected communities
    np.fill_diagonal(links, 0)
    sizes = np.bincount(grid, minlength=k).astype(np.int64)
    into = np.arange(k)
    alive = sizes > 0
    while alive.sum() > 1:
        small = int(np.argmin(np.where(alive, sizes, np.iinfo(np.int64).max)))
        if sizes[small] >= min_size:
            break
        row = np.where(alive, links[small], -1)
        row[small] = -1
        if row.max() > 0:
            target = int(np.argmax(row))
        else:
            others = np.where(alive, sizes, np.iinfo(np.int64).max)
            others[small] = np.iinfo(np.int64).max
            target = int(np.argmin(others))
        links[target] += links[small]
        links[:, target] += links[:, small]
        links[target, target] = 0
        sizes[target] += sizes[small]
        alive[small] = False
        into[into == small] = target
    return np.unique(into[grid], return_inverse=True)[1].astype(np.int32)


MIN_HOUSEHOLDS = 10  # as `community.residents`: the smallest street


def from_graph(g: nx.Graph, seed: int = 0, source: str = "graph", min_grid: int = 1) -> Community:
    """Use a networkx graph; grids come from community detection when unlabelled
    (communities smaller than `min_grid` households are merged into a neighbour)."""
    if g.number_of_nodes() < MIN_HOUSEHOLDS:
        raise GraphFileError(
            f"{source}: {g.number_of_nodes()} households (nodes); a street needs at least "
            f"{MIN_HOUSEHOLDS} to form grids"
        )
    g = nx.Graph(g)  # undirected, simple
    g.remove_edges_from(nx.selfloop_edges(g))
    nodes = list(g.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    grid = _labels(g, nodes, "grid", source)
    detected = grid is None
    if detected:
        # No grid labels: partition by community detection (Louvain), seeded.
        parts = nx.community.louvain_communities(g, seed=seed)
        grid = np.empty(len(nodes), dtype=np.int32)
        for k, part in enumerate(sorted(parts, key=lambda s: min(index[x] for x in s))):
            grid[[index[x] for x in part]] = k
    community = _labels(g, nodes, "community", source)
    if community is None:
        community = np.zeros(len(nodes), dtype=np.int32)
    edges = np.array([(index[a], index[b]) for a, b in g.edges], dtype=np.int64).reshape(-1, 2)
    c = _assemble(grid, community, edges)
    if detected and min_grid > 1:
        c.grid = merge_small_grids(c.grid, c.adjacency, min_grid)
    return c


def _labels(g: nx.Graph, nodes: list, attr: str, source: str) -> np.ndarray | None:
    values = [g.nodes[x].get(attr) for x in nodes]
    missing = sum(v is None for v in values)
    if missing == len(values):
        return None
    if missing:
        raise GraphFileError(
            f"{source}: node attribute {attr!r} is set on some nodes but missing on {missing}; "
            "label every node or none"
        )
    bad = next((v for v in values if isinstance(v, float) and not np.isfinite(v)), None)
    if bad is not None:
        raise GraphFileError(f"{source}: node attribute {attr!r} has the value {bad}")
    codes = {v: k for k, v in enumerate(dict.fromkeys(values))}
    return np.array([codes[v] for v in values], dtype=np.int32)


def _read_edge_list(path: Path) -> nx.Graph:
    """Strict: every line is `u v` (a third, numeric weight column is ignored)."""
    delim = "," if path.suffix.lower() == ".csv" else None
    g = nx.Graph()
    with path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = [x.strip() for x in line.split(delim)]
            if len(parts) == 3:
                try:
                    float(parts[2])
                except ValueError:
                    parts = []
            if len(parts) not in (2, 3) or not all(parts[:2]):
                raise GraphFileError(
                    f"{path}: malformed graph file (line {lineno}: expected 'u v' "
                    f"or 'u v weight', got {line[:40]!r})"
                )
            g.add_edge(parts[0], parts[1])
    if g.number_of_nodes() == 0:
        raise GraphFileError(f"{path}: the file has no edges")
    return g


def _check_graphml_ids(path: Path) -> None:
    """Every node has an id, once; every edge joins declared nodes (networkx would
    silently merge duplicates and invent undeclared nodes)."""
    from xml.etree.ElementTree import iterparse

    declared: set[str] = set()
    ends: list[tuple[int, str]] = []
    for k, (_, el) in enumerate(iterparse(path, events=("end",))):
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "node":
            nid = el.get("id")
            if not nid:
                raise GraphFileError(f"{path}: node {len(declared) + 1} has no id")
            if nid in declared:
                raise GraphFileError(f"{path}: duplicate node id {nid[:40]!r}")
            declared.add(nid)
        elif tag == "edge":
            for end in ("source", "target"):
                if not el.get(end):
                    raise GraphFileError(f"{path}: edge {k} has no {end}")
                ends.append((k, el.get(end)))
        el.clear()
    for _, nid in ends:
        if nid not in declared:
            raise GraphFileError(
                f"{path}: an edge refers to node {nid[:40]!r}, which is not declared "
                "(<node id=...>)"
            )


def load(path: str | Path, seed: int = 0, min_grid: int = 1) -> Community:
    """Load a GraphML (.graphml) or edge-list (.edgelist, .txt, .csv, .tsv) file."""
    path = Path(path)
    why = not_a_file(path)
    if why:
        raise GraphFileError(f"{path}: {why}")
    try:
        size = path.stat().st_size
        if size == 0:
            raise GraphFileError(f"{path}: the file is empty")
        if size > MAX_GRAPH_BYTES:
            raise GraphFileError(
                f"{path}: {size:,} bytes; graph files up to {MAX_GRAPH_BYTES:,} bytes are read"
            )
        if path.suffix.lower() in (".graphml", ".xml"):
            _check_graphml_ids(path)
            g = nx.read_graphml(path)
        elif path.suffix.lower() in (".edgelist", ".txt", ".csv", ".tsv", ".edges"):
            g = _read_edge_list(path)
        else:
            raise GraphFileError(
                f"{path}: unknown graph format {path.suffix!r} "
                "(allowed: .graphml, .edgelist, .txt, .csv, .tsv, .edges)"
            )
    except GraphFileError:
        raise
    except (OSError, UnicodeDecodeError) as e:
        raise GraphFileError(f"{path}: cannot read the file ({e.__class__.__name__}: {e})") from e
    except Exception as e:  # networkx and expat raise many kinds on malformed input
        msg = str(e).splitlines()[0] if str(e) else e.__class__.__name__
        raise GraphFileError(f"{path}: malformed graph file ({msg[:120]})") from e
    return from_graph(g, seed=seed, source=str(path), min_grid=min_grid)


def build(p: CommunityParams, rng: np.random.Generator, base_dir: Path | None = None) -> Community:
    if p.graph_file is not None:
        path = p.graph_file if base_dir is None else base_dir / p.graph_file
        return load(path, seed=int(rng.integers(2**31)), min_grid=p.grid_size[0])
    return generate(p, rng)
