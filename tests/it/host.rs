//! The host loop and the storage conformance kit: the reference store passes, broken stores are caught; the
//! [`Host`] stamps or keeps `issued_at` as documented, answers duplicates with the stored commit, retries version
//! conflicts as its policy says, and files each aggregate under its own stream.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::convert::Infallible;

use chrono::{DateTime, TimeDelta, Utc};
use customer_care::customer::{Customer, CustomerCommand, CustomerError, CustomerEvent, Purchase};
use customer_care::host::conformance::check_store;
use customer_care::host::{
    AppendError, Clock, CommitStore, Host, ManualClock, MemoryStore, Outcome, RetryPolicy, SubmitError,
};
use customer_care::loyalty::{
    LoyaltyError, LoyaltyProgram, Points, PointsAccount, PointsCommand, PointsEvent, ProgramSpec,
};
use customer_care::wallet::{StoredValueAccount, StoredValueProgram, StoredValueSpec, WalletCommand, WalletEvent};
use customer_care::{
    AccountId, Aggregate, Command, CommandId, Commit, Currency, CustomerId, Money, OrderId, PaymentRef, StreamError,
};
use uuid::Uuid;

use crate::common::{at, cid};

type C = CustomerCommand;
type E = CustomerEvent;

fn json_codec(c: &Customer) -> Result<Customer, String> {
    serde_json::from_str(&serde_json::to_string(c).map_err(|e| e.to_string())?).map_err(|e| e.to_string())
}

#[test]
fn the_memory_store_passes_every_check() {
    let passed = check_store(MemoryStore::default, json_codec).unwrap();
    assert_eq!(passed.len(), 6);
}

/// A store with one flaw switched on, written from scratch so each flaw is exactly one missing rule.
#[derive(Default)]
struct Flawed {
    streams: BTreeMap<Uuid, Vec<Commit<C, E>>>,
    flaw: Flaw,
}

#[derive(Clone, Copy, Default, PartialEq)]
enum Flaw {
    #[default]
    None,
    IgnoresVersion,
    IgnoresCommandIds,
    PartialBatches,
    LoadsEverything,
}

impl CommitStore<C, E> for Flawed {
    type Error = Infallible;

    fn load(&self, stream: Uuid, after: u64) -> Result<Vec<Commit<C, E>>, Infallible> {
        let log = self.streams.get(&stream).cloned().unwrap_or_default();
        let skip = if self.flaw == Flaw::LoadsEverything { 0 } else { after as usize };
        Ok(log.into_iter().skip(skip).collect())
    }

    fn find_command(&self, stream: Uuid, id: CommandId) -> Result<Option<Commit<C, E>>, Infallible> {
        if self.flaw == Flaw::IgnoresCommandIds {
            return Ok(None);
        }
        Ok(self.streams.get(&stream).and_then(|log| log.iter().find(|c| c.command.id == id)).cloned())
    }

    fn append(&mut self, stream: Uuid, expected: u64, commits: &[Commit<C, E>]) -> Result<(), AppendError<Infallible>> {
        let flaw = self.flaw;
        let log = self.streams.entry(stream).or_default();
        let actual = log.len() as u64;
        if actual != expected && flaw != Flaw::IgnoresVersion {
            return Err(AppendError::VersionConflict { stream, expected, actual });
        }
        for commit in commits {
            let stored = log.iter().find(|c| c.command.id == commit.command.id);
            if let Some(stored) = stored
                && flaw != Flaw::IgnoresCommandIds
            {
                if flaw == Flaw::PartialBatches {
                    // Stops here, keeping what it already wrote.
                    return Err(AppendError::DuplicateCommand {
                        stream,
                        command_id: commit.command.id,
                        version: stored.version,
                    });
                }
                return Err(AppendError::DuplicateCommand {
                    stream,
                    command_id: commit.command.id,
                    version: stored.version,
                });
            }
            if flaw == Flaw::PartialBatches {
                log.push(commit.clone());
            }
        }
        if flaw != Flaw::PartialBatches {
            log.extend(commits.iter().cloned());
        }
        Ok(())
    }
}

