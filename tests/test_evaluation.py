"""Oxford-style AP, checked against values computed by hand."""
import numpy as np
import pytest
from fsrstudy.data import groundtruth
from fsrstudy.evaluation import distances, scoring
from fsrstudy.models import normalise


def test_perfect_ranking_has_ap_one():
    assert scoring.average_precision([3, 1, 0, 2], positives=[3, 1]) == pytest.approx(1.0)


def test_trapezoid_rule_by_hand():
    # positives at ranks 0 and 2: (1+1)/2 + (1/2 + 2/3)/2, over 2 positives
    ap = scoring.average_precision([5, 7, 6], positives=[5, 6])
    assert ap == pytest.approx((1.0 + (0.5 + 2 / 3) / 2) / 2)


def test_first_positive_late():
    # one positive at rank 3: p0 = 0/3, p1 = 1/4 -> AP = 1/8
    assert scoring.average_precision([0, 1, 2, 3], positives=[3]) == pytest.approx(0.125)


def test_junk_is_removed_from_the_ranking():
    with_junk = scoring.average_precision([9, 5, 8, 7, 6], positives=[5, 6], junk=[9, 8])
    assert with_junk == pytest.approx(scoring.average_precision([5, 7, 6], [5, 6]))


def test_differs_from_the_step_rule():
    # scikit-learn's step rule would give (1 + 2/3)/2 = 0.8333 here
    assert scoring.average_precision([5, 7, 6], [5, 6]) == pytest.approx(0.7916666, abs=1e-6)


def test_query_without_positives_is_skipped_in_map():
    ranks = np.array([[0, 1, 2], [2, 1, 0]])
    m_ap, aps = scoring.mean_average_precision(ranks, [[0], []])
    assert m_ap == pytest.approx(1.0)
    assert np.isnan(aps[1])
    with pytest.raises(ValueError):
        scoring.average_precision([0, 1], positives=[])


def test_rank_by_cosine_similarity():
    database = np.array([[1.0, 0.0], [0.0, 1.0], [0.7, 0.7]])
    ranks = scoring.rank(np.array([[2.0, 0.1]]), database)
    assert ranks.tolist() == [[0, 2, 1]]


def test_precision_at_k_revisitop_convention():
    # positives at 1-based ranks 1 and 3 after removing junk item 9
    ranking = [4, 9, 8, 5, 0, 1, 2]
    p1, p5, p10 = scoring.precision_at_k(ranking, positives=[4, 5], junk=[9])
    assert p1 == 1.0
    assert p5 == pytest.approx(2 / 3) and p10 == pytest.approx(2 / 3)  # k capped at rank 3
    assert scoring.precision_at_k([0, 1, 2, 3], [3], ks=(1, 2))[0] == 0.0


def test_revisited_protocols():
    gnd = {"easy": [1, 2], "hard": [3], "junk": [7]}
    assert groundtruth.revisited_protocol(gnd, "easy") == ([1, 2], [7, 3])
    assert groundtruth.revisited_protocol(gnd, "medium") == ([1, 2, 3], [7])
    assert groundtruth.revisited_protocol(gnd, "hard") == ([3], [7, 1, 2])
    with pytest.raises(ValueError):
        groundtruth.revisited_protocol(gnd, "extreme")
    # hard protocol: an easy image ranked first is junk, not a miss
    positives, junk = groundtruth.revisited_protocol(gnd, "hard")
    assert scoring.average_precision([1, 3, 0], positives, junk) == pytest.approx(1.0)


def test_mean_precision_at_k_skips_queries_without_positives():
    ranks = np.array([[0, 1, 2], [2, 1, 0], [0, 1, 2]])
    m = scoring.mean_precision_at_k(ranks, [[0], [0], []], ks=(1, 3))
    # query 0: P@1 = 1; query 1: positive at rank 3 -> P@1 = 0, P@3 = 1/3
    assert m == pytest.approx([0.5, (1 + 1 / 3) / 2])


def test_a_feature_and_its_half_are_equally_far_from_hr():
    """Distances are taken between L2-normalised features: a method whose output is
    shorter (0.5 x) ranks alike, and is not made closer to HR by its length."""

    rng = np.random.default_rng(0)
    hr, x = rng.normal(size=(5, 8)), rng.normal(size=(5, 8))
    np.testing.assert_allclose(normalise.feature_distance(x, hr),
                               normalise.feature_distance(0.5 * x, hr), rtol=1e-6)
    # by hand: orthogonal unit directions are sqrt(2) apart, whatever their lengths
    np.testing.assert_allclose(normalise.feature_distance(np.array([[3.0, 0]]),
                                                        np.array([[0, 0.2]])), [2 ** 0.5])
    table = distances.per_image_distances(hr, {("a", 4): x, ("half", 4): 0.5 * x},
                                         np.arange(5).astype(str), "b", "d")
    a, half = (table[table.method == m]["distance"].to_numpy() for m in ("a", "half"))
    np.testing.assert_allclose(a, half, rtol=1e-6)
