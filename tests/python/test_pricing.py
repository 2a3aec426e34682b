"""slsim.price_lambda / price_fargate / price_ec2 against AWS's published examples."""

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import pytest

import slsim

CLI = os.environ.get("SLSIM_CLI", "build/bin/slsim")
SRC = Path(os.environ.get("SLSIM_SOURCE_DIR", "."))


def test_lambda_2018_example_18_74():
    b = slsim.price_lambda(memory_mb=512, requests=3_000_000, duration_ms=1000, as_of="2018-07-19")
    assert b.total_usd == 18.74
    # Each item at its whole quantity, then what the free tier covered (as `slsim price` shows).
    assert [i["usd"] for i in b.line_items] == [0.60, -0.20, 25.01, -6.67]
    df = b.to_pandas()
    assert list(df.columns) == ["platform", "name", "quantity", "unit", "usd"]
    assert df["usd"].sum() == pytest.approx(18.74)


def test_lambda_today_example_2_73():
    b = slsim.price_lambda(memory_mb=1536, requests=3_000_000, duration_ms=120,
                           as_of=dt.date(2026, 11, 1))
    assert b.total_usd == 2.73
    assert b.as_of == "2026-11-01" and b.region == "us-east-1"


def test_provisioned_concurrency_example_41_91():
    b = slsim.price_lambda(memory_mb=1024, provisioned_concurrency=1000, provisioned_hours=2,
                           provisioned_requests=1_200_000, provisioned_duration_ms=1000,
                           as_of="2021-01-15")
    assert b.total_usd == 41.91


def test_fargate_examples():
    b = slsim.price_fargate(vcpu=1, memory_gb=2, tasks=150, task_seconds=600, storage_gb=30,
                            as_of="2026-11-01")
    assert b.total_usd == 1.26
    b = slsim.price_fargate(vcpu=1, memory_gb=2, tasks=150, task_seconds=600, storage_gb=30,
                            arch="arm64", as_of="2026-11-01")
    assert b.total_usd == 1.02
    spot = slsim.price_fargate(vcpu=0.25, memory_gb=1, tasks=300, task_seconds=3600, spot=True,
                               as_of="2026-11-01")
    names = [i["name"] for i in spot.line_items]
    # The typical Fargate Spot discount (67.04 %), not AWS's "up to 70 %" ceiling (issue 19).
    assert "Fargate Spot discount (67.04%)" in names
    assert spot.total_usd == pytest.approx(4.37 * (1 - 0.6704), abs=0.02)


def test_ec2_and_discount():
    b = slsim.price_ec2(instance_type="m5.large", instances=3, hours=730, as_of="2026-11-01")
    assert b.total_usd == 210.24
    d = slsim.price_ec2(instance_type="m5.large", instances=3, hours=730, discount_pct=20,
                        as_of="2026-11-01")
    assert d.total_usd == pytest.approx(210.24 - 42.05)


def test_errors_say_what_is_allowed():
    with pytest.raises(ValueError, match="allowed are 128 to 10240 MB in 1 MB steps"):
        slsim.price_lambda(memory_mb=20_000, as_of="2026-11-01")
    with pytest.raises(ValueError, match="0.25 vCPU: 0.5, 1, 2 GB"):
        slsim.price_fargate(vcpu=0.25, memory_gb=16)
    with pytest.raises(ValueError, match="before 2014-11-13"):
        slsim.price_lambda(memory_mb=128, as_of="2013-06-01")
    with pytest.raises(ValueError, match="known: t3.medium"):
        slsim.price_ec2(instance_type="z1d.metal")


def test_rate_card_rules_and_own_file(tmp_path):
    rc = slsim.RateCard()
    assert rc.rule("lambda.duration_granularity_ms", "2020-11-30") == 100
    assert rc.rule("lambda.duration_granularity_ms", "2020-12-01") == 1
    assert rc.rule("lambda.init_billed_zip_managed", "2025-08-01") == 1
    assert "m6g.large" in rc.instance_types("2026-01-01")
    # A user's own card: copy the built-in files and change one price.
    for name in ("rates", "rules", "ec2_instances", "fargate_sizes"):
        text = (SRC / "models/pricing" / f"{name}.csv").read_text()
        if name == "ec2_instances":
            text = text.replace("m5.large,x86_64,2,8,us-east-1,0.096", "m5.large,x86_64,2,8,us-east-1,0.05")
        (tmp_path / f"{name}.csv").write_text(text)
    mine = slsim.RateCard(tmp_path)
    assert slsim.price_ec2(instance_type="m5.large", hours=100, rate_card=mine,
                           as_of="2026-01-01").total_usd == 5.00


