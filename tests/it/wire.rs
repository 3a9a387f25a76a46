//! The stored format (issue 16): golden fixtures, upcasting, snapshots of older formats.
//!
//! Two kinds of fixtures live in `tests/golden/`:
//!
//! - `format<N>/`: **stored data, frozen**. The golden streams (`wire_streams.rs`) as a host stored them in format
//!   `N`: the commits (`<aggregate>.commits.json`) and the snapshot after the last one (`<aggregate>.state.json`).
//!   Never edited, never regenerated: every later build must read every one of them and replay it to exactly the
//!   state the current build reaches live. `format1/` is the shape before the format was written down (no
//!   `format` field, issue 15's old names); it is read through the upcaster only.
//! - `snapshots/`: **what this build writes** (insta). The golden streams, programs, tallies and reports as
//!   serialized today. A change of any serialized name or shape fails here first, with a diff.
//!
//! A deliberate shape change therefore needs: a new `FORMAT_VERSION` with an upcasting step (`src/wire/`), the
//! insta snapshots accepted (`cargo insta review`), a new frozen `format<N>/` directory (run
//! `WIRE_FREEZE=1 cargo test --test it wire::freeze_the_current_format -- --ignored`, which writes it only if it
//! does not exist), and a CHANGELOG entry under Breaking changes. The older frozen directories stay as they are.

use std::path::{Path, PathBuf};

use customer_care::stream::{FIRST_FORMAT, FORMAT_VERSION, replay};
use customer_care::wire::{Stored, Upcast, WireError, decode_commit, decode_snapshot};
use customer_care::{Aggregate, Commit, Customer, PointsAccount, StoredValueAccount};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::wire_streams::{CommitsOf, customer_stream, points_program, points_stream, wallet_program, wallet_stream};

pub(crate) fn golden() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn frozen(format: u32, file: &str) -> String {
    let path = golden().join(format!("format{format}")).join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Pretty JSON with a final newline: the form of every fixture.
pub(crate) fn pretty<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap() + "\n"
}

/// insta, writing to `tests/golden/snapshots/` under the plain names.
pub(crate) fn insta_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(golden().join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings
}

/// The golden streams as the current build produces them live: name, commits as JSON values, state.
struct Live<A: Aggregate> {
    name: &'static str,
    commits: CommitsOf<A>,
    state: A,
    empty: A,
}

fn live_points() -> Live<PointsAccount> {
    let program = points_program();
    let s = points_stream(&program);
    Live { name: "points", empty: PointsAccount::new(s.state.id()), commits: s.commits, state: s.state }
}

fn live_wallet() -> Live<StoredValueAccount> {
    let program = wallet_program();
    let s = wallet_stream(&program);
    let empty = StoredValueAccount::new(s.state.id(), s.state.currency());
    Live { name: "wallet", empty, commits: s.commits, state: s.state }
}

fn live_customer() -> Live<Customer> {
    let s = customer_stream();
    Live { name: "customer", empty: Customer::new(s.state.id()), commits: s.commits, state: s.state }
}

/// What reading one frozen fixture found.
#[derive(Debug, PartialEq)]
enum SnapshotRead {
    /// Decoded (upcast if older) to the live state.
    Decoded,
    /// An older snapshot the aggregate ignores: the state was rebuilt from the commits.
    Ignored,
}

/// Reads the frozen stream of `format`: every commit through the upcaster, replayed onto the empty aggregate,
/// must equal the live commits and state; the snapshot must decode to the live state or be ignored.
fn read_frozen<A>(format: u32, live: &Live<A>) -> SnapshotRead
where
    A: Aggregate + Upcast + DeserializeOwned + PartialEq + std::fmt::Debug,
    A::Command: DeserializeOwned + PartialEq + std::fmt::Debug,
    A::Event: DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let name = live.name;
    let text = frozen(format, &format!("{name}.commits.json"));
    let stored: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let commits: Vec<Commit<A::Command, A::Event>> = stored
        .iter()
        .map(|c| decode_commit::<A>(&c.to_string()).unwrap_or_else(|e| panic!("format {format} {name}: {e}")))
        .collect();
    assert_eq!(commits, live.commits, "format {format} {name}: the commits read differ from those written live");
    let replayed = replay(live.empty.clone(), &commits).unwrap();
    assert_eq!(replayed, live.state, "format {format} {name}: replay differs from the live state");

    let snapshot = frozen(format, &format!("{name}.state.json"));
    match decode_snapshot::<A>(&snapshot).unwrap_or_else(|e| panic!("format {format} {name} snapshot: {e}")) {
        Some(state) => {
            assert_eq!(state, live.state, "format {format} {name}: the snapshot differs from the live state");
            SnapshotRead::Decoded
        }
        None => SnapshotRead::Ignored,
    }
}

