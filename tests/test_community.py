import networkx as nx
import numpy as np
import pytest

import sim
from sim.community import GraphFileError, generate, load
from sim.params import CommunityParams


def test_generator_is_seeded_and_grids_are_dense_inside():
    p = CommunityParams(residents=6000, communities=3)
    a = generate(p, np.random.default_rng(1))
    b = generate(p, np.random.default_rng(1))
    assert (a.adjacency != b.adjacency).nnz == 0 and (a.grid == b.grid).all()
    sizes = np.bincount(a.grid)
    assert sizes.sum() == 6000 and sizes.min() >= 280 and sizes.max() <= 520
    coo = a.adjacency.tocoo()
    same_grid = (a.grid[coo.row] == a.grid[coo.col]).mean()
    assert same_grid > 0.75  # dense within a grid, sparse across
    assert len(np.unique(a.community)) == 3
    g = a.graph
    assert g.number_of_nodes() == 6000 and all(isinstance(n, int) for n in list(g)[:10])
    assert set(g.nodes[0]) == {"grid", "community"}


def test_graphml_without_grid_labels_gets_grids(tmp_path):
    g = nx.connected_caveman_graph(12, 30)  # 12 obvious clusters
    g = nx.relabel_nodes(g, {n: f"hh{n}" for n in g})  # string ids, no attributes
    path = tmp_path / "street.graphml"
    nx.write_graphml(g, path)
    c = load(path)
    assert c.n == 360
    assert 8 <= c.n_grids <= 16
    # detected grids follow the caves: most ties stay inside a grid
    coo = c.adjacency.tocoo()
    assert (c.grid[coo.row] == c.grid[coo.col]).mean() > 0.9
    r = sim.run(sim.solo(days=30), seed=1, community=c)
    assert r.summary["arisen"] > 0


def test_labelled_edge_list_and_graphml_keep_their_grids(tmp_path):
    g = nx.path_graph(40)
    nx.set_node_attributes(g, {n: f"g{n // 10}" for n in g}, "grid")
    path = tmp_path / "labelled.graphml"
    nx.write_graphml(g, path)
    c = load(path)
    assert c.n_grids == 4 and np.bincount(c.grid).tolist() == [10] * 4
    el = tmp_path / "ties.edgelist"
    el.write_text("# a comment\n1 2\n2 3\n3 1\n4 5\n5 6\n6 4\n3 4\n7 8\n9 10\n8 9\n")
    c2 = load(el)
    assert c2.n == 10 and c2.adjacency.nnz == 20


def test_scenario_can_name_a_graph_file(tmp_path):
    path = tmp_path / "g.graphml"
    nx.write_graphml(nx.connected_caveman_graph(4, 25), path)
    s = sim.solo(days=20, community={"graph_file": path})
    r = sim.run(s, seed=0, keep_model=True)
    assert r.model.community.n == 100


@pytest.mark.parametrize(
    ("name", "content", "expect"),
    [
        ("empty.graphml", "", "empty"),
        ("broken.graphml", "<graphml><graph><node id='a'>", "malformed"),
        ("broken.edgelist", "1 2 3 4 5\n", "malformed"),
        ("odd.gexf", "<gexf/>", "unknown graph format"),
        ("bin.edgelist", b"\xff\xfe\x00\x81", "cannot read"),
        ("half.graphml", None, "missing on"),
    ],
)
def test_bad_graph_files_give_clear_errors(tmp_path, name, content, expect):
    path = tmp_path / name
    if content is None:
        g = nx.path_graph(12)
        g.nodes[0]["grid"] = "a"
        nx.write_graphml(g, path)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(GraphFileError) as e:
        load(path)
    msg = str(e.value)
    assert str(path) in msg and expect in msg and "\n" not in msg


def test_missing_graph_file(tmp_path):
    with pytest.raises(GraphFileError, match="no such file"):
        load(tmp_path / "nope.graphml")
