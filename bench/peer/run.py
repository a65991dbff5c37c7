"""`make bench-peer`: kopsgen rendering a cluster to CloudFormation, against AWS CDK synthesizing the same one.

The cluster is examples/ha-private-bastion.yaml (three zones, private subnets with a NAT gateway each,
three control-plane groups, node groups, a bastion). The peer is bench/peer/app.py, the same cluster
written as a CDK app in Python, run by the interpreter of a throw-away virtualenv that holds
aws-cdk-lib and constructs (the Makefile makes it: .venv-bench-peer). Both write a CloudFormation
template; the resources of each are counted and printed, so the two can be seen to be alike in size.

Measured as bench/run.py measures: each command a fresh process, wall time and peak memory (GNU time),
one warm-up each (kopsgen's creates the cluster's CAs; CDK's first run on a machine is its slowest),
then --runs rounds, interleaved (kopsgen, CDK, kopsgen, CDK, ...) so that the machine's load hits both
alike. kopsgen runs in a virtualenv laid out like a regular install (bench.run.install_like_venv).
The result is the ratio of the medians (CDK's over kopsgen's), with each side's spread (lowest and
highest run) and the ratio of each round's pair; written to bench-peer-results.json.

    python -m bench.peer.run --peer-python .venv-bench-peer/bin/python [--runs 5]
"""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.run import ROOT, Measure, _render, install_like_venv, measure_all

SPEC = ROOT / "examples" / "ha-private-bastion.yaml"
PEER_APP = Path(__file__).resolve().parent / "app.py"


def resources(templates: list[Path]) -> dict[str, int]:
    """How many resources of each CloudFormation type the templates hold, CDK's own metadata left out."""
    counts: collections.Counter[str] = collections.Counter()
    for template in templates:
        for resource in json.loads(template.read_text()).get("Resources", {}).values():
            if resource["Type"] != "AWS::CDK::Metadata":
                counts[resource["Type"]] += 1
    return dict(sorted(counts.items()))


def kopsgen_templates(out: Path) -> list[Path]:
    return sorted(p for p in out.glob("*.json") if not p.name.startswith("."))


def peer_templates(out: Path) -> list[Path]:
    return sorted(out.glob("*.template.json"))


def side(m: Measure, counts: dict[str, int]) -> dict:
    return {"name": m.name, "command": m.command, "median_s": _round(m.median_s),
            "min_s": _round(min(m.seconds)) if m.seconds else None,
            "max_s": _round(max(m.seconds)) if m.seconds else None,
            "runs_s": [_round(s) for s in m.seconds], "peak_mb": _round(m.peak_mb, 1),
            "resources": sum(counts.values()), "resources_by_type": counts, "error": m.error}


def compare(ours: dict, peer: dict) -> dict:
    """The ratio of the medians (peer over kopsgen) and of each interleaved round's pair."""
    if ours["error"] or peer["error"] or not ours["runs_s"] or not peer["runs_s"]:
        return {"ratio": None, "round_ratios": []}
    rounds = [round(p / k, 1) for k, p in zip(ours["runs_s"], peer["runs_s"])]
    return {"ratio": round(peer["median_s"] / ours["median_s"], 1), "round_ratios": rounds,
            "round_ratio_min": min(rounds), "round_ratio_max": max(rounds)}


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def _version(python: str, package: str) -> str | None:
    probe = f"import importlib.metadata as m; print(m.version({package!r}))"
    proc = subprocess.run([python, "-c", probe], capture_output=True, text=True)
    return proc.stdout.strip() or None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.peer.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--peer-python", required=True, help="the interpreter of the virtualenv holding aws-cdk-lib")
    parser.add_argument("--peer-app", default=str(PEER_APP), help="the CDK app to synthesize")
    parser.add_argument("--runs", type=int, default=5, help="measured rounds (after one warm-up each)")
    parser.add_argument("--spec", default=str(SPEC), help="the cluster kopsgen renders")
    parser.add_argument("--json", default=str(ROOT / "bench-peer-results.json"), help="where to write the results")
    parser.add_argument("--python", default=sys.executable,
                        help="the interpreter whose site-packages hold kopsgen's dependencies")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="kopsgen-bench-peer-") as tmp:
        tmp_path = Path(tmp)
        out, synth = tmp_path / "out", tmp_path / "cdk.out"
        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.update(KOPSGEN_STATE_STORE=f"file://{tmp_path / 'state'}", PYTHONPYCACHEPREFIX=str(tmp_path / "pyc"),
                   CDK_OUTDIR=str(synth), JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION="1")
        python = install_like_venv(args.python, tmp_path / "venv")
        ours = Measure("kopsgen render --target cloudformation", _render(python, Path(args.spec), "cloudformation", out))
        peer = Measure("cdk synth (python app)", [args.peer_python, args.peer_app])
        log(f"kopsgen and CDK, interleaved: 1 warm-up + {args.runs} runs each")
        measure_all([ours, peer], args.runs, env, ROOT, log)
        sides = [side(ours, resources(kopsgen_templates(out))), side(peer, resources(peer_templates(synth)))]

    results = {
        "date": datetime.date.today().isoformat(),
        "machine": {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(),
                    "load_average": [round(x, 2) for x in os.getloadavg()]},
        "versions": {"aws-cdk-lib": _version(args.peer_python, "aws-cdk-lib"),
                     "constructs": _version(args.peer_python, "constructs"), "node": _node_version()},
        "spec": str(Path(args.spec).resolve().relative_to(ROOT)) if Path(args.spec).resolve().is_relative_to(ROOT)
        else args.spec,
        "method": (f"median of {args.runs} runs after one warm-up each, kopsgen and CDK interleaved; fresh process "
                   "each run, wall time and peak RSS (GNU time); kopsgen re-renders (its CAs exist) in a virtualenv "
                   "laid out like a regular install; CDK synthesizes the app into an existing cdk.out"),
        "kopsgen": sides[0], "peer": sides[1], **compare(*sides),
    }
    Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    print(format_report(results))
    print(f"\n(JSON: {args.json})")
    return 1 if results["ratio"] is None else 0


def _node_version() -> str | None:
    try:
        return subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip() or None
    except OSError:
        return None


def format_report(results: dict) -> str:
    lines = [f"kopsgen against AWS CDK, {results['date']}: {results['machine']['platform']}, "
             f"Python {results['machine']['python']}, {results['machine']['cpus']} CPUs, load average "
             f"{' '.join(map(str, results['machine']['load_average']))}; aws-cdk-lib "
             f"{results['versions']['aws-cdk-lib']}, node {results['versions']['node']}",
             f"{results['spec']}: {results['method']}.", "",
             "| tool | resources | median s | fastest s | slowest s | peak MB |", "|---|---:|---:|---:|---:|---:|"]
    for s in (results["kopsgen"], results["peer"]):
        if s["error"]:
            lines.append(f"| {s['name']} | {s['resources']} | failed: {s['error']} | | | |")
            continue
        peak = "n/a" if s["peak_mb"] is None else f"{s['peak_mb']:.0f}"
        lines.append(f"| {s['name']} | {s['resources']} | {s['median_s']:.3f} | {s['min_s']:.3f} | "
                     f"{s['max_s']:.3f} | {peak} |")
    if results["ratio"] is not None:
        lines += ["", f"CDK takes {results['ratio']:g} times kopsgen's time (ratio of the medians; "
                      f"round by round {results['round_ratio_min']:g} to {results['round_ratio_max']:g})."]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