fn check_current_format_byte_for_byte<A: Aggregate + Serialize>(live: &Live<A>)
where
    A::Command: Serialize,
    A::Event: Serialize,
{
    let name = live.name;
    assert_eq!(pretty(&live.commits), frozen(FORMAT_VERSION, &format!("{name}.commits.json")), "{name} commits");
    assert_eq!(pretty(&live.state), frozen(FORMAT_VERSION, &format!("{name}.state.json")), "{name} state");
}

// ------------------------------------------------------------------------------------------------ the writer

/// What this build writes for the golden streams. A renamed tag or field, a changed representation, an added or
/// removed field: each fails here with a diff.
#[test]
fn the_golden_streams_are_written_as_recorded() {
    fn lock<A: Aggregate + Serialize>(live: &Live<A>)
    where
        A::Command: Serialize,
        A::Event: Serialize,
    {
        insta_settings().bind(|| {
            insta::assert_snapshot!(format!("{}_commits", live.name), pretty(&live.commits));
            insta::assert_snapshot!(format!("{}_state", live.name), pretty(&live.state));
        });
    }
    lock(&live_points());
    lock(&live_wallet());
    lock(&live_customer());
}

// ------------------------------------------------------------------------------------------- the stored data

/// Every frozen format, read today, replays to exactly the state the current build reaches live.
#[test]
fn every_frozen_format_replays_to_the_live_state() {
    let (points, wallet, customer) = (live_points(), live_wallet(), live_customer());
    for format in FIRST_FORMAT..=FORMAT_VERSION {
        assert_eq!(read_frozen(format, &points), SnapshotRead::Decoded, "points format {format}");
        assert_eq!(read_frozen(format, &wallet), SnapshotRead::Decoded, "wallet format {format}");
        let expected = if format == FORMAT_VERSION { SnapshotRead::Decoded } else { SnapshotRead::Ignored };
        assert_eq!(read_frozen(format, &customer), expected, "customer format {format}");
    }
}

/// The frozen fixtures of the current format are exactly what the current build writes.
#[test]
fn the_current_format_re_serializes_byte_for_byte() {
    check_current_format_byte_for_byte(&live_points());
    check_current_format_byte_for_byte(&live_wallet());
    check_current_format_byte_for_byte(&live_customer());
}

