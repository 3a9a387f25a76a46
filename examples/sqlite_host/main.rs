//! A real host on the `customer-care-sqlite` adapter: customer streams in a SQLite file, with snapshots every few
//! commits, an outbox written in the same transaction as each commit, and the load → decide → append → apply loop
//! retrying on version conflicts.
//!
//! Run with `cargo run --example sqlite_host [path/to/file.db]` (default: `customer-care-host.db` in the temp
//! directory). Run it twice: the second run finds every command already stored and changes nothing.

use std::error::Error;
use std::path::PathBuf;
use std::sync::{Arc, Barrier};
use std::thread;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use customer_care::customer::{Customer, CustomerCommand, CustomerEvent, NewProfile, Purchase, Region};
use customer_care::host::{CommitStore, Host, Outcome, RetryPolicy};
use customer_care::{Command, CommandId, Commit, CustomerId, Decision};
use customer_care_sqlite::{Database, SqliteStore};
use serde_json::json;

type Store = SqliteStore<Customer>;

/// Snapshot a stream every this many commits.
const SNAPSHOT_EVERY: u64 = 4;

/// The effects a commit asks the host to deliver: a thank-you message per purchase.
fn effects(commit: &Commit<CustomerCommand, CustomerEvent>) -> Vec<serde_json::Value> {
    commit
        .events
        .iter()
        .filter_map(|e| match e {
            CustomerEvent::PurchaseRecorded(p) => {
                Some(json!({ "kind": "purchase_receipt", "order": p.order_id, "amount": p.amount.to_string() }))
            }
            _ => None,
        })
        .collect()
}

/// Loads a customer from its latest snapshot plus the commits after it.
fn load(store: &Store, id: CustomerId) -> Result<Customer, Box<dyn Error>> {
    Ok(store.load_state(Customer::new(id))?)
}

/// The customer streams of the file at `path`, with their effects going to the outbox.
fn open(path: &std::path::Path) -> Result<Store, Box<dyn Error>> {
    Ok(Database::open(path)?.store::<Customer>("customer").with_effects(effects))
}

/// The host loop for one command, then a snapshot when due.
fn run(
    store: &mut Store,
    id: CustomerId,
    command: Command<CustomerCommand>,
    now: DateTime<Utc>,
) -> Result<String, Box<dyn Error>> {
    let mut customer = Customer::new(id);
    // The host's clock reads `now`; the loop stamps `issued_at` with it (again after a version conflict).
    let mut host = Host::new(&mut *store, || now).with_retry(RetryPolicy::attempts(5));
    let submitted = host.submit(&mut customer, &(), command.id, command.body)?;
    if let Outcome::Committed(commit) = &submitted.outcome
        && commit.version % SNAPSHOT_EVERY == 0
    {
        store.save_snapshot(&customer)?;
    }
    Ok(match submitted.outcome {
        Outcome::Committed(c) => format!("committed v{} (attempts {})", c.version, submitted.attempts),
        Outcome::Duplicate(c) => format!("duplicate of v{}", c.version),
    })
}

fn main() -> Result<(), Box<dyn Error>> {
    let path =
        std::env::args().nth(1).map_or_else(|| std::env::temp_dir().join("customer-care-host.db"), PathBuf::from);
    println!("database: {}", path.display());
    let mut store = open(&path)?;
    let t0 = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap();
    let id = CustomerId::from_u128(0x5EED)?;
    let cmd = |n: u128, body| -> Result<Command<CustomerCommand>, Box<dyn Error>> {
        Ok(Command::new(CommandId::from_u128(0x5EED_0000 + n)?, t0, body))
    };

    println!("\n== register and record purchases (fixed command ids: a re-run changes nothing)");
    let profile = NewProfile::default().full_name("Phạm Ngọc Ánh")?.phone("0912 345 678", Region::VN)?.build();
    println!(
        "  register: {}",
        run(&mut store, id, cmd(1, CustomerCommand::Register { profile, registered_at: None })?, t0)?
    );
    for n in 1..=6u32 {
        let at = t0 + TimeDelta::days(i64::from(n));
        let purchase = Purchase::new(format!("HD-{n:04}").parse()?, format!("{} VND", 40_000 + 5_000 * n).parse()?, at);
        let outcome = run(&mut store, id, cmd(10 + u128::from(n), CustomerCommand::RecordPurchase(purchase))?, at)?;
        println!("  purchase HD-{n:04}: {outcome}");
    }

    println!("\n== two writers decide from the same version; exactly one append wins");
    let barrier = Arc::new(Barrier::new(2));
    let race = |path: PathBuf, n: u128, order: &'static str| {
        let barrier = barrier.clone();
        thread::spawn(move || -> Result<String, String> {
            let mut store = open(&path).map_err(|e| e.to_string())?;
            let at = t0 + TimeDelta::days(10);
            let state = load(&store, id).map_err(|e| e.to_string())?;
            let command = Command::new(
                CommandId::from_u128(0x5EED_1000 + n).map_err(|e| e.to_string())?,
                at,
                CustomerCommand::RecordPurchase(Purchase::new(
                    order.parse().map_err(|e| format!("{e}"))?,
                    "30000 VND".parse().map_err(|e| format!("{e}"))?,
                    at,
                )),
            );
            let decision = state.decide(&command).map_err(|e| e.to_string())?;
            barrier.wait(); // both writers have decided from the same version
            match decision {
                Decision::Accepted(commit) => match store.append(id.as_uuid(), state.version(), &[commit]) {
                    Ok(()) => Ok(format!("{order}: appended at v{}", state.version() + 1)),
                    Err(e) => {
                        // The loser reloads and decides again through the host loop.
                        let retry = run(&mut store, id, command, at).map_err(|e| e.to_string())?;
                        Ok(format!("{order}: {e}; retried: {retry}"))
                    }
                },
                Decision::Duplicate { version } => Ok(format!("{order}: duplicate of v{version}")),
            }
        })
    };
    let a = race(path.clone(), 1, "RACE-A");
    let b = race(path, 2, "RACE-B");
    for handle in [a, b] {
        println!("  {}", handle.join().map_err(|_| "writer thread panicked")??);
    }
    println!("  (on a re-run both are duplicates: the aggregate remembers their ids)");

    println!("\n== state from snapshot + tail");
    let customer = load(&store, id)?;
    let summary = customer.activity_summary(t0 + TimeDelta::days(30));
    println!("  version {}, {} orders, net {}", customer.version(), summary.orders, summary.spend[0].net);
    let db = store.database();
    println!(
        "  commits {}, snapshots {}, outbox {}",
        db.count("commits")?,
        db.count("snapshots")?,
        db.count("outbox")?
    );

    println!("\n== deliver the outbox (at least once; the key lets the gateway drop a repeat)");
    let delivered_at = t0 + TimeDelta::days(30);
    let drained = db.outbox().drain(100, delivered_at, |entry| {
        println!("  send {} {}", entry.key, entry.effect);
        Ok::<(), String>(())
    })?;
    println!("  delivered {}, pending now: {}", drained.delivered, db.outbox().pending_count()?);
    Ok(())
}
