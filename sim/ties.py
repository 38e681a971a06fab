"""Vectorised walks over the community graph (CSR adjacency): who is tied to whom.

No per-resident Python loop: each helper works on many nodes at once.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def degree(adj: sp.csr_array) -> np.ndarray:
    return np.diff(adj.indptr)


def ends(adj: sp.csr_array, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every tie of each node: (position of the node in `nodes`, its neighbour)."""
    start = adj.indptr[nodes]
    deg = adj.indptr[nodes + 1] - start
    owner = np.repeat(np.arange(nodes.size), deg)
    offs = np.arange(deg.sum()) - np.repeat(np.cumsum(deg) - deg, deg)
    return owner, adj.indices[np.repeat(start, deg) + offs]


def random_ties(adj: sp.csr_array, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ties drawn uniformly (one uniform each): (one end, the other end)."""
    e = np.minimum((u * adj.indices.size).astype(np.int64), adj.indices.size - 1)
    return np.searchsorted(adj.indptr, e, side="right") - 1, adj.indices[e]


def share_tied(adj: sp.csr_array, nodes: np.ndarray, flag: np.ndarray) -> np.ndarray:
    """Share of each node's ties whose other end has `flag` (0 for a node with no ties)."""
    owner, nbr = ends(adj, nodes)
    hits = np.bincount(owner, weights=flag[nbr], minlength=nodes.size)
    deg = np.bincount(owner, minlength=nodes.size)
    return np.divide(hits, deg, out=np.zeros(nodes.size), where=deg > 0)
