"""AWS Batch from Python (slsim.Batch, simulate, sweep) and from the CLI (--platform batch)."""

import json
import os
import pickle
from pathlib import Path

import pytest

import slsim

from slsimcli import CLI, run
SRC = Path(os.environ.get("SLSIM_SOURCE_DIR", "."))
AS_OF = "2026-11-01"


def workload():
    # Two 10-minute jobs and a 40-minute one (too long for Lambda), measured at 1,769 MB; async
    # (Batch runs no synchronous work).
    return slsim.Workload.from_arrays(arrival_s=[0, 1, 2], duration_ms=[600_000, 600_000, 2_400_000],
                                      function=["export", "export", "transcode"],
                                      memory_mb=[1769, 1769, 1769], invocation=["async"] * 3)


def test_batch_is_keyword_only_with_eval_repr_equality_and_pickle():
    ec2 = slsim.Batch(instance_types=["c5.xlarge"], max_vcpus=8, job_vcpu=2, job_memory_gb=4)
    assert repr(ec2) == ("slsim.Batch(instance_types=['c5.xlarge'], max_vcpus=8, job_vcpu=2, "
                         "job_memory_gb=4)")
    assert eval(repr(ec2), {"slsim": slsim}) == ec2
    assert pickle.loads(pickle.dumps(ec2)) == ec2
    assert ec2 != slsim.Batch(instance_types=["c5.xlarge"], max_vcpus=16)
    with pytest.raises(TypeError):
        slsim.Batch(memory_mb=512)
    with pytest.raises(TypeError):
        slsim.Batch("c5.xlarge")


@pytest.mark.parametrize("kwargs, keyword", [
    ({"attempts": 11}, "attempts"),
    ({"timeout_s": 30}, "timeout_s"),
    ({"max_vcpus": 0}, "max_vcpus"),
    ({"instance_types": ["x9.huge"]}, "instance_types"),
    ({"compute": "lambda"}, "compute"),
    ({"job_vcpu": 1.5}, "job_vcpu"),
    ({"array_size": 1}, "array_size"),
    ({"error_probability": 2}, "error_probability"),
])
def test_bad_values_raise_valueerror_naming_the_keyword(kwargs, keyword):
    with pytest.raises(ValueError, match=rf"Batch\({keyword}="):
        slsim.Batch(**kwargs)


def test_simulate_ec2_and_fargate_give_the_shared_summary():
    w = workload()
    ec2 = slsim.Batch(instance_types=["c5.xlarge"], max_vcpus=8, job_vcpu=2, job_memory_gb=3)
    s = slsim.simulate(w, ec2, seed=1, as_of=AS_OF).summary()
    assert s["platform"] == "batch"
    assert s["invocations"]["arrived"] == 3
    assert s["invocations"]["completed"] == 3
    assert s["hosts"]["max"] >= 1
    assert s["extra"]["makespan_s"] > 2400 / 2  # the 40-minute job ran (rescaled to 2 vCPUs)
    names = [li["name"] for li in s["cost"]["line_items"]]
    assert any("c5.xlarge" in n for n in names)
    assert any("AWS Batch" in n for n in names)

    fg = slsim.Batch(compute="fargate", job_vcpu=1, job_memory_gb=2)
    r = slsim.simulate(w, fg, seed=1, as_of=AS_OF, records=True)
    assert r.summary()["hosts"]["max"] == 0
    df = r.to_pandas()
    assert list(df["outcome"]) == ["completed"] * 3
    assert (df["end_s"] > df["start_s"]).all()
    assert repr(r).startswith("<slsim.BatchResult: 3 jobs, 3 completed")


def test_a_run_where_nothing_could_run_reports_unfinished_jobs():
    # min = max = 2 vCPUs keeps one c5.large; 4-vCPU jobs would need a c5.xlarge, which would
    # pass max_vcpus: they stay RUNNABLE, counted, noted.
    b = slsim.Batch(instance_types=["c5.large", "c5.xlarge"], min_vcpus=2, max_vcpus=2,
                    job_vcpu=4, job_memory_gb=2)
    r = slsim.simulate(workload(), b, as_of=AS_OF)
    assert r.summary()["invocations"]["unfinished"] == 3
    assert any("RUNNABLE" in n for n in r.notes)
    assert "no job ended" in repr(r)


