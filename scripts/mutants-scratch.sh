#!/usr/bin/env bash
# Builds a scratch crate for mutation-testing one scope of `src/` with cargo-mutants (issue 14).
#
# A mutant of the whole crate costs 70–250 s on a 2-core machine: the crate and its 20-module integration test
# binary recompile for each. A scratch crate holds only the modules under test, the modules they need and the tests
# that exercise them, so a mutant rebuilds in seconds. The sources are copied from this repository unchanged except
# for the paths the smaller crate needs (`crate::stats::` → `crate::` in the stats crate), so cargo-mutants lists the
# same mutants, at the same lines, as it would in the real crate.
#
#   scripts/mutants-scratch.sh SCOPE [DIR]
#
# SCOPE and what the scratch crate holds (modules are copied whole; tests are their unit tests plus the integration
# test files named, with the shared helpers they use, compiled into the library's test binary):
#
#   money    id, money                                              tests/it/money.rs
#   program  id, money, stream, local_day, ledger, loyalty           tests/it/loyalty.rs
#   ledger   id, money, stream, local_day, ledger, loyalty, wallet   tests/it/{loyalty,wallet,wallet_trust}.rs
#   stats    src/stats/ only (mod.rs becomes lib.rs)                 unit tests only
#
# DIR defaults to $CARGO_TARGET_DIR/scratch/SCOPE (or target/mutants-scratch/SCOPE). The crate is rebuilt from
# scratch each time. Then, in DIR (see notes/trust/mutants.md for the exact runs and their figures):
#
#   cargo mutants --in-place --file src/money.rs -- --lib                  # money
#   cargo mutants --in-place --file src/loyalty/program.rs -- --lib       # program
#   cargo mutants --in-place --file 'src/ledger/*.rs' -- --lib            # ledger
#   cargo mutants --in-place -e src/lib.rs --sharding round-robin --shard K/4 -- --lib   # stats
set -euo pipefail

# cargo-mutants (27.1) never mutates a method named `new`: the validating constructors (`Money::new`,
# `LoyaltyProgram::new`, ...) would go unmeasured. Unless MUTANTS_NEW=0, each inherent `fn new(` is split, on its
# own first line so that every line number stays the same, into a `new` that forwards to `mutants_new`, which has the
# original body and is mutated like any other function (mutant names say `mutants_new`).
expose_new() {
    python3 - "$@" <<'PY'
import re, sys

def split_params(text):
    parts, depth, cur = [], 0, ''
    for ch in text:
        if ch in '<([':
            depth += 1
        elif ch in '>)]':
            depth -= 1
        if ch == ',' and depth == 0:
            parts.append(cur)
            cur = ''
        else:
            cur += ch
    if cur.strip():
        parts.append(cur)
    return [x.strip() for x in parts if x.strip()]

for path in sys.argv[1:]:
    lines = open(path).read().split('\n')
    for i, line in enumerate(lines):
        m = re.match(r'^(\s*)((?:pub(?:\([a-z]+\))? )?(?:const )?)fn new\(', line)
        if not m or '$' in line:
            continue
        # Only inherent impls: the nearest enclosing `impl` line must not implement a trait.
        indent = len(m.group(1))
        impl = next((l for l in reversed(lines[:i]) if re.match(r'^\s*impl\b', l) and len(l) - len(l.lstrip()) < indent), '')
        if not impl or ' for ' in impl:
            continue
        # The whole signature, up to the body's opening brace.
        sig, j = '', i
        while True:
            sig += lines[j] + '\n'
            if re.search(r'\{\s*$', lines[j]):
                break
            j += 1
        head = sig[m.end():]
        depth, k = 1, 0
        while depth:
            depth += {'(': 1, ')': -1}.get(head[k], 0)
            k += 1
        params = head[:k - 1]
        ret = head[k:].rsplit('{', 1)[0].strip()
        names = []
        for prm in split_params(params):
            name = prm.split(':')[0].replace('mut ', '').strip()
            names.append(name)
        if any(n in ('self', '&self', '&mut self') for n in names):
            continue
        prefix = m.group(1) + m.group(2)
        params_one_line = ' '.join(params.split())
        wrapper = f"{prefix}fn new({params_one_line}) {ret} {{ Self::mutants_new({', '.join(names)}) }} "
        lines[i] = wrapper + m.group(2) + 'fn mutants_new(' + line[m.end():]
    open(path, 'w').write('\n'.join(lines))
PY
}

