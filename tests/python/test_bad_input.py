"""Bad input from the outside review (issue 12): clear errors naming the key/flag, no internals."""
import os
import subprocess

import pytest

import slsim

CLI = os.environ.get("SLSIM_CLI", "build/bin/slsim")


def run(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True)


# ---- 1: dated features are named for users, never by their internal rule name ----

def test_price_provisioned_concurrency_before_it_existed_says_the_date():
    p = run("price", "lambda", "--memory-mb", "1024", "--provisioned-concurrency", "5",
            "--provisioned-hours", "1", "--as-of", "2019-01-01")
    assert p.returncode != 0
    assert "provisioned concurrency exists from 2019-12-03" in p.stderr
    assert "pc_granularity" not in p.stderr and "no rule" not in p.stderr


def test_price_fargate_spot_before_it_existed_says_the_date():
    p = run("price", "fargate", "--vcpu", "1", "--memory-gb", "2", "--spot",
            "--as-of", "2018-01-01")
    assert p.returncode != 0
    assert "Fargate Spot exists from 2019-12-03" in p.stderr
    assert "spot_available" not in p.stderr and "no rule" not in p.stderr


def test_python_price_dated_features_say_the_date():
    with pytest.raises(ValueError, match="provisioned concurrency exists from 2019-12-03") as e:
        slsim.price_lambda(memory_mb=1024, provisioned_concurrency=5, provisioned_hours=1,
                           as_of="2019-01-01")
    assert "pc_granularity" not in str(e.value)
    with pytest.raises(ValueError, match="Fargate Spot exists from 2019-12-03") as e:
        slsim.price_fargate(vcpu=1, memory_gb=2, spot=True, as_of="2018-01-01")
    assert "spot_available" not in str(e.value)


# ---- 2: times beyond what the clock represents are refused naming the argument ----

@pytest.mark.parametrize("call, name", [
    (lambda: slsim.price_lambda(memory_mb=1024, provisioned_concurrency=1,
                                provisioned_hours=1e15), "provisioned_hours"),
    (lambda: slsim.price_fargate(vcpu=1, memory_gb=2, task_seconds=1e300), "task_seconds"),
    (lambda: slsim.price_ec2(instance_type="m5.large", hours=1e300), "hours"),
])
def test_python_price_times_beyond_100_years_are_refused(call, name):
    with pytest.raises(ValueError, match=f"{name}.*100 years") as e:
        call()
    assert "from_seconds" not in str(e.value)


# ---- 21: provisioned concurrency without hours (or hours without concurrency) ----

@pytest.mark.parametrize("args, needs", [
    (["--provisioned-concurrency", "5"], "provisioned_hours"),
    (["--provisioned-hours", "3"], "provisioned_concurrency"),
])
def test_price_provisioned_count_and_hours_go_together(args, needs):
    p = run("price", "lambda", "--memory-mb", "1024", *args)
    assert p.returncode != 0
    assert needs in p.stderr


def test_python_price_provisioned_count_and_hours_go_together():
    with pytest.raises(ValueError, match="provisioned_hours"):
        slsim.price_lambda(memory_mb=1024, provisioned_concurrency=5)
    with pytest.raises(ValueError, match="provisioned_concurrency"):
        slsim.price_lambda(memory_mb=1024, provisioned_hours=3)
