"""Issue 19, items 3 and 4, from the CLI and Python: AWS Batch cannot run synchronous invocations
(no request/response path), and SubmitJob calls over the 50/s quota wait instead of being dropped."""

import json
import os
import re
import subprocess

import pytest

CLI = os.environ.get("SLSIM_CLI", "build/bin/slsim")
AS_OF = "2026-11-01"
REASON = "synchronous invocations need a request/response path"


def run(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True)


@pytest.fixture
def api_trace(tmp_path):
    # A 20 req/s API of 200 ms calls (no invocation column: synchronous).
    p = tmp_path / "api.csv"
    p.write_text("arrival_s,function,duration_ms,memory_mb\n" +
                 "".join(f"{i * 0.05:.2f},api,200,512\n" for i in range(2000)))
    return p


@pytest.fixture
def mixed_trace(tmp_path):
    p = tmp_path / "mixed.csv"
    rows = []
    for i in range(600):
        rows.append(f"{i * 0.5:.1f},api,200,512,sync\n")
        rows.append(f"{i * 0.5 + 0.25:.2f},orders,300,1024,queue\n")
    p.write_text("arrival_s,function,duration_ms,memory_mb,invocation\n" + "".join(rows))
    return p


def test_simulate_batch_on_a_sync_workload_says_it_cannot_run(api_trace):
    p = run("simulate", str(api_trace), "--platform", "batch", "--as-of", AS_OF)
    assert p.returncode == 2, p.stdout[:300]
    assert f"batch: cannot run — {REASON}" in p.stderr
    assert "'api'" in p.stderr and "2,000 synchronous invocations" in p.stderr


def test_report_marks_batch_cannot_run_naming_the_sync_functions(mixed_trace):
    p = run("report", str(mixed_trace), "--platforms", "lambda,batch", "--as-of", AS_OF,
            "--format", "json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    why = out["platforms"]["batch"]["impossible"]
    assert why.startswith(REASON)
    assert "'api'" in why and "'orders'" in why  # orders (queue) could run on Batch alone
    assert out["recommendation"]["platform"] == "lambda"


def test_python_simulate_batch_on_sync_work_raises_valueerror():
    slsim = pytest.importorskip("slsim")
    w = slsim.Workload.from_arrays(arrival_s=[0, 1], duration_ms=[200, 200], function=["api", "api"])
    with pytest.raises(ValueError, match=f"batch: cannot run — {REASON}"):
        slsim.simulate(w, slsim.Batch(instance_types=["c5.xlarge"]), as_of=AS_OF)


def test_nightly_burst_waits_for_the_submitjob_quota_and_loses_nothing(tmp_path):
    p = tmp_path / "nightly.csv"
    p.write_text("arrival_s,function,duration_ms,memory_mb,invocation\n" +
                 "0,nightly,5000,2048,async\n" * 10_000)
    r = run("simulate", str(p), "--platform", "batch", "--as-of", AS_OF, "--max-vcpus", "100000",
            "--format", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    inv = out["invocations"]
    assert inv["refused"] == 0
    assert inv["completed"] == 10_000
    assert out["extra"]["submit_waited"] == 9_950
    assert out["extra"]["submit_backlog_drain_s"] == pytest.approx(199.0)
    note = next(n for n in out["notes"] if "SubmitJob" in n)
    assert "199 s to drain" in note and "in one call" in note


def test_max_submit_wait_s_reaches_every_front_end(tmp_path):
    # Review finding: "no job is lost" held only for a submitter retrying forever; a SubmitJob call
    # throttled longer than max_submit_wait_s (default 24 h, EventBridge's default retry window)
    # expires. The same key in a scenario file, as a flag and as a Python keyword.
    p = tmp_path / "nightly.csv"
    p.write_text("arrival_s,function,duration_ms,memory_mb,invocation\n" +
                 "0,nightly,5000,2048,async\n" * 5_000)
    r = run("simulate", str(p), "--platform", "batch", "--as-of", AS_OF, "--max-vcpus", "100000",
            "--max-submit-wait-s", "10", "--format", "json")
    assert r.returncode == 0, r.stderr
    inv = json.loads(r.stdout)["invocations"]
    assert 549 <= inv["completed"] <= 551 and inv["expired"] == 5_000 - inv["completed"]
    s = tmp_path / "s.toml"
    s.write_text(f'name="t"\nas_of={AS_OF}\n[workload]\ntrace="{p}"\n[batch]\nmax_vcpus=100000\n'
                 "max_submit_wait_s = -5\n")
    r = run("simulate", "--platform", "batch", "-s", str(s))
    assert r.returncode == 2 and "[batch] max_submit_wait_s: must be 0 to" in r.stderr, r.stderr
    r = run("simulate", str(p), "--platform", "batch", "--as-of", AS_OF, "--max-submit-wait-s", "-5")
    assert r.returncode == 2 and "--max-submit-wait-s: must be 0 to" in r.stderr, r.stderr
    slsim = pytest.importorskip("slsim")
    with pytest.raises(ValueError, match="max_submit_wait_s=...\): must be 0 to"):
        slsim.Batch(max_submit_wait_s=-5)


def test_invocation_flag_applies_to_batch(api_trace):
    # Review finding: the hint "mark them async or queue" could not be followed from the CLI.
    p = run("simulate", str(api_trace), "--platform", "batch", "--as-of", AS_OF,
            "--invocation", "async", "--format", "json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["invocations"]["completed"] == 2000
    p = run("simulate", str(api_trace), "--platform", "batch", "--as-of", AS_OF)
    assert p.returncode == 2 and "--invocation async" in p.stderr


@pytest.mark.parametrize("key,value,toml_value,allowed", [
    ("attempts", "-1", "-1", "a whole number from 1 to 10"),
    ("attempts", "2.5", '"3"', "a whole number from 1 to 10"),
    ("array_size", "-5", "2.5", "0 (no array jobs) or a whole number from 2 to 10,000"),
    ("max_vcpus", "1e400", "inf", "more than 0 and at most 2,147,483,647"),
])
def test_batch_whole_number_messages_name_the_range_everywhere(tmp_path, api_trace, key, value,
                                                               toml_value, allowed):
    flag = "--" + key.replace("_", "-")
    r = run("simulate", str(api_trace), "--platform", "batch", "--as-of", AS_OF,
            "--invocation", "async", flag, value)
    assert r.returncode == 2 and f"{flag}: must be {allowed}" in r.stderr, r.stderr
    s = tmp_path / "s.toml"
    s.write_text(f'name="t"\nas_of={AS_OF}\n[workload]\ntrace="{api_trace}"\n[batch]\n'
                 f"{key} = {toml_value}\n")
    r = run("simulate", "--platform", "batch", "-s", str(s))
    assert r.returncode == 2 and f"[batch] {key}: must be {allowed}" in r.stderr, r.stderr
    slsim = pytest.importorskip("slsim")
    with pytest.raises(ValueError, match=re.escape(f"must be {allowed}")):
        slsim.Batch(**{key: float(value) if key != "attempts" or value != "2.5" else "3"})