#[test]
fn broken_stores_are_caught_by_the_right_check() {
    for (flaw, check) in [
        (Flaw::IgnoresVersion, "same_version_race"),
        (Flaw::IgnoresCommandIds, "duplicate_command_id"),
        (Flaw::PartialBatches, "atomic_batch"),
        (Flaw::LoadsEverything, "append_then_load"),
    ] {
        let failure = check_store(|| Flawed { flaw, ..Default::default() }, json_codec).unwrap_err();
        assert_eq!(failure.check, check, "{failure}");
    }
    assert!(check_store(Flawed::default, json_codec).is_ok());
}

#[test]
fn a_lossy_snapshot_codec_is_caught() {
    let lossy = |c: &Customer| -> Result<Customer, String> { Ok(Customer::new(c.id())) };
    let failure = check_store(MemoryStore::default, lossy).unwrap_err();
    assert_eq!(failure.check, "snapshot_plus_tail");
}

fn vnd(amount: i64) -> Money {
    Money::from_minor(amount, Currency::VND)
}

fn register() -> CustomerCommand {
    CustomerCommand::Register { profile: Default::default(), registered_at: None }
}

fn purchase(order: &str, at: DateTime<Utc>) -> CustomerCommand {
    CustomerCommand::RecordPurchase(Purchase::new(OrderId::new(order).unwrap(), vnd(50_000), at))
}

fn stored(store: &MemoryStore, stream: Uuid) -> Vec<Commit<C, E>> {
    CommitStore::<C, E>::load(store, stream, 0).unwrap()
}

#[test]
fn the_host_stamps_issued_at_from_its_clock_and_never_backwards() {
    let t0 = at(2026, 3, 1, 9, 0);
    let mut host = Host::new(MemoryStore::default(), ManualClock::new(t0));
    let mut lan = Customer::new(CustomerId::from_u128(1).unwrap());
    let first = host.submit(&mut lan, &(), cid(1), register()).unwrap();
    assert_eq!(first.commit().command.issued_at, t0);
    // The clock goes back an hour (another server, skewed): the stamp stays at the stream's last decision time.
    host.clock_mut().set(t0 - TimeDelta::hours(1));
    let second = host.submit(&mut lan, &(), cid(2), purchase("HD-1", t0 - TimeDelta::hours(2))).unwrap();
    assert_eq!(second.commit().command.issued_at, t0);
    host.clock_mut().advance(TimeDelta::hours(3));
    let third = host.submit(&mut lan, &(), cid(3), purchase("HD-2", t0)).unwrap();
    assert_eq!(third.commit().command.issued_at, t0 + TimeDelta::hours(2));
    assert_eq!(lan.version(), 3);
    assert_eq!(stored(host.store(), lan.stream_id()).len(), 3);
}

#[test]
fn submit_command_keeps_the_callers_issued_at() {
    let t0 = at(2026, 3, 1, 9, 0);
    let clock_reads = Cell::new(0);
    let clock = || {
        clock_reads.set(clock_reads.get() + 1);
        t0 + TimeDelta::days(100)
    };
    let mut host = Host::new(MemoryStore::default(), clock);
    let mut lan = Customer::new(CustomerId::from_u128(1).unwrap());
    let submitted = host.submit_command(&mut lan, &(), Command::new(cid(1), t0, register())).unwrap();
    assert_eq!(submitted.commit().command.issued_at, t0);
    assert_eq!(clock_reads.get(), 0, "submit_command never reads the clock");
    // Kept means kept: a command issued before the stream's last one is back-dated, and rejected.
    let late = Command::new(cid(2), t0 - TimeDelta::minutes(1), purchase("HD-1", t0 - TimeDelta::hours(1)));
    let err = host.submit_command(&mut lan, &(), late).unwrap_err();
    assert!(matches!(err, SubmitError::Rejected(CustomerError::Stream(StreamError::Backdated { .. }))), "{err}");
    assert_eq!(lan.version(), 1);
}

