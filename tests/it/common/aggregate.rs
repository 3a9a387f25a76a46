//! Generic checks for any [`Aggregate`] on the envelope (points accounts, stored-value accounts, ...): replay
//! equals live, snapshot + tail equals full replay through JSON, and idempotent resubmission.

use std::fmt::Debug;

use customer_care::stream::{Aggregate, Command, Commit, Decision, replay};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Replaying `commits` onto `initial` gives `live`, with the generic [`replay`] and with the aggregate's own
/// `fast` one; so does replaying the second half onto a JSON snapshot of the first half.
pub(crate) fn check_replay_and_snapshot<A, E>(
    initial: &A,
    live: &A,
    commits: &[Commit<A::Command, A::Event>],
    fast: impl Fn(A, &[Commit<A::Command, A::Event>]) -> Result<A, E>,
) where
    A: Aggregate + PartialEq + Debug + Serialize + DeserializeOwned,
    E: Debug,
{
    let replayed = replay(initial.clone(), commits).expect("replay");
    assert_eq!(&replayed, live, "replay equals live");
    assert_eq!(&fast(initial.clone(), commits).expect("fast replay"), live, "the aggregate's replay equals live");
    let k = commits.len() / 2;
    let head = fast(initial.clone(), &commits[..k]).expect("replay head");
    let snapshot: A = serde_json::from_str(&serde_json::to_string(&head).expect("serialize")).expect("deserialize");
    assert_eq!(snapshot, head, "snapshot round-trips");
    let tail = fast(snapshot, &commits[k..]).expect("replay tail");
    assert_eq!(&tail, live, "snapshot + tail equals full replay");
}

/// Every committed command resubmitted (restamped) is answered `Duplicate` with its version.
pub(crate) fn check_idempotent<A>(live: &A, context: &A::Context, commits: &[Commit<A::Command, A::Event>])
where
    A: Aggregate,
    A::Command: Debug,
    A::Event: Debug + PartialEq,
    A::Error: Debug,
{
    // Only the ids still inside the aggregate's idempotency window are remembered.
    let window = customer_care::stream::IDEMPOTENCY_WINDOW;
    for commit in commits.iter().rev().take(window) {
        let again = Command::new(commit.command.id, commit.command.issued_at, commit.command.body.clone());
        let decision = live.decide(context, &again).expect("a resubmission is never rejected");
        assert_eq!(decision, Decision::Duplicate { version: commit.version });
    }
}

/// Commits round-trip through JSON.
pub(crate) fn check_commits_round_trip<C, E>(commits: &[Commit<C, E>])
where
    C: Serialize + DeserializeOwned + PartialEq + Debug,
    E: Serialize + DeserializeOwned + PartialEq + Debug,
{
    for commit in commits {
        let json = serde_json::to_string(commit).expect("serialize");
        let back: Commit<C, E> = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(&back, commit);
    }
}

/// The stored format round trip (issue 16): every commit and the state, written as JSON and read back through
/// [`customer_care::wire`], are the same values and write the same JSON again; replaying the commits read back
/// onto `initial` gives `live`.
pub(crate) fn check_wire_round_trip<A>(initial: &A, live: &A, commits: &[Commit<A::Command, A::Event>])
where
    A: Aggregate + customer_care::wire::Upcast + PartialEq + Debug + Serialize + DeserializeOwned,
    A::Command: Serialize + DeserializeOwned + PartialEq + Debug,
    A::Event: Serialize + DeserializeOwned + PartialEq + Debug,
{
    use customer_care::wire::{decode_commit, decode_snapshot};
    let mut read = Vec::with_capacity(commits.len());
    for commit in commits {
        let json = serde_json::to_string(commit).expect("serialize");
        let back = decode_commit::<A>(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
        assert_eq!(&back, commit, "a commit read back differs");
        assert_eq!(serde_json::to_string(&back).expect("serialize"), json, "a commit re-serializes differently");
        read.push(back);
    }
    let json = serde_json::to_string(live).expect("serialize");
    let state = decode_snapshot::<A>(&json).unwrap_or_else(|e| panic!("{e}: {json}")).expect("current format");
    assert_eq!(&state, live, "the state read back differs");
    assert_eq!(serde_json::to_string(&state).expect("serialize"), json, "the state re-serializes differently");
    assert_eq!(&replay(initial.clone(), &read).expect("replay"), live, "replay of the commits read back");

    // The same stream as format 1 wrote it (issue 15's old names, no format field) reads back to the same values.
    let json = serde_json::to_value(live).expect("serialize");
    match decode_snapshot::<A>(&format_1_snapshot(A::NAME, json).to_string()).expect("a format 1 snapshot") {
        Some(state) => assert_eq!(&state, live, "a format 1 snapshot upcast"),
        None => assert_eq!(A::NAME, "customer", "only the customer ignores its format 1 snapshots"),
    }
    for commit in commits {
        let old = format_1_commit(A::NAME, serde_json::to_value(commit).expect("serialize")).to_string();
        assert_eq!(&decode_commit::<A>(&old).unwrap_or_else(|e| panic!("{e}: {old}")), commit, "format 1: {old}");
    }
}

/// A commit of aggregate `name` as format 1 wrote it: what `tests/golden/format1/make.py` does to a fixture.
fn format_1_commit(name: &str, mut commit: serde_json::Value) -> serde_json::Value {
    let object = commit.as_object_mut().expect("a commit is an object");
    object.remove("format");
    if let Some(body) = object.get_mut("command").and_then(|c| c.get_mut("body")) {
        format_1_body(name, body);
    }
    for event in object.get_mut("events").and_then(|e| e.as_array_mut()).into_iter().flatten() {
        let renamed = match event.get("type").and_then(|t| t.as_str()) {
            Some("lot_expired") if name == "points account" => Some("points_expired"),
            Some("lot_activated") if name == "points account" => Some("points_activated"),
            _ => None,
        };
        if let Some(old) = renamed {
            event["type"] = old.into();
        }
        if name == "stored-value account"
            && let Some(receipt) = event.get_mut("receipt").and_then(|r| r.as_object_mut())
        {
            for (new, old) in [
                ("principal_available", "principal_remaining"),
                ("bonus_available", "bonus_remaining"),
                ("money_available", "total_remaining"),
            ] {
                let value = receipt.remove(new).expect("a receipt field");
                receipt.insert(old.to_owned(), value);
            }
        }
    }
    commit
}

/// A snapshot of aggregate `name` as format 1 wrote it.
fn format_1_snapshot(name: &str, mut state: serde_json::Value) -> serde_json::Value {
    let stream = state.get_mut("stream").and_then(|s| s.as_object_mut()).expect("a stream envelope");
    stream.remove("format");
    for recorded in stream.get_mut("recent").and_then(|r| r.as_array_mut()).into_iter().flatten() {
        if let Some(body) = recorded.get_mut("body") {
            format_1_body(name, body);
        }
    }
    state
}

fn format_1_body(name: &str, body: &mut serde_json::Value) {
    if name == "stored-value account" && body.get("type").and_then(|t| t.as_str()) == Some("process_due") {
        body["type"] = "expire_due".into();
    }
}
