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
}
