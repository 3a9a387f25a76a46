"""Side-by-side runner for the lifecycle benches: Rust (criterion) and `lifetimes` on the same rows, in one run.

Usage (from the repository root, through benches/peers/run.sh):
    benches/peers/run.sh [--rounds 3] [--only REGEX] [--no-peer-fit-1m] [--measurement-time 3]

Each round: `uptime`; the Rust benches (criterion, which also writes the simulated rows and its own results to a
scratch directory); the peer on those files; `uptime` again. Then one table: per bench the range of the Rust
medians, the range of the peer medians, and the range of the per-round ratios (peer / Rust, both timed in the
same round), followed by what each side computed (fitted parameters, sums of predictions) so that a ratio is only
read where both did the same work. The build runs under `nice`; the timed runs do not.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import lifetimes_peer  # noqa: E402

RUST_ONLY = ["day_100k/compress", "day_1m/compress", "continuous_100k/compress", "continuous_1m/compress"]


def target_dir():
    return os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))


def uptime():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def rust_round(pattern, data_dir, measurement):
    env = dict(os.environ, CARE_PEER_DATA=data_dir)
    checks = os.path.join(data_dir, "rust_checks.jsonl")
    if os.path.exists(checks):
        os.remove(checks)
    cmd = ["cargo", "bench", "--bench", "lifecycle", "--", "--warm-up-time", "1", "--measurement-time",
           str(measurement), pattern]
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    medians = {}
    for bench_id in lifetimes_peer.ALL + RUST_ONLY:
        if not re.search(pattern, bench_id):
            continue
        path = os.path.join(target_dir(), "criterion", *bench_id.split("/"), "new", "estimates.json")
        with open(path) as f:
            medians[bench_id] = json.load(f)["median"]["point_estimate"] / 1e9
    found = {}
    if os.path.exists(checks):
        with open(checks) as f:
            for line in f:
                row = json.loads(line)
                found[row["id"]] = row["check"]
    return medians, found


def peer_round(ids, data_dir):
    out = {}
    for bench_id in ids:
        row = lifetimes_peer.run(data_dir, bench_id)
        out[bench_id] = row
        print(f"    peer {bench_id}: {row['median'] * 1e3:.1f} ms", file=sys.stderr, flush=True)
    return out


def fmt_time(seconds):
    if seconds >= 1.0:
        return f"{seconds:.2f} s"
    if seconds >= 0.01:
        return f"{seconds * 1e3:.0f} ms"
    return f"{seconds * 1e3:.2f} ms"


def span(values, fmt):
    lo, hi = min(values), max(values)
    return fmt(lo) if fmt(lo) == fmt(hi) else f"{fmt(lo)}–{fmt(hi)}"


def ratio(v):
    return f"{v:.1f}×" if v < 10 else f"{v:.0f}×"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default=".", help="regex over bench ids such as continuous_100k/predict")
    parser.add_argument("--no-peer-fit-1m", action="store_true", help="skip the peer's 1M fits (tens of seconds)")
    parser.add_argument("--measurement-time", type=int, default=3)
    args = parser.parse_args()

    subprocess.run(["nice", "-n", "10", "cargo", "bench", "--bench", "lifecycle", "--no-run"], cwd=ROOT, check=True)
    peer_ids = [i for i in lifetimes_peer.ALL if re.search(args.only, i)]
    if args.no_peer_fit_1m:
        peer_ids = [i for i in peer_ids if not i.endswith("_1m/bg_nbd_fit")]
    loads, rust, peer = [], [], []
    rust_checks = {}
    with tempfile.TemporaryDirectory(prefix="care-peer-") as data_dir:
        for n in range(args.rounds):
            before = uptime()
            print(f"round {n + 1}: {before}", file=sys.stderr, flush=True)
            medians, rust_checks = rust_round(args.only, data_dir, args.measurement_time)
            rust.append(medians)
            peer.append(peer_round(peer_ids, data_dir))
            loads.append((before, uptime()))

    print(f"# lifecycle benches side by side, {args.rounds} rounds")
    print()
    print("machine:", os.uname().machine, f"{os.cpu_count()} cores;", "load before/after each round:")
    for before, after in loads:
        print(f"- {before}  |  {after}")
    print()
    print("| bench | ours (Rust, criterion median) | lifetimes 0.11.3 (median) | ratio (per round) |")
    print("|---|---|---|---|")
    for bench_id in sorted(rust[0]):
        ours = [r[bench_id] for r in rust]
        theirs = [p[bench_id]["median"] for p in peer if bench_id in p]
        if theirs:
            ratios = [t / o for t, o in zip(theirs, ours)]
            print(f"| {bench_id} | {span(ours, fmt_time)} | {span(theirs, fmt_time)} | {span(ratios, ratio)} |")
        else:
            print(f"| {bench_id} | {span(ours, fmt_time)} | — | — |")
    print()
    print("What each side computed (last round):")
    for bench_id in sorted(rust[0]):
        if bench_id in RUST_ONLY:
            continue
        theirs = peer[-1].get(bench_id, {}).get("check")
        print(f"- {bench_id}: ours {rust_checks.get(bench_id)}; lifetimes {theirs}")


if __name__ == "__main__":
    main()
