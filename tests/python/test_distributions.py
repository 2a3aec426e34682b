"""The Python distributions: keyword constructors, seeded NumPy samples, reprs, pickling."""

import pickle

import numpy as np
import pytest

import slsim


def test_version_matches_core():
    assert slsim.__version__ == slsim._core.__version__
    assert slsim.__version__.count(".") == 2


def test_sample_is_numpy_and_seeded():
    d = slsim.Exponential(mean=1991)
    a = d.sample(100_000, seed=7)
    b = d.sample(100_000, seed=7)
    c = d.sample(100_000, seed=8)
    assert isinstance(a, np.ndarray) and a.dtype == np.float64 and a.shape == (100_000,)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)
    # Sample mean within 5 standard errors of the exact mean.
    assert abs(a.mean() - 1991) < 5 * 1991 / np.sqrt(a.size)


@pytest.mark.parametrize(
    "dist",
    [
        slsim.Constant(253),
        slsim.Uniform(low=1, high=3),
        slsim.Exponential(rate=0.5),
        slsim.Normal(mean=10, sd=2),
        slsim.LogNormal(median=120, p99=900),
        slsim.LogNormal(mu=-0.38, sigma=2.36),
        slsim.Gamma(shape=2, scale=3),
        slsim.Weibull(shape=1.5, scale=2),
        slsim.BurrXII(c=11.652, k=0.221, lambda_=107.083),
        slsim.Empirical([1, 2, 3]),
        slsim.Percentiles({0: 1, 50: 5, 99.9: 8, 100: 9}),
        slsim.parse_distribution("gamma(shape=2,rate=4)"),
    ],
)
def test_repr_is_evalable_and_pickle_round_trips(dist):
    again = eval(repr(dist), {"slsim": slsim})
    assert again == dist
    assert pickle.loads(pickle.dumps(dist)) == dist
    assert slsim.parse_distribution(dist.spec) == dist


def test_lognormal_from_median_p99_quantiles():
    d = slsim.LogNormal(median=120, p99=900)
    assert d.quantile(0.5) == pytest.approx(120)
    assert d.quantile(0.99) == pytest.approx(900)
    x = d.sample(200_000, seed=3)
    assert np.median(x) == pytest.approx(120, rel=0.02)


def test_bad_parameters_raise_value_error_with_the_rule():
    with pytest.raises(ValueError, match="mean must be > 0"):
        slsim.Exponential(mean=-1)
    with pytest.raises(ValueError, match="exactly one of mean= or rate="):
        slsim.Exponential(mean=1, rate=2)
    with pytest.raises(ValueError, match="p99 must be > median"):
        slsim.LogNormal(median=100, p99=10)
    with pytest.raises(ValueError, match="unknown family"):
        slsim.parse_distribution("zipf(s=2)")
    with pytest.raises(TypeError):
        slsim.Uniform(1, 2)  # keyword-only
