#!/usr/bin/env python3
"""Whole-process timings of `binderhub-doctor lint` beside yamllint and check-jsonschema.

Each tool is started as a fresh process on the same files, as a user or a pre-commit hook starts
it, so start-up (imports, rule loading) counts. Two workloads:

  two-file   secret.yaml + config.yaml of a bundled example (examples/gcr/, else the corpus)
  500 files  generated config.yaml variants, all passed to one invocation of each tool

yamllint runs with its default configuration; check-jsonschema validates against a small
BinderHub values schema written next to the generated files (a local file: no network).
yamllint and check-jsonschema are benchmark-only tools: they are installed into their own
virtualenv, .tools/bench-venv (pinned versions below), created on first use.

Usage: .venv/bin/python benchmarks/bench_lint.py [--runs 20] [--files 500]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
BENCH_VENV = REPO_ROOT / ".tools" / "bench-venv"
BENCH_TOOLS = ["yamllint==1.38.0", "check-jsonschema==0.39.0"]
TARGET_VS_YAMLLINT = 1.2  # the target for the two-file lint

VALUES_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "registry": {
            "type": "object",
            "properties": {"url": {"type": "string", "pattern": "^https?://"},
                           "username": {"type": "string"}, "password": {"type": "string"}},
        },
        "config": {
            "type": "object",
            "properties": {
                "BinderHub": {
                    "type": "object",
                    "properties": {
                        "use_registry": {"type": "boolean"},
                        "image_prefix": {"type": "string", "pattern": "^[a-z0-9.:/_-]+[-/]$"},
                        "hub_url": {"type": "string", "pattern": "^https?://"},
                        "auth_enabled": {"type": "boolean"},
                    },
                },
                "DockerRegistry": {"type": "object", "properties": {"token_url": {"type": "string"}}},
                "GitHubRepoProvider": {"type": "object"},
            },
        },
        "jupyterhub": {"type": "object"},
    },
}

REGISTRIES = [
    ("gcr.io/binder-demo-{n}/binder-prod-", None),
    ("binderbot{n}/binder-dev-", None),
    ("binder{n}.azurecr.io/binder/binder-", "https://binder{n}.azurecr.io/oauth2/token?service=binder{n}.azurecr.io"),
    ("registry.example.org/team{n}/binder-", "https://registry.example.org/v2/token?service="),
]


def config_variant(n: int) -> str:
    """A config.yaml as operators write them: registry prefix, hub url, and some of the optional
    settings (banners, quotas, auth, resources, ingress), varying with n."""
    prefix, token_url = REGISTRIES[n % len(REGISTRIES)]
    lines = [
        "config:",
        "  BinderHub:",
        "    use_registry: true",
        f"    image_prefix: {prefix.format(n=n)}",
        f"    hub_url: http://10.{n // 250 % 250}.{n % 250}.5",
    ]
    if n % 3 == 0:
        lines += ["    auth_enabled: true", "    per_repo_quota: 100", "    build_memory_limit: 2G"]
    if n % 5 == 0:
        lines += ["    banner_message: |", f"      <div>Deployment {n}: maintenance on Sunday.</div>"]
    if token_url:
        lines += ["  DockerRegistry:", f"    token_url: \"{token_url.format(n=n)}\""]
    if n % 2 == 0:
        lines += ["  GitHubRepoProvider:", "    banned_specs:", "      - ^evil-org/.*", f"      - ^spam{n}/.*"]
    lines += [
        "jupyterhub:",
        "  hub:",
        "    config:",
        "      BinderSpawner:",
        "        auth_enabled: false" if n % 3 else "        auth_enabled: true",
        "  singleuser:",
        "    memory:",
        f"      guarantee: {1 + n % 4}G",
        f"      limit: {2 + n % 4}G",
        "    cpu:",
        "      limit: 2",
        "  proxy:",
        "    service:",
        "      type: LoadBalancer",
    ]
    if n % 4 == 1:
        lines += ["  ingress:", "    enabled: true", "    hosts:", f"      - hub{n}.example.org"]
    return "\n".join(lines) + "\n"


def two_file_set() -> list[Path]:
    example = REPO_ROOT / "examples" / "gcr"
    if (example / "secret.yaml").is_file():
        return [example / "secret.yaml", example / "config.yaml"]
    corpus = REPO_ROOT.parent / "shared" / "corpus" / "clean-gcr"
    return [corpus / "secret.yaml", corpus / "config.yaml"]


def ensure_bench_venv() -> Path:
    bin_dir = BENCH_VENV / "bin"
    if not (bin_dir / "yamllint").exists() or not (bin_dir / "check-jsonschema").exists():
        print(f"setting up {BENCH_VENV} ({', '.join(BENCH_TOOLS)}) ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
        subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", *BENCH_TOOLS], check=True)
    return bin_dir


def our_cli() -> Path:
    for candidate in (Path(sys.executable).parent / "binderhub-doctor",
                      REPO_ROOT / ".venv" / "bin" / "binderhub-doctor"):
        if candidate.exists():
            return candidate
    sys.exit("binderhub-doctor is not installed: run ./install.sh first")


def time_runs(commands: dict[str, tuple[list[str], dict[str, str]]], runs: int) -> dict[str, dict[str, list[float]]]:
    """Run every command `runs` times, interleaved so that a busy moment of the machine hits all
    tools alike, after one untimed warm-up run each (page cache, .pyc files, parse caches).
    Records wall time and the child's CPU time (user + system), which a busy shared machine
    disturbs much less."""
    timings = {name: {"wall": [], "cpu": []} for name in commands}
    for round_number in range(runs + 1):
        for name, (argv, env) in commands.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if done.returncode not in (0, 1):
                sys.exit(f"{name} failed (exit {done.returncode}): {' '.join(argv)}")
            if round_number:
                timings[name]["wall"].append(wall)
                timings[name]["cpu"].append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return timings


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} CPUs ({model}), {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs per tool and workload (median reported)")
    parser.add_argument("--files", type=int, default=500, help="number of generated values files")
    parser.add_argument("--json", dest="json_out", help="also write the figures to this JSON file")
    args = parser.parse_args()

    bench_bin = ensure_bench_venv()
    ours = our_cli()
    # PYTHONDONTWRITEBYTECODE would make an editable install recompile the package on every run,
    # which no user's install does (pip writes .pyc files for the other two tools): drop it so the
    # warm-up run writes them.
    env = {k: v for k, v in os.environ.items()
           if k not in ("GITHUB_ACTIONS", "FORCE_COLOR", "PYTHONDONTWRITEBYTECODE")}
    env["NO_COLOR"] = "1"

    with tempfile.TemporaryDirectory(prefix="bhd-bench-") as scratch:
        scratch = Path(scratch)
        schema = scratch / "binderhub-values.schema.json"
        schema.write_text(json.dumps(VALUES_SCHEMA))
        many = scratch / "many"
        many.mkdir()
        generated = []
        for n in range(args.files):
            path = many / f"config-{n:04d}.yaml"
            path.write_text(config_variant(n))
            generated.append(str(path))
        workloads = {"two-file": [str(p) for p in two_file_set()], f"{args.files} files": generated}

        print(f"machine: {machine()}")
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"runs: {args.runs} per tool and workload, interleaved, after one warm-up; medians in ms")
        print(f"two-file set: {' '.join(os.path.relpath(p, REPO_ROOT) for p in workloads['two-file'])}")
        header = f"{'workload':<10} {'tool':<40} {'wall':>7} {'cpu':>7}   {'/yamllint':>9} {'/check-jsonschema':>17}"
        print()
        print(header)
        print("-" * len(header))
        no_cache_env = {**env, "BINDERHUB_DOCTOR_CACHE_DIR": ""}
        figures = {"machine": machine(), "runs": args.runs, "workloads": {}}
        for label, files in workloads.items():
            commands = {
                "binderhub-doctor lint": ([str(ours), "lint", *files], env),
                "binderhub-doctor lint (no parse cache)": ([str(ours), "lint", *files], no_cache_env),
                "yamllint": ([str(bench_bin / "yamllint"), *files], env),
                "check-jsonschema": ([str(bench_bin / "check-jsonschema"), "--schemafile", str(schema), *files], env),
            }
            timings = time_runs(commands, args.runs)
            wall = {name: statistics.median(t["wall"]) for name, t in timings.items()}
            cpu = {name: statistics.median(t["cpu"]) for name, t in timings.items()}
            entry = figures["workloads"][label] = {"files": len(files), "tools": {}}
            for name in commands:
                ratios = [wall[name] / wall["yamllint"], wall[name] / wall["check-jsonschema"]]
                print(f"{label:<10} {name:<40} {wall[name] * 1000:7.0f} {cpu[name] * 1000:7.0f}"
                      f"   {ratios[0]:9.2f} {ratios[1]:17.2f}")
                entry["tools"][name] = {"wall_median_s": wall[name], "cpu_median_s": cpu[name],
                                        "wall_vs_yamllint": ratios[0], "wall_vs_check_jsonschema": ratios[1],
                                        "cpu_vs_yamllint": cpu[name] / cpu["yamllint"]}
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    ours_two = figures["workloads"]["two-file"]["tools"]["binderhub-doctor lint"]
    met = ours_two["wall_vs_yamllint"] <= TARGET_VS_YAMLLINT and ours_two["wall_vs_check_jsonschema"] < 1
    print()
    print(f"target (two-file wall time: within {TARGET_VS_YAMLLINT}x of yamllint, under check-jsonschema): "
          f"{'met' if met else 'NOT met'}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
