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
//! - **Rounding.** Earn computes exact decimal points per line; the whole part is credited and the fraction is
//!   carried to the next earn (three earns worth 33.3 points credit 33 + 33 + 33 and carry 0.9; the next earn gets
//!   it). A capped earn carries no new fraction. Points are split over lines by largest remainder, for returns.
//! - **Spend order.** Soonest-expiring first by default ([`ProgramSpec::allocation`]).
//! - **Returns.** [`ClawbackPolicy`]: keep, pending only, within balance, or bounded debt repaid first by later
//!   credits.
//! - **Refunds** go back into the exact lots they were spent from; a lot that has expired meanwhile is handled by
//!   [`ExpiredRefundPolicy`].

#![deny(clippy::float_arithmetic)]

mod account;
mod error;
mod points;
mod program;

pub use account::{
    ADJUSTMENT, BASE, BONUS, BonusReason, LinePoints, PointsAccount, PointsCommand, PointsEvent, PurchaseLine,
    Recredit, TierProgress, TierReason,
};
pub use error::LoyaltyError;
pub use points::Points;
pub use program::{
    Campaign, Cap, CapBehaviour, ClawbackPolicy, EarnRate, EarnRules, ExpiredRefundPolicy, ExpiryPolicy,
    LoyaltyProgram, Period, PeriodCap, ProgramSpec, RedemptionRate, RedemptionRules, TagRule, Tier, TierMetric,
    TierName, TierRules, TierWindow,
};