#[test]
fn a_duplicate_carries_the_stored_commit_also_beyond_the_idempotency_window() {
    let t0 = at(2026, 3, 1, 9, 0);
    let mut host = Host::new(MemoryStore::default(), ManualClock::new(t0));
    let mut lan = Customer::new(CustomerId::from_u128(1).unwrap());
    host.submit(&mut lan, &(), cid(1), register()).unwrap();
    let first = host.submit(&mut lan, &(), cid(2), purchase("HD-1", t0)).unwrap();
    let Outcome::Committed(original) = first.outcome.clone() else { panic!("not committed: {:?}", first.outcome) };
    host.clock_mut().advance(TimeDelta::minutes(5));
    // Remembered by the aggregate.
    let again = host.submit(&mut lan, &(), cid(2), purchase("HD-1", t0)).unwrap();
    assert_eq!(again.outcome, Outcome::Duplicate(original.clone()));
    assert!(again.outcome.is_duplicate());
    assert_eq!(again.commit().command.issued_at, t0, "the stored commit, not a restamped copy");
    // Forgotten by the aggregate, found by the store's index (and the aggregate would reject the repeated order).
    for n in 0..customer_care::stream::IDEMPOTENCY_WINDOW as u128 {
        host.submit(&mut lan, &(), cid(100 + n), purchase(&format!("HD-X{n}"), t0)).unwrap();
    }
    let late = host.submit(&mut lan, &(), cid(2), purchase("HD-1", t0)).unwrap();
    assert_eq!(late.outcome, Outcome::Duplicate(original));
    // The same id with another body is rejected, and nothing is stored.
    let version = lan.version();
    let err = host.submit(&mut lan, &(), cid(2), purchase("HD-9", t0)).unwrap_err();
    assert_eq!(
        err,
        SubmitError::Rejected(CustomerError::Stream(StreamError::ExistsWithDifferentBody {
            command_id: cid(2),
            version: 2
        }))
    );
    assert_eq!(lan.version(), version);
    assert_eq!(stored(host.store(), lan.stream_id()).len() as u64, version);
}

#[test]
fn a_rejection_stores_nothing_and_leaves_the_state_at_the_stream_end() {
    let t0 = at(2026, 3, 1, 9, 0);
    let mut host = Host::new(MemoryStore::default(), ManualClock::new(t0));
    let id = CustomerId::from_u128(1).unwrap();
    let mut writer = Customer::new(id);
    host.submit(&mut writer, &(), cid(1), register()).unwrap();
    host.submit(&mut writer, &(), cid(2), purchase("HD-1", t0)).unwrap();
    // A stale copy (version 0) catches up before deciding; the repeated order is then rejected.
    let mut stale = Customer::new(id);
    let err = host.submit(&mut stale, &(), cid(3), purchase("HD-1", t0)).unwrap_err();
    assert!(matches!(err, SubmitError::Rejected(CustomerError::OrderAlreadyRecorded { .. })), "{err}");
    assert_eq!(stale, writer);
    assert_eq!(host.load(Customer::new(id)).unwrap(), writer);
}

/// A store that reports a version conflict on every append after `conflicts` of them, as if another writer always
/// won the race.
struct Contended {
    inner: MemoryStore,
    conflicts: u32,
}

impl CommitStore<C, E> for Contended {
    type Error = Infallible;
    fn load(&self, stream: Uuid, after: u64) -> Result<Vec<Commit<C, E>>, Infallible> {
        self.inner.load(stream, after)
    }
    fn append(&mut self, stream: Uuid, expected: u64, commits: &[Commit<C, E>]) -> Result<(), AppendError<Infallible>> {
        if self.conflicts > 0 {
            self.conflicts -= 1;
            return Err(AppendError::VersionConflict { stream, expected, actual: expected + 1 });
        }
        self.inner.append(stream, expected, commits)
    }
    fn find_command(&self, stream: Uuid, id: CommandId) -> Result<Option<Commit<C, E>>, Infallible> {
        self.inner.find_command(stream, id)
    }
}

#[test]
fn version_conflicts_are_retried_as_the_policy_says() {
    let t0 = at(2026, 3, 1, 9, 0);
    let mut lan = Customer::new(CustomerId::from_u128(1).unwrap());
    let store = Contended { inner: MemoryStore::default(), conflicts: 2 };
    let mut host = Host::new(store, ManualClock::new(t0));
    assert_eq!(host.retry(), RetryPolicy::default());
    let submitted = host.submit(&mut lan, &(), cid(1), register()).unwrap();
    assert_eq!(submitted.attempts, 3);
    host.store_mut().conflicts = 3;
    let err = host.submit(&mut lan, &(), cid(2), purchase("HD-1", t0)).unwrap_err();
    assert_eq!(err, SubmitError::TooManyConflicts { attempts: 3 });
    assert_eq!(err.to_string(), "gave up after 3 version conflicts");
    let mut host = host.with_retry(RetryPolicy::attempts(5));
    host.store_mut().conflicts = 4;
    assert_eq!(host.submit(&mut lan, &(), cid(2), purchase("HD-1", t0)).unwrap().attempts, 5);
    assert_eq!(host.into_store().inner.streams::<C, E>().count(), 1);
}

