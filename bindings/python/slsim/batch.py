"""AWS Batch: ``slsim.Batch(...)``, accepted by :func:`slsim.simulate` and :func:`slsim.sweep`.

Keyword arguments use the names of the scenario file's ``[batch]`` table and of the
``slsim simulate --platform batch`` flags; see docs/models.md ("AWS Batch") for what each means,
its default and its source.
"""

from __future__ import annotations

import datetime as _dt

from . import _core
from .platforms import Result

_JOB = ("job_vcpu", "job_memory_gb", "attempts", "error_probability", "timeout_s", "array_size",
        "array_window_s", "queue", "reference_memory_mb", "cpu_bound_fraction",
        "parallel_fraction")
_ENV = ("compute", "instance_types", "min_vcpus", "desired_vcpus", "max_vcpus")
_TIMING = ("scheduler_interval_s", "starting_s", "container_start_s", "instance_launch_s",
           "fargate_start_s", "scale_down_delay_s", "spot_interruptions_per_hour",
           "spot_discount_pct", "max_submit_wait_s")
_STRUCT = ("compute_environments", "queues", "functions")
_FIELDS = _ENV + _JOB + _TIMING + _STRUCT

_OUTCOMES = ("completed", "failed", "timed_out", "unfinished", "refused", "expired")


class Batch:
    """An AWS Batch configuration (keyword-only; every argument optional).

    One compute environment: compute ("ec2", "spot", "fargate", "fargate_spot"),
    instance_types (list, or "optimal"), min_vcpus, desired_vcpus, max_vcpus. Or several:
    compute_environments=[{"name": ..., "compute": ..., "instance_types": [...], ...}] and
    queues=[{"name": ..., "priority": ..., "compute_environments": [...]}].
    Job definition: job_vcpu, job_memory_gb, attempts (1-10), error_probability, timeout_s
    (0 or >= 60), array_size, array_window_s, queue, reference_memory_mb, cpu_bound_fraction,
    parallel_fraction; per function: functions={"name": {"job_vcpu": 4, ...}}.
    Timing: scheduler_interval_s, starting_s, container_start_s, instance_launch_s,
    fargate_start_s, scale_down_delay_s, spot_interruptions_per_hour, spot_discount_pct.
    Submission: max_submit_wait_s (a SubmitJob call throttled longer than this expires;
    default 86,400 s, EventBridge's default retry window).

    A value that is not allowed raises ValueError naming the keyword.
    """

    def __init__(self, **kwargs):
        unknown = set(kwargs) - set(_FIELDS)
        if unknown:
            raise TypeError(f"Batch() got unknown arguments {sorted(unknown)}; "
                            f"known: {sorted(_FIELDS)}")
        self._kwargs = {k: _plain(v) for k, v in kwargs.items()}
        if isinstance(self._kwargs.get("instance_types"), str):
            self._kwargs["instance_types"] = [self._kwargs["instance_types"]]
        _core._validate_batch(self._kwargs, "")  # against today's rules; again at simulate()

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._kwargs.items())
        return f"slsim.Batch({args})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Batch) and self._kwargs == other._kwargs

    def __hash__(self):
        return hash(repr(self))

    def __reduce__(self):
        return (_make_batch, (self._kwargs,))

    def _simulate(self, workload, *, seed=1, as_of=None, region="us-east-1", discount_pct=0.0,
                  records=False, **_ignored):
        if isinstance(as_of, (_dt.date, _dt.datetime)):
            as_of = as_of.strftime("%Y-%m-%d")
        core = _core._simulate_batch(workload._core, self._kwargs, as_of or "", region, int(seed),
                                     float(discount_pct), bool(records))
        return BatchResult(core, "batch")


def _plain(v):
    """Lists and dicts as plain Python values, so the repr evaluates and pickles."""
    if isinstance(v, tuple):
        return [_plain(x) for x in v]
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    return v


def _make_batch(kwargs):
    return Batch(**kwargs)


class BatchResult(Result):
    """A Batch run's result: the shared summary shape; ``records`` (simulate with records=True)
    has one row per job: arrival_s, start_s, end_s, function, attempts, outcome."""

    def to_pandas(self):
        import pandas as pd

        rec = self.records
        if len(rec["arrival_s"]) == 0 and self._summary["invocations"]["arrived"] > 0:
            flat = pd.json_normalize(self._summary, sep=".")
            return flat.drop(columns=[c for c in flat.columns if c.startswith("cost.line_items")])
        df = pd.DataFrame({k: rec[k] for k in ("arrival_s", "start_s", "end_s", "function",
                                                "attempts")})
        df["outcome"] = pd.Categorical.from_codes(rec["outcome"].astype("int64"),
                                                  categories=list(_OUTCOMES))
        return df

    def __repr__(self) -> str:
        s = self._summary
        inv = s["invocations"]
        p99 = (s["latency_ms"] or {}).get("p99")
        lat = f"p99 {p99 / 1000:.1f} s" if p99 is not None else "no job ended"
        return (f"<slsim.BatchResult: {inv['arrived']} jobs, {inv['completed']} completed, {lat}, "
                f"${s['cost']['total_usd']:.2f}>")
