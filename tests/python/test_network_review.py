"""Review of issue 19: W6 (the default container network can pull its image and is billed),
M6 (no front door promised to a queue-only workload), M7 (ignored or contradictory options are
refused or noted), C4 (a flag's error advises with flags), C5 (a word for a whole number).
The same rules from a CLI flag, a scenario file and a Python keyword."""

import json

import pytest

import slsim
from slsimcli import run


@pytest.fixture(scope="module")
def traces(tmp_path_factory):
    d = tmp_path_factory.mktemp("net")
    queue, http = d / "queue.csv", d / "http.csv"
    for path, how in ((queue, "queue"), (http, "sync")):
        run("generate", "--rate-per-s", "2", "--duration-s", "600", "--duration-ms", "200",
            "--memory-mb", "512", "--invocation", how, "-o", str(path))
    return {"queue": str(queue), "http": str(http), "dir": d}


def simulate_json(*args):
    p = run("simulate", *args, "--as-of", "2026-11-01", "--format", "json")
    return json.loads(p.stdout)


def items(summary):
    return [i["name"] for i in summary["cost"]["line_items"]]


def refused(*args):
    p = run(*args, check=False)
    assert p.returncode == 2, f"slsim {' '.join(args)}: exit {p.returncode}: {p.stderr}"
    return p.stderr.strip()


# ---- W6: the default network ------------------------------------------------------------------

@pytest.mark.parametrize("platform,line", [("fargate", "Public IPv4 addresses (Fargate tasks)"),
                                           ("ecs", "Public IPv4 addresses (EC2 instances)")])
def test_default_network_bills_public_addresses(traces, platform, line):
    s = simulate_json(traces["queue"], "--platform", platform)
    assert line in items(s)
    assert not any("NAT gateway" in n for n in s["notes"])


@pytest.mark.parametrize("platform,flag", [("fargate", "--assign-public-ip"),
                                           ("ecs", "--associate-public-ip")])
def test_private_subnets_flag_notes_the_unbilled_nat_gateway(traces, platform, flag):
    s = simulate_json(traces["queue"], "--platform", platform, flag, "false")
    assert not any(n.startswith("Public IPv4") for n in items(s))
    assert any("NAT gateway" in n for n in s["notes"]), s["notes"]


def test_private_subnets_scenario_key_and_python_keyword(traces):
    sc = traces["dir"] / "private.toml"
    sc.write_text(f'as_of = "2026-11-01"\n[workload]\ntrace = "{traces["queue"]}"\n'
                  '[fargate]\nassign_public_ip = false\n')
    s = json.loads(run("simulate", "-s", str(sc), "--platform", "fargate", "--format",
                       "json").stdout)
    assert any("NAT gateway" in n for n in s["notes"])
    wl = slsim.Workload.poisson(rate_per_s=1, duration_s=600, duration_ms=100, seed=1,
                                invocation="queue")
    r = slsim.simulate(wl, slsim.Fargate(assign_public_ip=False), as_of="2026-11-01")
    assert any("NAT gateway" in n for n in r.notes)
    r = slsim.simulate(wl, slsim.Fargate(), as_of="2026-11-01")
    assert not any("NAT gateway" in n for n in r.notes)
    assert "Public IPv4 addresses (Fargate tasks)" in [i["name"] for i in
                                                       r.summary()["cost"]["line_items"]]


# ---- M6: the front door note ------------------------------------------------------------------

def test_queue_only_simulate_promises_no_load_balancer(traces):
    out = run("simulate", traces["queue"], "--platform", "fargate").stdout
    assert "Application Load Balancer" not in out
    assert "no front door" in out
    out = run("simulate", traces["http"], "--platform", "fargate").stdout
    assert "Application Load Balancer (alb_hours, alb_lcu_hours above)" in out


# ---- M7: ignored or contradictory options -----------------------------------------------------

def test_alb_zones_without_a_front_door_is_refused(traces):
    err = refused("report", traces["http"], "--no-front-door", "--alb-availability-zones", "4")
    assert "--alb-availability-zones" in err and "--no-front-door" in err
    sc = traces["dir"] / "nodoor.toml"
    sc.write_text(f'[workload]\ntrace = "{traces["http"]}"\n[report]\nfront_door = "none"\n'
                  'alb_availability_zones = 4\n')
    err = refused("report", "-s", str(sc), "-q")
    assert "alb_availability_zones" in err
    wl = slsim.Workload.poisson(rate_per_s=1, duration_s=600, duration_ms=100, seed=1)
    with pytest.raises(ValueError, match="alb_availability_zones"):
        slsim.compare(wl, [slsim.Fargate(tasks=1)], front_door=None, alb_availability_zones=4)
    slsim.compare(wl, [slsim.Fargate(tasks=1)], front_door=None)  # the default is no conflict