/// Forgets every commit it stores but keeps answering "duplicate" for their ids.
#[derive(Default)]
struct Amnesiac {
    ids: Vec<(CommandId, u64)>,
}

impl CommitStore<C, E> for Amnesiac {
    type Error = Infallible;
    fn load(&self, _: Uuid, _: u64) -> Result<Vec<Commit<C, E>>, Infallible> {
        Ok(Vec::new())
    }
    fn append(&mut self, stream: Uuid, _: u64, commits: &[Commit<C, E>]) -> Result<(), AppendError<Infallible>> {
        for c in commits {
            if let Some(&(command_id, version)) = self.ids.iter().find(|(id, _)| *id == c.command.id) {
                return Err(AppendError::DuplicateCommand { stream, command_id, version });
            }
        }
        self.ids.extend(commits.iter().map(|c| (c.command.id, c.version)));
        Ok(())
    }
    fn find_command(&self, _: Uuid, _: CommandId) -> Result<Option<Commit<C, E>>, Infallible> {
        Ok(None)
    }
}

#[test]
fn a_store_that_loses_a_commit_it_reports_is_an_error_not_a_guess() {
    let t0 = at(2026, 3, 1, 9, 0);
    let id = CustomerId::from_u128(1).unwrap();
    let mut host = Host::new(Amnesiac::default(), ManualClock::new(t0));
    host.submit(&mut Customer::new(id), &(), cid(1), register()).unwrap();
    let err = host.submit(&mut Customer::new(id), &(), cid(1), register()).unwrap_err();
    assert_eq!(err, SubmitError::MissingCommit { stream: id.as_uuid(), command_id: cid(1), version: 1 });
}

fn points_program() -> LoyaltyProgram {
    LoyaltyProgram::new(ProgramSpec::new(chrono_tz::Asia::Ho_Chi_Minh, vnd(10_000), 1)).unwrap()
}

fn prepaid_program() -> StoredValueProgram {
    StoredValueProgram::new(StoredValueSpec::new(chrono_tz::Asia::Ho_Chi_Minh, Currency::VND)).unwrap()
}

#[test]
fn one_store_holds_three_aggregates_under_their_own_streams() {
    let t0 = at(2026, 3, 1, 9, 0);
    let mut host = Host::new(MemoryStore::default(), ManualClock::new(t0));
    // The same UUID for the customer and both accounts: each aggregate type keeps its own streams.
    let uuid = 0x5A10_u128;
    let mut customer = Customer::new(CustomerId::from_u128(uuid).unwrap());
    let mut points = PointsAccount::new(AccountId::from_u128(uuid).unwrap());
    let mut prepaid = StoredValueAccount::new(AccountId::from_u128(uuid).unwrap(), Currency::VND);
    let (loyalty, wallet) = (points_program(), prepaid_program());
    host.submit(&mut customer, &(), cid(1), register()).unwrap();
    let top_up = WalletCommand::TopUp { payment: PaymentRef::new("VNPAY-1").unwrap(), amount: vnd(500_000) };
    host.submit(&mut prepaid, &wallet, cid(2), top_up).unwrap();
    let spend = WalletCommand::Spend { order: OrderId::new("HD-1").unwrap(), amount: vnd(150_000), tags: vec![] };
    let receipt = host.submit(&mut prepaid, &wallet, cid(3), spend.clone()).unwrap();
    let lines = vec![customer_care::loyalty::PurchaseLine {
        line: customer_care::ledger::LineId::new(1),
        amount: vnd(150_000),
        tags: vec![],
    }];
    let earn = PointsCommand::EarnPoints { order: OrderId::new("HD-1").unwrap(), lines };
    host.submit(&mut points, &loyalty, cid(4), earn).unwrap();
    host.submit(&mut customer, &(), cid(5), purchase("HD-1", t0)).unwrap();

    assert_eq!((customer.version(), points.version(), prepaid.version()), (2, 1, 2));
    assert_eq!(points.points_available(), Points::new(15));
    assert_eq!(prepaid.money_available(), vnd(350_000));
    let store = host.store();
    assert_eq!(stored(store, customer.stream_id()).len(), 2);
    assert_eq!(CommitStore::<PointsCommand, PointsEvent>::load(store, points.stream_id(), 0).unwrap().len(), 1);
    assert_eq!(CommitStore::<WalletCommand, WalletEvent>::load(store, prepaid.stream_id(), 0).unwrap().len(), 2);
    // Each replays from the one store.
    assert_eq!(host.load(Customer::new(customer.id())).unwrap(), customer);
    assert_eq!(host.load(PointsAccount::new(points.id())).unwrap(), points);
    assert_eq!(host.load(StoredValueAccount::new(prepaid.id(), Currency::VND)).unwrap(), prepaid);
    // A retried spend reprints its receipt from the stored commit.
    let again = host.submit(&mut prepaid, &wallet, cid(3), spend).unwrap();
    assert_eq!(again.outcome, Outcome::Duplicate(receipt.commit().clone()));
    assert!(again.events().iter().any(|e| e.receipt().is_some()));
    let redeem = PointsCommand::RedeemPoints {
        order: OrderId::new("HD-2").unwrap(),
        points: Points::new(1),
        order_total: vnd(10_000),
    };
    // No redemption rate: a program that only earns.
    let err = host.submit(&mut points, &loyalty, cid(6), redeem).unwrap_err();
    assert_eq!(err, SubmitError::Rejected(LoyaltyError::NoRedemptionRate { currency: Currency::VND }));
}

