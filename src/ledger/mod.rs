//! The shared lot engine: balances kept as lots, debits that record the lots they used, holds and expiry.
//!
//! Loyalty points ([`crate::loyalty`]) and stored value (prepaid wallets, gift cards) keep their balances here.
//! The engine is generic over the [`Unit`] it counts: integer [`Points`](crate::loyalty::Points) or
//! [`Money`](crate::Money).
//!
//! # Model
//!
//! - A **credit** creates a [`Lot`]: the amount credited, a [`Category`] ("base", "bonus", "principal"), an
//!   [`Origin`] (order and line ids), optional per-lot restrictions ([`Tag`]s of the items it may pay for), an
//!   optional activation instant (the lot is *pending* until then) and an optional expiry (or never).
//! - A **debit** consumes lots in the order of an [`AllocationPolicy`] and records exactly which lots it used and
//!   how much of each ([`Allocation`]). The default is soonest-expiring first, then oldest, then lot id.
//! - A **hold** reserves specific lots when placed. A capture takes from those lots, so it can never fail for funds;
//!   captures may be partial and repeated, and a `final` capture releases the rest. Holds are released explicitly or
//!   expire at their deadline.
//! - **Time** is an input. Activation and expiry are half-open: a lot activating at `t` is spendable at `t`; a lot
//!   expiring at `t` is no longer spendable at `t`. [`Ledger::settle`] processes everything due up to an instant in
//!   chronological order, so settling late gives exactly the result of settling on time.
//! - **Debt** (a negative balance) exists only where the caller allows it, bounded; later credits, activations and
//!   releases repay it first.
//!
//! Every lot keeps the split of its credited amount:
//! `credited = free + held + debited + expired + clawed back`, where `free` is *available* for an active lot and
//! *pending* for a pending one. Summed over the account this is the conservation law
//! `credited = available + pending + held + debited + expired + clawed back`, checked by
//! [`Ledger::check_invariants`].
//!
//! # Decide and apply
//!
//! The engine splits like the aggregates that use it: `plan_*` methods are pure and return facts (or a typed
//! [`LedgerError`]); `apply_*` methods apply facts and never fail. An aggregate's `decide` plans, wraps the facts in
//! its own events, and its `apply` hands them back. Lot ids are derived from the commit version and the position of
//! the credit in it ([`LotId`]), so replay reproduces them without the library minting ids.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use customer_care::ledger::{AllocationPolicy, Category, Credit, Ledger, LotId, Origin};
//! use customer_care::loyalty::Points;
//!
//! let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().ok_or("no such instant")?;
//! let mut ledger = Ledger::new(Points::ZERO);
//! let credit = Credit {
//!     lot: LotId::new(1, 0),
//!     amount: Points::new(100),
//!     category: Category::new("base")?,
//!     origin: Origin::default(),
//!     restricted_to: Vec::new(),
//!     activates_at: None,
//!     expires_at: Some(t0 + chrono::Days::new(30)),
//! };
//! ledger.validate_credit(&credit, t0)?;
//! ledger.apply_credit(&credit, t0);
//! let used = ledger.plan_debit(&Points::new(60), &AllocationPolicy::SoonestExpiring, &[])?;
//! ledger.apply_debit(&used);
//! assert_eq!(*ledger.available(), Points::new(40));
//! ledger.check_invariants()?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(clippy::float_arithmetic)]

mod engine;
mod error;
mod index;
mod plan;
mod store;
mod types;
mod upcoming;

pub use engine::{Explanation, Ledger, SettleFact, UpcomingExpiry};
#[cfg(test)]
pub(crate) use error::assert_each_rejection_kept;
pub use error::{InvariantViolation, LedgerError};
pub use types::{
    Allocation, AllocationPolicy, Category, Credit, Hold, HoldPlacement, HoldStatus, LABEL_MAX, LabelError, LineId,
    Lot, LotId, Origin, ParseLotIdError, Tag, Totals, Unit,
};
pub(crate) use types::{label, label_byte_ok};
