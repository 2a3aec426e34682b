"""slsim.sweep on a thread pool and on a Dask distributed.Client; pickling of workloads."""

import os
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import slsim

SRC = Path(os.environ.get("SLSIM_SOURCE_DIR", "."))


@pytest.mark.parametrize("make", [
    lambda: slsim.Workload.poisson(rate_per_s=5, duration_s=600, duration_ms=200, seed=1),
    lambda: slsim.Workload.from_azure2021(SRC / "tests/data/azure2021/Azure2021_200.csv", top_n=3),
    lambda: slsim.Workload.from_arrays(arrival_s=[3, 1, 2], duration_ms=[5, 6, 7],
                                       function=["a", "b", "a"], invocation=["sync", "async", "sync"]),
])
def test_workloads_pickle_to_the_same_stream(make):
    w = make()
    again = pickle.loads(pickle.dumps(w))
    a, b = w.to_arrays(), again.to_arrays()
    assert np.array_equal(a["arrival_s"], b["arrival_s"])
    assert np.array_equal(a["duration_ms"], b["duration_ms"])
    assert a["function_names"] == b["function_names"]


def test_memory_sweep_on_threads_is_ordered_and_deterministic():
    wl = slsim.Workload.poisson(rate_per_s=5, duration_s=3600, duration_ms=200, memory_mb=1024, seed=1)
    configs = [slsim.Lambda(memory_mb=m, cpu_bound_fraction=1.0) for m in (128, 256, 512, 1024, 2048)]
    df = slsim.sweep(wl, configs, as_of="2026-11-01", free_tier=False, seed=3)
    assert list(df["config"]) == [repr(c) for c in configs]
    assert df["latency_ms.p50"].is_monotonic_decreasing
    assert (df["invocations.arrived"] == len(wl)).all()
    again = slsim.sweep(wl, configs, as_of="2026-11-01", free_tier=False, seed=3, max_workers=1)
    pd.testing.assert_frame_equal(df, again)


def test_sweep_on_a_dask_client_matches_the_thread_pool():
    distributed = pytest.importorskip("distributed")
    wl = slsim.Workload.bursty(rate_per_s=10, duration_s=600, duration_ms="lognormal(median=50,p99=400)", seed=2)
    configs = [slsim.Lambda(memory_mb=m) for m in (128, 512)]
    local = slsim.sweep(wl, configs, as_of="2026-11-01")
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2,
                            dashboard_address=None) as client:
        remote = slsim.sweep(wl, configs, as_of="2026-11-01", client=client)
    pd.testing.assert_frame_equal(local, remote)
