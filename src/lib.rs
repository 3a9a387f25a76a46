//! An embeddable customer-care domain library: customer records, consent and purchase history, on a sans-I/O
//! event-sourced core. The host application owns storage, clocks, ids and message delivery; this crate owns the
//! rules, and decides.
//!
//! ```
//! use customer_care::customer::{Customer, NewProfile, Purchase, Region};
//! use customer_care::host::{Host, ManualClock, MemoryStore};
//! use customer_care::{CommandId, CustomerCommand, CustomerId, Money, OrderId};
//! use customer_care::chrono::{TimeZone, Utc};
//!
//! // The host's storage (here in memory; in production a table with a unique (stream, version)) and its clock.
//! let now = Utc.with_ymd_and_hms(2026, 11, 23, 9, 30, 0).single().ok_or("no such instant")?;
//! let mut host = Host::new(MemoryStore::default(), ManualClock::new(now));
//!
//! let mut lan = Customer::new(CustomerId::from_u128(0x67e5_5044_10b1_426f_9247_bb68_0e5f_e0c8)?);
//! let profile = NewProfile::default().full_name("Nguyễn Thị Lan")?.phone("0903 123 456", Region::VN)?.build();
//! let commands = [
//!     CustomerCommand::Register { profile, registered_at: None },
//!     CustomerCommand::RecordPurchase(Purchase::new(OrderId::new("HD-0001")?, Money::from_minor(85_000, customer_care::Currency::VND), now)),
//! ];
//! for (n, body) in commands.into_iter().enumerate() {
//!     // Ids come from the host; the host stamps the time. Load → decide → append → apply, retrying on conflicts.
//!     host.submit(&mut lan, &(), CommandId::from_u128(n as u128 + 1)?, body)?;
//! }
//! assert_eq!(lan.profile().phones[0].e164(), "+84903123456");
//! assert_eq!(lan.activity_summary(now).orders, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Overview
//!
//! - [`stream`]: the envelope every aggregate shares. A [`Command`] (host-generated [`CommandId`], `issued_at`,
//!   body) is decided into a [`Decision`]: a [`Commit`] to store, or a duplicate of one already stored.
//! - [`customer`]: the [`Customer`] aggregate — profile (names, E.164 phones, e-mails), yearly occasions with a
//!   29 February policy, consent per channel and purpose, contact preferences, purchases and refunds, erasure —
//!   and queries over many customers (occasions in a window, duplicate contact points).
//! - [`money`]: [`Currency`] from the ISO 4217 table and [`Money`], a `Decimal` never finer than the currency's
//!   minor unit, with checked arithmetic, named [`Rounding`] and allocation that keeps totals to the unit.
//! - [`id`]: non-nil UUID ids and validated references.
//! - [`metrics`]: survey scores (NPS, CSAT, CES) in exact mergeable tallies, with intervals, comparisons and
//!   breakdowns by segment and calendar period.
//! - [`stats`]: the statistics underneath: distributions, [`Estimate`] with warnings as data, proportion,
//!   net-share and mean intervals, two-sample tests, multiple-comparison adjustment, sample-size planning.
//! - [`ledger`]: the lot engine under points and stored value — lots with origin, activation and expiry, holds,
//!   clawbacks and debt, conservation by construction.
//! - [`loyalty`]: [`LoyaltyProgram`] and the [`PointsAccount`] aggregate — earn rules, caps, pending points,
//!   expiry, redemption, tiers, returns and refunds.
//! - [`wallet`]: stored value — prepaid top-ups with bonus, spend with e-receipts, holds, refunds, gift cards and
//!   store credit, liability and breakage reports that merge.
//! - [`lifecycle`]: purchase summaries, BG/NBD, MBG/NBD, Pareto/NBD and Gamma-Gamma models, CLV, RFM and stages
//!   (new, potential, growth, loyal, aging, lost).
//! - [`calendar`] and [`service`]: business hours and holidays in a zone; tickets, first response, handle time,
//!   first-contact resolution, SLA in business time, churn and retention, the poor-experience signal.
//! - [`care`]: the care planner — policies, templates in Vietnamese and English, and plans of due care actions
//!   that respect consent, quiet hours, caps and gaps, with every skipped action's reason.
//! - [`host`]: the storage contract, the host loop, an in-memory store and a conformance kit for adapters.
//! - [`wire`]: reading stored commits and snapshots of every format: each says the format it was written in, older
//!   ones are upcast on load, newer ones refused, never misread.
//! - [`error`]: one error enum per domain, wrapped by [`Error`].
//!
//! # The sans-I/O contract
//!
//! - **No clock.** Time enters as `issued_at` (and business times in command bodies). chrono is built without its
//!   `clock` feature, so `Utc::now()` does not even compile here.
//! - **No id generation, no randomness.** uuid is built without `v4`/`v7`; the host mints every id, so a replay
//!   reproduces them.
//! - **No I/O, no threads, no global state.** State iterates in a deterministic order (`BTreeMap`), so the same
//!   commands always produce the same events, byte for byte.
//! - **The host loop:** load (snapshot + commits after it) → `decide` → append the commit expecting
//!   `commit.version - 1` → `apply`. A version conflict means another writer won: reload, stamp a new
//!   `issued_at`, decide again. `Decision::Duplicate` means the command was already committed: answer from that
//!   commit. [`host::Host`] runs this loop over the host's [`host::CommitStore`], with the host's clock.
//!
//! # Guarantees
//!
//! - `decide` is pure and never panics on any input a caller can build; a rejected command changes nothing and
//!   says why in a typed error naming the values.
//! - `apply` is infallible; replaying the commits (or a snapshot plus the commits after it) rebuilds the state
//!   exactly.
//! - Idempotency follows TigerBeetle: same id and body → duplicate; same id, other body → an error. Within the
//!   last [`stream::IDEMPOTENCY_WINDOW`] commits the aggregate detects it; beyond, the host's unique index on
//!   `(stream, command id)` does.
//! - Money never loses a unit: no floats, checked arithmetic, every rounding named.
//! - Every value is serializable, and deserializing runs the same validation as constructing.
//!
//! # What to put in Cargo.toml
//!
//! Only this crate. The crates its API speaks in are re-exported at the root — [`chrono`], [`chrono_tz`],
//! [`rust_decimal`] and [`uuid`] — so `customer_care::chrono::Utc` or `customer_care::rust_decimal::Decimal`
//! always has the version this crate was built with. Add one of them to your own `Cargo.toml` only for features
//! this crate leaves off (chrono's `clock` for `Utc::now()`, uuid's `v4` or `v7` to mint ids), with a version
//! requirement compatible with this crate's (chrono 0.4, chrono-tz 0.10, rust_decimal 1, uuid 1), so Cargo
//! unifies them into one copy.
//!
//! # Crate features
//!
//! - `phonenumber` (off by default): validates phone numbers against the full libphonenumber metadata (number
//!   type and allocated ranges) through the `phonenumber` crate. The default build has its own E.164 rules.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

