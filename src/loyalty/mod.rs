//! Loyalty points: the program (earn, expiry, redemption, tiers, returns) and the points account.
//!
//! A [`LoyaltyProgram`] is configuration, validated when built and when deserialized. A [`PointsAccount`] is an
//! event-sourced aggregate on the [lot engine](crate::ledger): commands in, commits out, state is a fold. Events
//! carry everything needed to replay without the program (points computed, lots consumed), so a program change
//! never rewrites history.
//!
//! # Decisions
//!
//! - **Time.** Every command is decided as of its `issued_at`, which must not go backwards
//!   ([`StreamError::Backdated`](crate::StreamError::Backdated)); no back-dating is allowed. Before the body,
//!   everything due by then is processed (activations, hold deadlines, expiries, debt repayment) and recorded in
//!   the same commit, so an account processed lazily equals one swept at every deadline.
//! - **Rounding.** Earn computes exact points per line as a fraction, in minor units (`amount × points ÷ per`;
//!   nothing is divided in advance, so "1 point per 3.00 USD" gives a 3.00 USD order one point); the whole part is
//!   credited and the exact fraction ([`PointsFraction`]) is carried to the next earn (three earns worth 33.3
//!   points credit 33 + 33 + 33 and carry 0.9; the next earn gets it). A capped earn carries no new fraction. Points are split over lines by largest remainder, for returns.
//! - **Spend order.** Soonest-expiring first by default ([`ProgramSpec::allocation`]).
//! - **Returns.** [`ClawbackPolicy`]: keep, pending only, within balance, or bounded debt repaid first by later
//!   credits.
//! - **Refunds** go back into the exact lots they were spent from; a lot that has expired meanwhile is handled by
//!   [`ExpiredRefundPolicy`].
//! - **Idempotency.** The last [`IDEMPOTENCY_WINDOW`](crate::stream::IDEMPOTENCY_WINDOW) command ids are remembered
//!   (same id and body: `Duplicate`; same id, other body: `ExistsWithDifferentBody`). Beyond that the host's unique
//!   index on (account, command id) must answer; a second earn for an order is rejected however old the first is
//!   ([`LoyaltyError::OrderAlreadyEarned`]).
//! - **Tiers** upgrade in the commit of the qualifying earn and go down only at reviews (each calendar month's or
//!   year's end plus grace), never below the floor; every review is a [`PointsEvent::TierEvaluated`] fact.
//! - **Inactivity expiry** ([`ExpiryPolicy::Inactivity`]): earns, redemptions, holds and captures move a dormancy
//!   deadline; when it passes, the available points expire.
//!
//! # Example
//!
//! `examples/loyalty.rs` runs a café's program end to end; [`PointsAccount`] shows the host loop.

#![deny(clippy::float_arithmetic)]

mod account;
mod command;
mod error;
mod event;
mod expiry;
mod few;
mod orders;
mod period;
mod points;
mod program;
mod receipt;
mod tier;

pub use account::{PointsAccount, RedemptionQuote, TierProgress};
pub use command::{PointsCommand, PurchaseLine};
pub use error::LoyaltyError;
pub use event::{ADJUSTMENT, BASE, BONUS, BonusReason, LinePoints, PointsEvent, Recredit, TierReason};
pub use expiry::{ExpiryPolicy, ExpiryStart};
pub use period::Period;
pub use points::{InvalidFraction, Points, PointsFraction};
pub use program::{
    Campaign, Cap, CapBehaviour, ClawbackPolicy, EarnRate, EarnRules, ExpiredRefundPolicy, LoyaltyProgram, PeriodCap,
    ProgramSpec, RedemptionRate, RedemptionRules, TagRule,
};
pub use receipt::PointsReceipt;
pub use tier::{Tier, TierMetric, TierName, TierRules, TierWindow};
