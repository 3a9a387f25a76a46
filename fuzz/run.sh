#!/usr/bin/env bash
# The bounded fuzz smoke run (issue 14 §3): builds every libFuzzer target once, then runs each for
# ${FUZZ_SECONDS:-30} seconds. Fails, naming the reproducer, when a target finds a crash, a timeout or a leak.
#
#   fuzz/run.sh                      # every target, 30 s each
#   FUZZ_SECONDS=300 fuzz/run.sh     # longer
#   fuzz/run.sh json_decode care_plan
#   FUZZ_SANITIZER=address fuzz/run.sh   # with AddressSanitizer (slower to build and to run)
#
# Needs the nightly toolchain (libFuzzer's coverage instrumentation); without it the run says SKIPPED and exits
# 0, so a machine without nightly is visibly not fuzzed rather than silently passed.
#
# It builds with plain `cargo +nightly build` and the instrumentation flags `cargo fuzz build` passes (cargo-fuzz
# 0.13), so CI needs no cargo-fuzz install, with two deliberate differences that halve the build: 16 codegen units
# instead of 1, and no AddressSanitizer by default (the crate forbids `unsafe`; what the smoke run hunts is
# panics, overflows — the build has debug assertions and overflow checks — and timeouts). The targets stay
# ordinary cargo-fuzz targets: `cargo +nightly fuzz run <target>` works as usual for longer sessions, `tmin` and
# `cmin`.
# New corpus entries go to fuzz/corpus/<target> (git-ignored); the committed seeds in fuzz/seeds/<target> are read
# too. Crashes land in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-30}
sanitizer=${FUZZ_SANITIZER:-none}
export CARGO_TERM_COLOR=never

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "SKIPPED: no nightly toolchain (rustup toolchain install nightly); the fuzz targets were NOT run"
  exit 0
fi

if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for file in fuzz/fuzz_targets/*.rs; do targets+=("$(basename "${file%.rs}")"); done
fi

triple=$(rustc +nightly -vV | sed -n 's/^host: //p')
flags=(-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4
  -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table
  -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cllvm-args=-simplifycfg-branch-fold-threshold=0
  -Cllvm-args=-sanitizer-coverage-stack-depth -Cdebug-assertions -Ccodegen-units=16)
[ "$sanitizer" != none ] && flags+=("-Zsanitizer=$sanitizer")
# One build of every target (release, with debug assertions and overflow checks: an overflow is a finding).
RUSTFLAGS="${flags[*]}" cargo +nightly build --manifest-path fuzz/Cargo.toml --release --target "$triple" --bins
bin_dir="fuzz/target/$triple/release"

failed=()
for target in "${targets[@]}"; do
  corpus="fuzz/corpus/$target"
  mkdir -p "$corpus" "fuzz/artifacts/$target"
  dirs=("$corpus")
  [ -d "fuzz/seeds/$target" ] && dirs+=("fuzz/seeds/$target")
  options=(-max_total_time="$seconds" -timeout=60 -rss_limit_mb=2048 -print_final_stats=1)
  # Structure-aware targets spend their first bytes on a program or policy: let inputs be long from the start.
  case "$target" in
    text_parse) ;;
    json_decode) options+=(-max_len=4096 -len_control=10) ;;
    *) options+=(-max_len=4096 -len_control=0) ;;
  esac
  [ -f "fuzz/dict/$target.dict" ] && options+=(-dict="fuzz/dict/$target.dict")
  log=$(mktemp)
  before=$(find "fuzz/artifacts/$target" -type f | wc -l)
  printf '\n==> fuzz %s for %ss\n' "$target" "$seconds"
  if "$bin_dir/$target" -artifact_prefix="fuzz/artifacts/$target/" "${options[@]}" "${dirs[@]}" >"$log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^Done [0-9]+ runs|DONE +cov' "$log" || true
    echo "corpus: $(find "$corpus" -type f | wc -l) inputs"
  else
    tail -n 40 "$log"
    reproducer=$(find "fuzz/artifacts/$target" -type f -newer "$log" | head -n 1)
    after=$(find "fuzz/artifacts/$target" -type f | wc -l)
    if [ -z "$reproducer" ] && [ "$after" -gt "$before" ]; then
      reproducer=$(ls -t "fuzz/artifacts/$target"/* | head -n 1)
    fi
    echo "FAILED: fuzz target $target found a crash; reproducer: ${reproducer:-see the log above}"
    echo "  reproduce: $bin_dir/$target ${reproducer:-<file>}  (or cargo +nightly fuzz run $target <file>)"
    echo "  minimise:  cargo +nightly fuzz tmin $target ${reproducer:-<file>}"
    failed+=("$target: ${reproducer:-?}")
  fi
  rm -f "$log"
done

if [ "${#failed[@]}" -gt 0 ]; then
  printf '\nfuzz findings:\n'
  printf '  %s\n' "${failed[@]}"
  exit 1
fi
printf '\nfuzz: %d targets, %ss each, no finding\n' "${#targets[@]}" "$seconds"