pub mod calendar;
pub mod care;
pub mod customer;
pub mod error;
pub mod host;
pub mod id;
pub mod ledger;
pub mod lifecycle;
mod local_day;
pub mod locale;
pub mod loyalty;
pub mod metrics;
pub mod money;
pub mod service;
pub mod stats;
pub mod stream;
mod text;
pub mod wallet;
pub mod wire;

// The crates this crate's public API speaks in, so a host always uses the same versions.
pub use chrono;
pub use chrono_tz;
pub use rust_decimal;
pub use uuid;

pub use calendar::{BusinessCalendar, CalendarError};
pub use care::{CareError, CarePlan, CarePolicy};
pub use customer::{Customer, CustomerCommand, CustomerError, CustomerEvent};
pub use error::Error;
pub use id::{AccountId, CommandId, CustomerId, HoldId, IdError, IdKind, OrderId, PaymentRef, StoreId};
pub use lifecycle::LifecycleError;
pub use locale::{DisplayName, Locale, LocaleError};
pub use loyalty::{LoyaltyError, LoyaltyProgram, Points, PointsAccount, PointsCommand, PointsEvent};
pub use metrics::{CesTally, CsatTally, MetricsError, NpsTally};
pub use money::{Currency, Money, MoneyError, Rounding};
pub use stats::{ConfidenceLevel, Estimate, StatsError};
pub use stream::{Aggregate, Command, Commit, Decision, StreamError};
pub use wallet::{StoredValueAccount, StoredValueProgram, WalletCommand, WalletError, WalletEvent};
pub use wire::WireError;
