"""Residents act on the community graph: shared needs, disputes, contagious
volunteering and online groups travel along ties (issue: 'Residents act on the
community graph')."""

from pathlib import Path

import networkx as nx
import numpy as np
import pytest

import sim
from sim import community as community_mod
from sim.cases import Channel, State
from sim.model import CoGovModel
from sim.params import CommunityParams

VILLAGE = Path(sim.__file__).parent / "data" / "networks" / "karnataka_village2.graphml"


def _summaries(params, seeds):
    return [sim.run(params, seed=s).summary for s in seeds]


def _paired(a, b, metric):
    d = np.array([x[metric] - y[metric] for x, y in zip(a, b, strict=True)])
    return d.mean(), d.std(ddof=1) / np.sqrt(d.size)


@pytest.mark.parametrize("model", ["erdos_renyi", "watts_strogatz", "no_ties"])
def test_graph_models_keep_households_grids_and_mean_degree(model):
    base = CommunityParams(residents=3000)
    a = community_mod.generate(base, np.random.default_rng(4))
    b = community_mod.generate(
        base.model_copy(update={"graph_model": model}), np.random.default_rng(4)
    )
    assert (a.grid == b.grid).all() and (a.community == b.community).all()
    deg_a, deg_b = np.diff(a.adjacency.indptr), np.diff(b.adjacency.indptr)
    if model == "no_ties":
        assert deg_b.sum() == 0
    else:
        assert abs(deg_b.mean() - deg_a.mean()) < 0.15 * deg_a.mean()
        coo = b.adjacency.tocoo()
        same_grid = (b.grid[coo.row] == b.grid[coo.col]).mean()
        assert same_grid < 0.2 if model == "erdos_renyi" else same_grid > 0.7


def test_removing_every_tie_lowers_participation_and_does_not_raise_resolution(small):
    seeds = sim.replication_seeds(21, 6)
    tied = _summaries(sim.chorus(community=small, days=180), seeds)
    bare = small.model_copy(update={"graph_model": "no_ties"})
    alone = _summaries(sim.chorus(community=bare, days=180), seeds)
    mean, se = _paired(tied, alone, "participation_rate")
    assert mean > 4 * se and mean > 0.05, (mean, se)
    mean, se = _paired(tied, alone, "resolution_rate")
    assert mean > -2 * se, (mean, se)  # no ties: no better


def test_a_shared_need_moves_every_affected_household_and_nobody_else():
    """Word of mouth off: trust moves exactly for the households of today's outcomes."""
    s = sim.solo(community=CommunityParams(residents=1500, communities=1), days=120)
    s = s.model_copy(update={"residents": s.residents.model_copy(update={"word_of_mouth": 0.0})})
    m = CoGovModel(s, seed=2)
    b = m.book
    checked_collective = 0
    for _ in range(120):
        before = m.residents.trust.copy()
        m.step()
        n = b.n
        day = m.day
        ended = (b.closed[:n] == day) & (b.state[:n] >= State.RESOLVED)
        conflict = (b.channel[:n] == Channel.CONFLICT) & (b.taken_in[:n] == day)
        rows = np.flatnonzero(ended | conflict)
        _, who = b.affected(rows)
        changed = np.flatnonzero(m.residents.trust != before)
        assert np.isin(changed, who).all()  # nobody outside today's cases
        collective = rows[m.cat_collective[b.category[rows]] & (b.others_n[rows] > 0)]
        _, touched = b.affected(collective)
        assert np.isin(touched, changed).all()  # every household the need touched
        checked_collective += collective.size
    assert checked_collective > 20


def test_a_dispute_is_between_two_tied_households(solo_small):
    m = sim.run(solo_small, seed=3, keep_model=True).model
    b, n = m.book, m.book.n
    dispute = np.flatnonzero(m.cat_dispute[b.category[:n]])
    assert dispute.size > 50 and (b.others_n[dispute] == 1).all()
    other = b.others[b.others_start[dispute]]
    assert (m.community.adjacency[b.resident[dispute], other] > 0).all()


def test_escalated_disputes_spread_along_ties(solo_small):
    hot = solo_small.model_copy(
        update={"residents": solo_small.residents.model_copy(update={"conflict_spread": 0.3})}
    )
    cold = solo_small.model_copy(
        update={"residents": solo_small.residents.model_copy(update={"conflict_spread": 0.0})}
    )
    spread = [sim.run(hot, seed=s).summary["spread_disputes"] for s in range(3)]
    assert sum(spread) > 30 and min(spread) > 0, spread
    assert all(sim.run(cold, seed=s).summary["spread_disputes"] == 0 for s in range(3))


