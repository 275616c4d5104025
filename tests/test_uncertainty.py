"""Bootstrap intervals and paired comparisons, against cases worked by hand."""
import itertools

import numpy as np
import pytest
from fsrstudy.evaluation import uncertainty


def test_an_interval_matches_the_exact_bootstrap_of_a_small_case():
    """Three queries, AP 0.2, 0.4, 0.9: of the 27 equally likely resamples, one (3.7%,
    more than 2.5%) has mean 0.2 and one has mean 0.9, so the 95% interval is [0.2,
    0.9]. With four queries, the 2.5% point is enumerated from the 256 resamples."""
    assert uncertainty.interval([0.2, 0.4, 0.9], samples=100_000, seed=1) == \
        pytest.approx((0.2, 0.9))
    values = [0.2, 0.4, 0.9, 0.9]
    means = np.array([np.mean(c) for c in itertools.product(values, repeat=4)])
    # the exact distribution's 2.5% point: the smallest mean m with P(mean <= m) >= 2.5%
    exact_low = min(m for m in set(means) if (means <= m + 1e-12).mean() >= 0.025)
    assert exact_low == pytest.approx(0.3)
    assert uncertainty.interval(values, samples=200_000, seed=1)[0] == pytest.approx(0.3)


def test_degenerate_cases():
    assert uncertainty.interval([0.5, 0.5, 0.5]) == (0.5, 0.5)
    assert all(np.isnan(uncertainty.interval([np.nan, np.nan])))
    assert uncertainty.interval([0.3, np.nan]) == (0.3, 0.3)  # NaN: no positives, left out


def test_the_same_seed_gives_the_same_interval_another_seed_another():
    values = np.random.default_rng(0).random(20)
    assert uncertainty.interval(values, seed=3) == uncertainty.interval(values, seed=3)
    assert uncertainty.interval(values, seed=3) != uncertainty.interval(values, seed=4)


def test_a_paired_comparison_that_must_say_not_distinguishable():
    """Two methods that win and lose by the same amounts on the same queries: the mean
    difference is 0 and no resample can put the interval clear of it."""
    a = np.array([0.5, 0.7, 0.2, 0.9, 0.4, 0.6])
    b = a + np.array([0.1, -0.1, 0.1, -0.1, 0.1, -0.1])
    result = uncertainty.paired_difference(a, b, names=("fsrgan", "lr"))
    assert result["difference"] == pytest.approx(0.0, abs=1e-12)
    assert result["verdict"] == "not distinguishable" and result["n"] == 6


def test_a_paired_comparison_sees_a_consistent_small_gain_that_unpaired_intervals_miss():
    rng = np.random.default_rng(0)
    b = rng.random(30)
    a = b + 0.01  # always 0.01 better: the queries' spread (0.3) hides it unpaired
    result = uncertainty.paired_difference(a, b, names=("ridge", "lr"))
    assert result["verdict"] == "ridge above lr"
    assert result["low"] == pytest.approx(0.01) and result["high"] == pytest.approx(0.01)
    low_a, high_a = uncertainty.interval(a)
    assert low_a < b.mean() < high_a  # unpaired, the intervals overlap
    assert uncertainty.paired_difference(b, a, names=("lr", "ridge"))["verdict"] == \
        "ridge above lr"
    with pytest.raises(ValueError, match="same queries"):
        uncertainty.paired_difference(a, b[:3])