#[test]
fn a_clock_is_any_closure() {
    let t = at(2026, 3, 1, 9, 0);
    let mut n = 0;
    let mut ticking = || {
        n += 1;
        t + TimeDelta::seconds(n)
    };
    assert_eq!(ticking.now(), t + TimeDelta::seconds(1));
    assert_eq!(ticking.now(), t + TimeDelta::seconds(2));
    let mut manual = ManualClock::new(DateTime::<Utc>::MAX_UTC);
    manual.advance(TimeDelta::days(1));
    assert_eq!(manual.get(), DateTime::<Utc>::MAX_UTC, "held at the end of time");
    manual.advance(TimeDelta::days(-1));
    assert_eq!(manual.now(), DateTime::<Utc>::MAX_UTC - TimeDelta::days(1));
    assert_eq!(RetryPolicy::attempts(0).max_attempts(), 1);
}

proptest::proptest! {
    /// Two writers (one stale) submit new purchases and retries through one host while its clock jumps back and
    /// forth: every retry is answered with the commit first stored, the stamps never go backwards within the stream,
    /// and replaying the store gives what the writers hold once caught up.
    #[test]
    fn the_host_loop_agrees_with_the_store(steps in proptest::collection::vec((0u8..4, 0u32..600, proptest::bool::ANY), 1..60)) {
        let t0 = at(2026, 3, 1, 9, 0);
        let id = CustomerId::from_u128(9).unwrap();
        let mut host = Host::new(MemoryStore::default(), ManualClock::new(t0));
        let (mut writer, mut stale) = (Customer::new(id), Customer::new(id));
        host.submit(&mut writer, &(), cid(1), register()).unwrap();
        let mut sent: Vec<(CommandId, CustomerCommand, Commit<C, E>)> = Vec::new();
        let mut next = 2u128;
        for (kind, minutes, other_writer) in steps {
            let now = t0 + TimeDelta::minutes(i64::from(minutes));
            host.clock_mut().set(now);
            let state = if other_writer { &mut stale } else { &mut writer };
            if kind == 0 && !sent.is_empty() {
                let (command_id, body, first) = sent[minutes as usize % sent.len()].clone();
                let again = host.submit(state, &(), command_id, body).unwrap();
                proptest::prop_assert_eq!(again.outcome, Outcome::Duplicate(first));
            } else {
                let body = purchase(&format!("HD-{next}"), t0);
                let submitted = host.submit(state, &(), cid(next), body.clone()).unwrap();
                proptest::prop_assert!(!submitted.outcome.is_duplicate());
                sent.push((cid(next), body, submitted.commit().clone()));
                next += 1;
            }
        }
        let log = stored(host.store(), id.as_uuid());
        proptest::prop_assert_eq!(log.len(), sent.len() + 1);
        proptest::prop_assert!(log.windows(2).all(|w| w[0].command.issued_at <= w[1].command.issued_at));
        let replayed = host.load(Customer::new(id)).unwrap();
        proptest::prop_assert_eq!(&host.load(writer).unwrap(), &replayed);
        proptest::prop_assert_eq!(&host.load(stale).unwrap(), &replayed);
    }
}