def test_alb_zones_on_a_queue_only_workload_is_noted(traces):
    j = json.loads(run("report", traces["queue"], "--platforms", "fargate",
                       "--alb-availability-zones", "4", "--format", "json", "-q").stdout)
    notes = j["platforms"]["fargate"]["notes"]
    assert any("alb_availability_zones" in n for n in notes), notes
    j = json.loads(run("report", traces["queue"], "--platforms", "fargate", "--format", "json",
                       "-q").stdout)
    assert not any("alb_availability_zones" in n for n in j["platforms"]["fargate"]["notes"])


def test_batch_spot_discount_with_on_demand_compute_is_refused(traces):
    err = refused("simulate", traces["queue"], "--platform", "batch", "--spot-discount-pct", "50")
    assert err.startswith("slsim: error: --spot-discount-pct: ")
    assert "--compute spot" in err
    run("simulate", traces["queue"], "--platform", "batch", "--compute", "spot",
        "--spot-discount-pct", "50")
    with pytest.raises(ValueError, match="spot_discount_pct"):
        wl = slsim.Workload.poisson(rate_per_s=1, duration_s=600, duration_ms=100, seed=1,
                                    invocation="queue")
        slsim.simulate(wl, slsim.Batch(spot_discount_pct=50))


def test_cpu_credits_on_a_type_that_does_not_burst_is_refused(traces):
    err = refused("simulate", traces["queue"], "--platform", "ecs", "--cpu-credits", "unlimited",
                  "--instance-type", "m5.large")
    assert err.startswith("slsim: error: --cpu-credits: ") and "m5.large" in err
    run("simulate", traces["queue"], "--platform", "ecs", "--cpu-credits", "unlimited",
        "--instance-type", "t3.medium")
    sc = traces["dir"] / "credits.toml"
    sc.write_text(f'[workload]\ntrace = "{traces["queue"]}"\n[ecs]\ncpu_credits = "unlimited"\n')
    err = refused("simulate", "-s", str(sc), "--platform", "ecs")
    assert "cpu_credits" in err and "left auto is an m5" in err
    wl = slsim.Workload.poisson(rate_per_s=1, duration_s=600, duration_ms=100, seed=1)
    with pytest.raises(ValueError, match="cpu_credits"):
        slsim.simulate(wl, slsim.Ecs(cpu_credits="unlimited"))


# ---- C4: a flag's error advises with flags ----------------------------------------------------

def test_fixed_task_count_with_min_tasks_names_what_was_given(traces):
    err = refused("simulate", traces["queue"], "--platform", "fargate", "--tasks", "3",
                  "--min-tasks", "5")
    assert err.startswith("slsim: error: --min-tasks: ")
    assert "max_tasks" not in err and "fixed count of 3 tasks" in err
    assert "--tasks 0" in err


@pytest.mark.parametrize("args,want,unwanted", [
    (["--spot-discount-pct", "50"], "--spot", "spot = true"),
    (["--visibility-timeout-s", "0", "--error-probability", "0.1"], "--visibility-timeout-s >= 1",
     "set visibility_timeout_s"),
])
def test_flag_errors_advise_with_flags(traces, args, want, unwanted):
    err = refused("simulate", traces["queue"], "--platform", "fargate", *args)
    assert want in err and unwanted not in err, err


def test_file_errors_still_advise_with_keys(traces):
    sc = traces["dir"] / "spotfile.toml"
    sc.write_text(f'[workload]\ntrace = "{traces["queue"]}"\n[fargate]\nspot_discount_pct = 50\n')
    err = refused("simulate", "-s", str(sc), "--platform", "fargate")
    assert "spot = true" in err


# ---- C5 ---------------------------------------------------------------------------------------

def test_alb_zones_word_is_not_a_whole_number(traces):
    err = refused("report", traces["http"], "--alb-availability-zones", "abc")
    assert err.startswith("slsim: error: --alb-availability-zones: ")
    assert "not a whole number" in err and "2 to 6" in err


def test_every_instance_type_of_a_flag_list_is_checked(traces):
    # Outside review N8: "m5.large,banana" ran on m5.large alone, the typo unseen.
    err = refused("simulate", traces["queue"], "--platform", "ecs", "--instance-type",
                  "m5.large,banana")
    assert "banana" in err
