//! Property tests of the customer aggregate over random command sequences with clock jumps, duplicates and
//! conflicting resubmissions.

use chrono::TimeDelta;
use customer_care::customer::{Customer, CustomerCommand, CustomerError, CustomerEvent};
use customer_care::{Command, Commit, CustomerId, Decision, StreamError};
use proptest::prelude::*;

use crate::common::aggregate::check_wire_round_trip;
use crate::common::strategies::steps;
use crate::common::{at, cid};

type CustomerCommit = Commit<CustomerCommand, CustomerEvent>;

/// Runs the steps like a host would, checking the envelope's promises after every step.
fn run(steps: &[crate::common::strategies::Step]) -> (Customer, Vec<CustomerCommit>, Vec<Command<CustomerCommand>>) {
    let id = CustomerId::from_u128(42).unwrap();
    let mut live = Customer::new(id);
    let mut log: Vec<CustomerCommit> = Vec::new();
    let mut sent: Vec<Command<CustomerCommand>> = Vec::new();
    let mut now = at(2026, 1, 1, 8, 0);
    for (n, step) in steps.iter().enumerate() {
        now += TimeDelta::minutes(step.minutes);
        let command = match (&step.resubmit, sent.is_empty()) {
            (Some((index, same_body)), false) => {
                let earlier = index.get(&sent).clone();
                let body = if *same_body { earlier.body } else { step.body.build(now) };
                Command::new(earlier.id, now, body)
            }
            _ => Command::new(cid(1000 + n as u128), now, step.body.build(now)),
        };
        let before = live.clone();
        match live.decide(&command) {
            Ok(Decision::Accepted(commit)) => {
                assert_eq!(commit.version, live.version() + 1);
                assert_eq!(commit.command, command);
                live.apply(&commit);
                log.push(commit);
            }
            Ok(Decision::Duplicate { version }) => {
                let original = &log[version as usize - 1];
                assert_eq!(original.command.id, command.id);
                assert_eq!(original.command.body, command.body);
                assert_eq!(live, before);
            }
            Err(error) => {
                assert_eq!(live, before, "a rejected command changed the state");
                if let CustomerError::Stream(StreamError::ExistsWithDifferentBody { command_id, .. }) = error {
                    assert_eq!(command_id, command.id);
                }
            }
        }
        sent.push(command);
    }
    (live, log, sent)
}

proptest! {
    #[test]
    fn replay_equals_live(steps in steps(60)) {
        let (live, log, _) = run(&steps);
        let replayed = Customer::replay(live.id(), &log).unwrap();
        prop_assert_eq!(&replayed, &live);
    }

    #[test]
    fn snapshot_plus_tail_equals_full_replay(steps in steps(60), cut in any::<proptest::sample::Index>()) {
        let (live, log, _) = run(&steps);
        let k = cut.index(log.len() + 1);
        let head = Customer::replay(live.id(), &log[..k]).unwrap();
        let snapshot: Customer = serde_json::from_str(&serde_json::to_string(&head).unwrap()).unwrap();
        prop_assert_eq!(&snapshot, &head);
        let mut resumed = snapshot;
        for commit in &log[k..] {
            resumed.apply(commit);
        }
        prop_assert_eq!(resumed, live);
    }

    #[test]
    fn resubmitting_accepted_commands_is_a_duplicate(steps in steps(60)) {
        let (live, log, _) = run(&steps);
        let erased = log.iter().any(|c| c.command.body == CustomerCommand::Erase);
        for commit in &log {
            // Duplicates are recognised before the back-dating check: the original timestamp is fine.
            let retry = commit.command.clone();
            match live.decide(&retry) {
                Ok(decision) => prop_assert_eq!(decision, Decision::Duplicate { version: commit.version }),
                // Erasure forgets personal bodies: their retries no longer match.
                Err(CustomerError::Stream(StreamError::ExistsWithDifferentBody { .. })) => {
                    prop_assert!(erased && commit.command.body.holds_personal_data());
                }
                Err(e) => prop_assert!(false, "unexpected {e}"),
            }
        }
    }

    #[test]
    fn commits_round_trip_through_json(steps in steps(30)) {
        let (_, log, _) = run(&steps);
        let json = serde_json::to_string(&log).unwrap();
        let back: Vec<CustomerCommit> = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, log);
    }

    #[test]
    fn commits_and_state_round_trip_through_the_stored_format(steps in steps(60)) {
        let (live, log, _) = run(&steps);
        check_wire_round_trip(&Customer::new(live.id()), &live, &log);
    }
}