def test_volunteering_is_contagious(small):
    """Non-party residents tied to 双报到 volunteers join more often, and the more so
    the stronger the contagion."""

    def gap(contagion):
        s = sim.solo(community=small, days=240).with_levers(mobilisation=True)
        s = s.model_copy(
            update={
                "residents": s.residents.model_copy(
                    update={"volunteer_contagion": contagion, "volunteer_rate": 0.0005}
                )
            }
        )
        tied_rate, alone_rate = [], []
        for seed in range(3):
            m = sim.run(s, seed=seed, keep_model=True).model
            res = m.residents
            party_ties = m.community.adjacency @ res.party_member.astype(float)
            eligible = ~res.party_member
            joined = res.participated & eligible  # mobilisation only: participating = volunteering
            tied_rate.append(joined[eligible & (party_ties > 0)].mean())
            alone_rate.append(joined[eligible & (party_ties == 0)].mean())
        return np.mean(tied_rate) - np.mean(alone_rate)

    strong, none = gap(6.0), gap(0.0)
    assert strong > 0.02, strong
    assert strong > none + 0.02, (strong, none)


def test_online_group_hears_along_ties():
    """A silent need of a resident tied to a group member surfaces online more often than
    one of a resident with no ties outside the group."""
    sparse = CommunityParams(
        residents=3000, communities=2, ties_within_grid=1.0, ties_across_grids=0.2,
        ties_across_communities=0.0,
    )  # fmt: skip
    s = sim.solo(community=sparse, days=200).with_levers(
        mobilisation={"enabled": True, "online_members": 0.2, "online_growth": 0.0}
    )
    found = {"tied": [0, 0], "isolated": [0, 0]}
    for seed in range(3):
        m = sim.run(s, seed=seed, keep_model=True).model
        lever = m.levers["mobilisation"]
        b, n = m.book, m.book.n
        deg = np.diff(m.community.adjacency.indptr)
        own = (b.others_n[:n] == 0) & (b.taken_in[:n] >= 0) & (b.channel[:n] != Channel.VOICED)
        res = b.resident[:n]
        outside = ~lever.member[res]
        groups = {
            "tied": own & outside & lever.hears[res],
            "isolated": own & outside & (deg[res] == 0),
        }
        for key, sel in groups.items():
            found[key][0] += int((sel & (b.channel[:n] == Channel.ONLINE)).sum())
            found[key][1] += int(sel.sum())
    tied = found["tied"][0] / found["tied"][1]
    assert found["isolated"][1] > 50 and found["tied"][1] > 50
    assert found["isolated"][0] == 0 and tied > 0.1, found


def test_a_real_network_without_grid_labels_runs_and_its_structure_matters(tmp_path):
    """The bundled village network (no grid labels) runs end to end; rewiring its ties
    across grids (same households, grids and degrees) changes what residents share."""
    assert VILLAGE.is_file()
    real = sim.chorus(community={"graph_file": str(VILLAGE)}, days=150)
    m = CoGovModel(real, seed=0)
    assert m.community.n == 877 and m.community.n_grids >= 2
    assert np.bincount(m.community.grid).min() >= real.community.grid_size[0]  # merged up
    g = nx.read_graphml(VILLAGE)
    mixed = nx.double_edge_swap(nx.Graph(g), nswap=5 * g.number_of_edges(), max_tries=10**6, seed=1)
    nodes = list(g.nodes)
    for k, node in enumerate(nodes):  # the same grids for both: the real graph's partition
        g.nodes[node]["grid"] = int(m.community.grid[k])
        mixed.nodes[node]["grid"] = int(m.community.grid[k])
    nx.write_graphml(g, tmp_path / "real.graphml")
    nx.write_graphml(mixed, tmp_path / "mixed.graphml")
    a = _summaries(
        sim.chorus(community={"graph_file": str(tmp_path / "real.graphml")}, days=150), range(3)
    )
    b = _summaries(
        sim.chorus(community={"graph_file": str(tmp_path / "mixed.graphml")}, days=150), range(3)
    )
    assert all(x["arisen"] > 200 and x["resolved"] > 50 for x in a)
    mean, se = _paired(a, b, "duplicate_reports")  # shared needs reach more ties in a grid
    assert mean > 3 * se and mean > 0, (mean, se)
