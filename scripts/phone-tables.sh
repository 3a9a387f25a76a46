#!/usr/bin/env bash
# Regenerates src/customer/phone/tables.rs, the number ranges of the default build's detailed numbering plans,
# from the libphonenumber metadata bundled with the `phonenumber` crate (see src/customer/phone/generate.rs).
#
# Run it after updating the `phonenumber` dependency: it runs the ignored generator test, writes what it prints
# between the marker lines to tables.rs, formats the file, and runs the test that keeps the committed tables what
# the generator prints. Review the diff (`git diff src/customer/phone/tables.rs`) like any other change.
set -euo pipefail
cd "$(dirname "$0")/.."

tables=src/customer/phone/tables.rs
printed=$(cargo test --quiet --features phonenumber --lib customer::phone::generate::generate_tables \
  -- --exact --ignored --nocapture)
awk '/^----- end -----$/ { on = 0 } on { print } /^----- tables.rs -----$/ { on = 1 }' <<<"$printed" >"$tables.new"
if [ ! -s "$tables.new" ]; then
  rm -f "$tables.new"
  echo "the generator printed no tables; nothing written" >&2
  exit 1
fi
mv "$tables.new" "$tables"
rustfmt --edition 2024 "$tables"
cargo test --quiet --features phonenumber --lib customer::phone::generate::tables_are_generated_from_the_metadata
echo "regenerated $tables"
