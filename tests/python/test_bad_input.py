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