/// Format 1 holds the old names and no format field; plain deserialization refuses it, naming both formats,
/// where the upcaster reads it.
#[test]
fn format_1_is_read_through_the_upcaster_only() {
    let text = frozen(1, "wallet.commits.json");
    for old in [r#""type": "expire_due""#, r#""principal_remaining""#, r#""bonus_remaining""#, r#""total_remaining""#] {
        assert!(text.contains(old), "format 1 wallet fixture without {old}");
    }
    assert!(!text.contains(r#""format""#));
    let points = frozen(1, "points.commits.json");
    assert!(points.contains(r#""type": "points_expired""#) && points.contains(r#""type": "points_activated""#));

    let stored: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let first = stored[0].to_string();
    let err = serde_json::from_str::<Commit<customer_care::WalletCommand, customer_care::WalletEvent>>(&first)
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("commit written in format 1, this build reads format 2 directly"), "{err}");
    assert!(decode_commit::<StoredValueAccount>(&first).is_ok());
}

/// A commit or snapshot from a newer build is refused with both versions named, never guessed at; a format that
/// is not a version is refused too.
#[test]
fn newer_or_invalid_formats_are_refused() {
    let live = live_wallet();
    let commit = serde_json::to_string(&live.commits[0]).unwrap();
    let newer = commit.replace(r#""format":2"#, r#""format":3"#);
    assert_eq!(
        decode_commit::<StoredValueAccount>(&newer).unwrap_err(),
        WireError::NewerFormat { aggregate: "stored-value account".into(), what: Stored::Commit, found: 3, known: 2 }
    );
    assert_eq!(
        decode_commit::<StoredValueAccount>(&newer).unwrap_err().to_string(),
        "stored-value account commit written in format 3, newer than format 2, the newest this build reads"
    );
    let state = serde_json::to_string(&live.state).unwrap();
    let newer = state.replacen(r#""format":2"#, r#""format":3"#, 1);
    assert_ne!(newer, state);
    assert_eq!(
        decode_snapshot::<StoredValueAccount>(&newer).unwrap_err(),
        WireError::NewerFormat { aggregate: "stored-value account".into(), what: Stored::Snapshot, found: 3, known: 2 }
    );
    for bad in [r#""format":0"#, r#""format":"2""#, r#""format":-1"#, r#""format":4294967297"#] {
        let json = commit.replace(r#""format":2"#, bad);
        assert!(matches!(decode_commit::<StoredValueAccount>(&json), Err(WireError::InvalidFormat { .. })), "{bad}");
    }
    assert!(matches!(decode_commit::<StoredValueAccount>("[1]"), Err(WireError::NotJson { .. })));
    assert!(matches!(decode_commit::<StoredValueAccount>("{"), Err(WireError::NotJson { .. })));
}

/// An older snapshot is upcast (points, wallet) or ignored (customer: rebuilt from the commits); the wallet's
/// format 1 snapshot remembers an `expire_due` command, which the step renames.
#[test]
fn older_snapshots_are_upcast_or_ignored() {
    let wallet = frozen(1, "wallet.state.json");
    assert!(wallet.contains(r#""type": "expire_due""#));
    assert!(serde_json::from_str::<StoredValueAccount>(&wallet).is_err(), "plain serde must refuse format 1");
    assert_eq!(decode_snapshot::<StoredValueAccount>(&wallet).unwrap(), Some(live_wallet().state));
    assert_eq!(decode_snapshot::<PointsAccount>(&frozen(1, "points.state.json")).unwrap(), Some(live_points().state));
    let live = live_customer();
    assert_eq!(decode_snapshot::<Customer>(&frozen(1, "customer.state.json")).unwrap(), None);
    assert_eq!(replay(live.empty.clone(), &live.commits).unwrap(), live.state);
}

// ---------------------------------------------------------------------------------------------- the procedure

/// Pending insta snapshots (`.snap.new`) mean a shape changed and nobody reviewed it: the suite fails until they
/// are accepted (with a new format) or deleted.
#[test]
fn no_snapshot_is_pending_review() {
    let pending: Vec<_> = std::fs::read_dir(golden().join("snapshots"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|name| name.ends_with(".snap.new") || name.ends_with(".pending-snap"))
        .collect();
    assert!(pending.is_empty(), "snapshots pending review in tests/golden/snapshots: {pending:?}");
}

/// Writes `tests/golden/format<FORMAT_VERSION>/` from the live golden streams, once: it refuses to touch an
/// existing directory (stored data is frozen). Run with `WIRE_FREEZE=1` after bumping the format.
#[test]
#[ignore = "writes fixtures; run by hand after a format bump"]
fn freeze_the_current_format() {
    if std::env::var_os("WIRE_FREEZE").is_none() {
        return;
    }
    let dir = golden().join(format!("format{FORMAT_VERSION}"));
    assert!(!dir.exists(), "{} exists: frozen fixtures are never rewritten", dir.display());
    std::fs::create_dir_all(&dir).unwrap();
    fn write<A: Aggregate + Serialize>(dir: &Path, live: &Live<A>)
    where
        A::Command: Serialize,
        A::Event: Serialize,
    {
        std::fs::write(dir.join(format!("{}.commits.json", live.name)), pretty(&live.commits)).unwrap();
        std::fs::write(dir.join(format!("{}.state.json", live.name)), pretty(&live.state)).unwrap();
    }
    write(&dir, &live_points());
    write(&dir, &live_wallet());
    write(&dir, &live_customer());
}
