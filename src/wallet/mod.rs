//! Stored value: prepaid balances, gift cards and store credit on the [lot engine](crate::ledger).
//!
//! A [`StoredValueProgram`] is configuration (currency, top-up promotions, limits, spend order, refund rounding),
//! validated when built and when deserialized. A [`StoredValueAccount`] is an event-sourced aggregate: commands in,
//! commits out, state is a fold. Every accepted debit (a spend or a hold capture) carries a [`Receipt`]: the amount,
//! the buckets it came from, the remaining principal, bonus and total, and the next expiry. [`LiabilityReport`] sums
//! outstanding value and breakage over accounts, exactly, and merges across shards.
//!
//! # Decisions
//!
//! - **Buckets.** Principal is paid value: top-ups ([`PRINCIPAL`]), gift cards ([`GIFT_CARD`]) and store credit
//!   ([`STORE_CREDIT`]). Bonus ([`BONUS`]) is promotional value from top-up tiers. One account, one currency.
//! - **Spend order.** Bonus first by default ([`SpendOrder`]); soonest-expiring first within a bucket, then oldest.
//! - **Time.** Every command is decided as of its `issued_at`, which must not go backwards; everything due by then
//!   (lot expiries, hold deadlines) is processed first and recorded in the same commit, so an account processed
//!   lazily equals one swept at every deadline.
//! - **Balance cap.** Top-ups and issues are rejected when the balance (available + held) plus the new value,
//!   bonus included, would exceed [`StoredValueSpec::max_balance`]. Refunds of spends restore value regardless.
//! - **Refund of a spend** goes back into the lots it came from, the last value spent first (so a partial refund
//!   of a bonus-first spend returns principal first). Value whose lot expired meanwhile is forfeited (breakage).
//! - **Refund of a top-up** pays back at most what is left of its principal lot (not spent, held or refunded). The
//!   bonus it earned is forfeited in proportion to the cumulative principal refunded, rounded by
//!   [`StoredValueSpec::refund_rounding`], so partial refunds add up to the whole bonus. Bonus already spent or held
//!   cannot be taken back: it is reported as `bonus_unrecovered` in [`WalletEvent::TopUpRefunded`] for the host
//!   to settle (for example by deducting it from the payout).
//! - **Breakage** is value that expired or was forfeited (bonus on a top-up refund or at closing, refunds into
//!   expired lots). Principal paid back (top-up refunds, closing) is *refunded*, not breakage.
//! - **Conservation**, in money and to the unit: available + held = credited − debited − expired − refunded.
//! - **Idempotency.** An account remembers the ids of its last
//!   [`IDEMPOTENCY_WINDOW`](crate::stream::IDEMPOTENCY_WINDOW) commits (same id and body: `Duplicate`, answered
//!   from the stored commit with its receipt; same id, other body: an error). Beyond that window the host's unique
//!   index on `(account, command id)` must catch retries. Payment and issue references are unique per account for
//!   its whole life ([`WalletError::ReferenceAlreadyUsed`]), which also guards top-ups against double crediting.

#![deny(clippy::float_arithmetic)]

mod account;
mod command;
mod error;
mod event;
mod program;
mod report;

pub use account::{StoredValueAccount, TopUpRecord};
pub use command::WalletCommand;
pub use error::WalletError;
pub use event::{BONUS, Bucket, GIFT_CARD, IssueKind, PRINCIPAL, Receipt, ReceiptLine, STORE_CREDIT, WalletEvent};
pub use program::{Bonus, BonusExpiry, BonusTier, SpendOrder, StoredValueProgram, StoredValueSpec};
pub use report::LiabilityReport;