# The crate's error types print their message as `Debug` through one macro in src/error.rs (`debug_is_display!`),
# which the scratch crates do not copy. Each listed type defined in DIR/src gets the same impl from a file outside
# src/, included by one line appended to the file that defines it: line numbers stay the same, and cargo-mutants
# (which does not look into `include!`) lists no mutant for it.
debug_is_display() {
    python3 - "$1" "$repo/src/error.rs" <<'PY'
import os, re, sys

dir, error_rs = sys.argv[1], sys.argv[2]
text = open(error_rs).read()
listed = re.search(r'^debug_is_display!\((.*?)\);', text, re.S | re.M).group(1)
types = [t.strip() for t in re.split(r',(?![^<]*>)', listed) if t.strip()]
os.makedirs(f'{dir}/scratch', exist_ok=True)
for root, _, files in os.walk(f'{dir}/src'):
    for name in files:
        path = os.path.join(root, name)
        src = open(path).read()
        for ty in types:
            m = re.match(r'(\w+)(?:<(.*)>)?$', ty)
            base, params = m.group(1), [x.strip() for x in (m.group(2) or '').split(',') if x.strip()]
            if not re.search(rf'^pub (?:enum|struct) {base}\b', src, re.M):
                continue
            generics = f"<{', '.join(f'{x}: ::core::fmt::Display' for x in params)}>" if params else ''
            args = f"<{', '.join(params)}>" if params else ''
            with open(f'{dir}/scratch/debug_{base}.rs', 'w') as out:
                out.write(f'// Generated by scripts/mutants-scratch.sh: src/error.rs debug_is_display!({ty}).\n'
                          f'impl{generics} ::core::fmt::Debug for {base}{args} {{\n'
                          "    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {\n"
                          '        ::core::fmt::Display::fmt(self, f)\n    }\n}\n')
            with open(path, 'a') as out:
                out.write(f'\ninclude!(concat!(env!("CARGO_MANIFEST_DIR"), "/scratch/debug_{base}.rs"));\n')
PY
}

scope=${1:?usage: scripts/mutants-scratch.sh money|program|ledger|stats [DIR]}
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${2:-${CARGO_TARGET_DIR:-$repo/target}/scratch/$scope}

case $scope in
money) modules=(text id money) it=(money) ;;
program) modules=(text id money stream local_day locale ledger loyalty) it=(loyalty) ;;
ledger) modules=(text id money stream local_day locale ledger loyalty wallet) it=(loyalty wallet wallet_trust) ;;
stats) modules=() it=() ;;
*)
    echo "unknown scope $scope: expected money, program, ledger or stats" >&2
    exit 2
    ;;
esac

# Keep a previous build's target/ (if DIR holds one) so the baseline build is incremental; replace everything else.
mkdir -p "$dir"
find "$dir" -mindepth 1 -maxdepth 1 ! -name target ! -name 'mutants.out*' -exec rm -rf {} +
mkdir -p "$dir/src"
cp "$repo/Cargo.lock" "$dir/"

cat >"$dir/Cargo.toml" <<'EOF'
# Scratch crate for cargo-mutants, generated by scripts/mutants-scratch.sh: do not edit, regenerate.
[package]
name = "customer-care"
version = "0.0.0"
edition = "2024"
publish = false
autotests = false

[lib]
name = "customer_care"
doctest = false

[dependencies]
serde = { version = "1.0.166", features = ["derive"] }
chrono = { version = "0.4.42", default-features = false, features = ["std", "serde"] }
chrono-tz = { version = "0.10", default-features = false, features = ["std", "serde"] }
rust_decimal = { version = "1.37", default-features = false, features = ["std", "serde", "serde-with-str"] }
uuid = { version = "1.18", default-features = false, features = ["std", "serde"] }
thiserror = "2.0.12"
iso_currency = "0.7"

[dev-dependencies]
proptest = "1"
serde_json = "1.0.100"
uuid = { version = "1.18", features = ["v4"] }

[profile.dev]
debug = 0

[profile.test]
debug = 0

[workspace]
EOF