@pytest.mark.parametrize("args,total", [
    (["lambda", "--memory-mb", "512", "--requests", "3000000", "--duration-ms", "1000",
      "--as-of", "2018-07-19"], 18.74),
    (["lambda", "--memory-mb", "1536", "--requests", "3000000", "--duration-ms", "120",
      "--as-of", "2026-11-01"], 2.73),
    (["fargate", "--vcpu", "1", "--memory-gb", "2", "--tasks", "150", "--task-seconds", "600",
      "--storage-gb", "30", "--as-of", "2026-11-01"], 1.26),
    (["ec2", "--instance-type", "m5.large", "--instances", "3", "--hours", "730",
      "--as-of", "2026-11-01"], 210.24),
])
def test_cli_price_json(args, total):
    p = subprocess.run([CLI, "price", *args, "--format", "json"], capture_output=True, text=True,
                       check=True)
    j = json.loads(p.stdout)
    assert j["total_usd"] == total
    assert set(j) == {"total_usd", "as_of", "region", "line_items"}
    assert all(set(i) >= {"name", "quantity", "unit", "usd"} for i in j["line_items"])


def test_cli_price_errors_and_formats():
    p = subprocess.run([CLI, "price", "lambda", "--memory-mb", "100"], capture_output=True, text=True)
    assert p.returncode == 2 and "allowed are 128 to 10240 MB" in p.stderr
    p = subprocess.run([CLI, "price", "lambda", "--memory-mb", "512", "--as-of", "2013-01-01"],
                       capture_output=True, text=True)
    assert p.returncode == 2 and "before 2014-11-13" in p.stderr
    p = subprocess.run([CLI, "price", "lambda", "--memory-mb", "512", "--as-of", "2018-13-01"],
                       capture_output=True, text=True)
    assert p.returncode == 2 and "YYYY-MM-DD" in p.stderr
    for fmt in ("table", "csv", "markdown"):
        out = subprocess.run([CLI, "price", "ec2", "--instance-type", "c5.large", "--format", fmt,
                              "--as-of", "2026-01-01"], capture_output=True, text=True, check=True).stdout
        assert "0.09" in out and "total" in out


def test_wrong_types_and_values_name_the_argument():
    # Never a pybind11 signature dump of a private function.
    with pytest.raises(TypeError, match="requests must be a whole number") as e:
        slsim.price_lambda(memory_mb=128, requests="many")
    assert "incompatible function arguments" not in str(e.value)
    with pytest.raises(ValueError, match="requests: -5 is not allowed"):
        slsim.price_lambda(memory_mb=128, requests=-5)
    with pytest.raises(TypeError, match="spot must be True or False"):
        slsim.price_fargate(vcpu=1, memory_gb=2, spot="yes")
    with pytest.raises(ValueError, match="instances: -1 is not allowed"):
        slsim.price_ec2(instance_type="m5.large", instances=-1)
    with pytest.raises(TypeError, match="as_of must be a date"):
        slsim.price_lambda(memory_mb=128, as_of=2024)


def test_free_tier_lines_equal_the_cli_json():
    # Issue 12: a usage the free tier covers shows its quantity and a free-tier line, in Python
    # as in `slsim price --format json` (it used to carry the net quantity, or nothing).
    bill = slsim.price_lambda(memory_mb=128, requests=1000, duration_ms=100, as_of="2026-11-01")
    names = [i["name"] for i in bill.line_items]
    assert any(n.startswith("free tier") for n in names), names
    requests = next(i for i in bill.line_items if i["name"] == "Lambda requests")
    assert requests["quantity"] == 1000
    cli = json.loads(subprocess.run([CLI, "price", "lambda", "--memory-mb", "128", "--requests",
                                     "1000", "--duration-ms", "100", "--as-of", "2026-11-01",
                                     "--format", "json"], capture_output=True, text=True,
                                    check=True).stdout)
    assert bill.to_dict() == cli
    assert bill.total_usd == 0
