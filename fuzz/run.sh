#!/usr/bin/env bash
# The bounded fuzz smoke run (issue 14 §3): builds every cargo-fuzz target once, then runs each for
# ${FUZZ_SECONDS:-30} seconds. Fails, naming the reproducer, when a target finds a crash, a timeout or a leak.
#
#   fuzz/run.sh                      # every target, 30 s each
#   FUZZ_SECONDS=300 fuzz/run.sh     # longer
#   fuzz/run.sh json_decode care_plan
#
# Needs the nightly toolchain (libFuzzer instrumentation); without it the run says SKIPPED and exits 0, so a
# machine without nightly is visibly not fuzzed rather than silently passed. Installs cargo-fuzz when missing.
# New corpus entries go to fuzz/corpus/<target> (git-ignored); the committed seeds in fuzz/seeds/<target> are read
# too. Crashes land in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-30}
export CARGO_TERM_COLOR=never

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "SKIPPED: no nightly toolchain (rustup toolchain install nightly); the fuzz targets were NOT run"
  exit 0
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "cargo-fuzz is missing: cargo install --locked cargo-fuzz"
  cargo install --locked cargo-fuzz
fi

if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo +nightly fuzz list)
fi

# One build of every target (release, with debug assertions and overflow checks: an overflow is a finding).
cargo +nightly fuzz build

failed=()
for target in "${targets[@]}"; do
  corpus="fuzz/corpus/$target"
  mkdir -p "$corpus" "fuzz/artifacts/$target"
  dirs=("$corpus")
  [ -d "fuzz/seeds/$target" ] && dirs+=("fuzz/seeds/$target")
  flags=(-max_total_time="$seconds" -timeout=60 -rss_limit_mb=2048 -print_final_stats=1)
  # Structure-aware targets spend their first bytes on a program or policy: let inputs be long from the start.
  case "$target" in
    text_parse) ;;
    json_decode) flags+=(-max_len=4096 -len_control=10) ;;
    *) flags+=(-max_len=4096 -len_control=0) ;;
  esac
  [ -f "fuzz/dict/$target.dict" ] && flags+=(-dict="fuzz/dict/$target.dict")
  log=$(mktemp)
  before=$(find "fuzz/artifacts/$target" -type f | wc -l)
  printf '\n==> fuzz %s for %ss\n' "$target" "$seconds"
  if cargo +nightly fuzz run "$target" "${dirs[@]}" -- "${flags[@]}" >"$log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^Done [0-9]+ runs' "$log" || true
    echo "corpus: $(find "$corpus" -type f | wc -l) inputs"
  else
    tail -n 40 "$log"
    reproducer=$(find "fuzz/artifacts/$target" -type f -newer "$log" | head -n 1)
    after=$(find "fuzz/artifacts/$target" -type f | wc -l)
    if [ -z "$reproducer" ] && [ "$after" -gt "$before" ]; then
      reproducer=$(ls -t "fuzz/artifacts/$target"/* | head -n 1)
    fi
    echo "FAILED: fuzz target $target found a crash; reproducer: ${reproducer:-see the log above}"
    echo "  reproduce: cargo +nightly fuzz run $target ${reproducer:-<file>}"
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