if [[ $scope == stats ]]; then
    cp "$repo"/src/stats/*.rs "$dir/src/"
    mv "$dir/src/mod.rs" "$dir/src/lib.rs"
    sed -i 's/crate::stats::/crate::/g' "$dir"/src/*.rs
    if [[ ${MUTANTS_NEW:-1} != 0 ]]; then
        expose_new "$dir"/src/*.rs
    fi
    debug_is_display "$dir"
    # Proptest keeps failing seeds beside the source tree: src/stats/x.rs → proptest-regressions/stats/x.txt.
    if [[ -d $repo/proptest-regressions/stats ]]; then
        cp -r "$repo/proptest-regressions/stats" "$dir/proptest-regressions"
    fi
    echo "$dir"
    exit 0
fi

for m in "${modules[@]}"; do
    # A module is `m.rs`, `m/` (with `mod.rs`) or both (`m.rs` with child files such as `m/tests.rs`).
    if [[ -d $repo/src/$m ]]; then cp -r "$repo/src/$m" "$dir/src/"; fi
    if [[ -f $repo/src/$m.rs ]]; then cp "$repo/src/$m.rs" "$dir/src/"; fi
done

if [[ -d $repo/proptest-regressions ]]; then
    cp -r "$repo/proptest-regressions" "$dir/"
fi
if [[ ${MUTANTS_NEW:-1} != 0 ]]; then
    mapfile -t sources < <(find "$dir/src" -name '*.rs')
    expose_new "${sources[@]}"
fi
debug_is_display "$dir"

# The crate root: the copied modules and the root re-exports of src/lib.rs that refer to them.
{
    echo '//! Scratch crate for cargo-mutants (scripts/mutants-scratch.sh).'
    echo '#![allow(dead_code, unused_imports, unreachable_pub, rustdoc::broken_intra_doc_links)]'
    for m in "${modules[@]}"; do
        if [[ $m == local_day ]]; then echo "mod $m;"; else echo "pub mod $m;"; fi
    done
    grep '^pub use ' "$repo/src/lib.rs" | while read -r line; do
        m=${line#pub use }
        m=${m%%::*}
        if [[ " ${modules[*]} " == *" $m "* ]]; then echo "$line"; fi
    done
} >"$dir/src/lib.rs"

# Integration tests, compiled into the library's own test binary: `extern crate self as customer_care` lets their
# `customer_care::` paths name this crate, and `crate::common` is their shared helpers at the crate root. A mutant
# then costs one compile (`cargo test --lib`) instead of three (the library, its unit tests, tests/it). The tests
# see only what they would see from outside (they name nothing private). tests/it/main.rs is kept, not built
# (autotests = false), so that proptest finds tests/proptest-regressions/ as it does in the real crate.
mkdir -p "$dir/tests/it/common"
if [[ $scope == money ]]; then
    # The money tests need only the currency strategy; the other helpers need the stream module.
    echo 'pub mod strategies;' >"$dir/tests/it/common/mod.rs"
else
    cp "$repo"/tests/it/common/{mod.rs,aggregate.rs,ledger_strategies.rs,rng.rs} "$dir/tests/it/common/"
fi
# strategies.rs needs the customer module; the scratch tests use only its `currency()`.
{
    echo '//! `currency()` from tests/it/common/strategies.rs (the rest needs modules this crate lacks).'
    echo 'use customer_care::Currency;'
    echo 'use proptest::prelude::*;'
    sed -n '/^pub fn currency()/,/^}/p' "$repo/tests/it/common/strategies.rs"
} >"$dir/tests/it/common/strategies.rs"
echo '// Not built (autotests = false): marks tests/it/ as a test crate root for proptest.' >"$dir/tests/it/main.rs"
{
    echo '#[cfg(test)]'
    echo 'extern crate self as customer_care;'
    echo '#[cfg(test)]'
    echo '#[path = "../tests/it/common/mod.rs"]'
    echo 'mod common;'
    for t in "${it[@]}"; do
        # Assertions that need the care module (absent here) are dropped with the line after them.
        sed '/customer_care::care::/,+1d' "$repo/tests/it/$t.rs" >"$dir/tests/it/$t.rs"
        echo '#[cfg(test)]'
        echo "#[path = \"../tests/it/$t.rs\"]"
        echo "mod it_$t;"
    done
} >>"$dir/src/lib.rs"
if [[ -d $repo/tests/proptest-regressions ]]; then
    mkdir -p "$dir/tests/proptest-regressions"
    for t in "${it[@]}"; do
        if [[ -f $repo/tests/proptest-regressions/$t.txt ]]; then
            cp "$repo/tests/proptest-regressions/$t.txt" "$dir/tests/proptest-regressions/"
        fi
    done
fi
echo "$dir"