def test_a_fargate_job_larger_than_max_vcpus_is_an_error():
    b = slsim.Batch(compute="fargate", job_vcpu=1, job_memory_gb=2, max_vcpus=0.5)
    with pytest.raises(ValueError, match=r"'export'.*max_vcpus"):
        slsim.simulate(workload(), b, as_of=AS_OF)


def test_fargate_before_it_existed_on_batch_is_refused_at_simulate():
    with pytest.raises(ValueError, match=r"Batch\(compute=.*2020-12-03"):
        slsim.simulate(workload(), slsim.Batch(compute="fargate"), as_of="2019-06-01")


def test_a_job_no_instance_can_hold_names_function_and_largest_instance():
    b = slsim.Batch(instance_types=["c5.xlarge"], job_vcpu=8, job_memory_gb=4)
    with pytest.raises(ValueError, match=r"'export'.*8 vCPU.*c5\.xlarge"):
        slsim.simulate(workload(), b, as_of=AS_OF)


def test_sweep_over_batch_configurations():
    configs = [slsim.Batch(instance_types=["c5.xlarge"], max_vcpus=v, job_vcpu=2, job_memory_gb=3)
               for v in (4, 8)]
    df = slsim.sweep(workload(), configs, as_of=AS_OF, seed=3)
    assert list(df["config"]) == [repr(c) for c in configs]
    assert (df["invocations.completed"] == 3).all()
    # Half the vCPUs: the jobs queue longer.
    assert df["extra.makespan_s"].iloc[0] >= df["extra.makespan_s"].iloc[1]


def test_cli_simulate_batch_with_the_issue_flags():
    out = json.loads(run("simulate", str(SRC / "examples/batch_nightly.csv"), "--platform", "batch",
                         "--instance-type", "c5.xlarge", "--max-vcpus", "8", "--job-vcpu", "2",
                         "--job-memory-gb", "4", "--as-of", AS_OF, "--format", "json").stdout)
    assert out["platform"] == "batch"
    inv = out["invocations"]
    assert inv["arrived"] == 108
    assert inv["completed"] + inv["failed"] + inv["timed_out"] + inv["unfinished"] == 108
    assert out["hosts"]["max"] <= 3  # 8 vCPUs of 4-vCPU instances: at most one over


def test_cli_batch_scenario_and_errors_name_the_flag_or_the_file():
    out = json.loads(run("simulate", "--platform", "batch", "--scenario",
                         str(SRC / "examples/batch.toml"), "--format", "json").stdout)
    assert out["invocations"]["arrived"] == 108
    p = run("simulate", str(SRC / "examples/batch_nightly.csv"), "--platform", "batch",
            "--attempts", "0", check=False)
    assert p.returncode == 2
    assert "--attempts" in p.stderr and "1 to 10" in p.stderr
    p = run("simulate", str(SRC / "examples/batch_nightly.csv"), "--platform", "batch",
            "--as-of", AS_OF, "--instance-type", "c5.xlarge", "--job-vcpu", "16", check=False)
    assert p.returncode == 2
    assert "nightly-export" in p.stderr and "c5.xlarge" in p.stderr


def test_scenario_batch_table_errors_name_file_and_key(tmp_path):
    trace = SRC / "examples/batch_nightly.csv"
    bad = tmp_path / "bad.toml"
    bad.write_text(f'as_of = 2026-11-01\n[workload]\ntrace = "{trace}"\n'
                   '[batch]\ntimeout_s = 10\n')
    p = run("simulate", "--platform", "batch", "--scenario", str(bad), check=False)
    assert p.returncode == 2
    assert "bad.toml" in p.stderr and "[batch] timeout_s" in p.stderr and "60" in p.stderr
    bad.write_text(f'as_of = 2026-11-01\n[workload]\ntrace = "{trace}"\n'
                   '[batch]\nmax_vcpu = 4\n')
    p = run("simulate", "--platform", "batch", "--scenario", str(bad), check=False)
    assert p.returncode == 2 and "max_vcpu" in p.stderr and "max_vcpus" in p.stderr
