//! Loyalty rejections.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::points::Points;
use crate::id::{HoldId, OrderId};
use crate::ledger::{HoldStatus, LedgerError, LineId, LotId};
use crate::money::{Currency, Money, MoneyError};
use crate::stream::StreamError;

/// Why a loyalty command or program was rejected. A rejected command changes nothing.
#[derive(Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum LoyaltyError {
    /// The envelope rejected the command (id reused with another body, back-dated).
    #[error(transparent)]
    Stream(#[from] StreamError),
    /// A money operation failed.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// The program is invalid.
    #[error("invalid loyalty program: {reason}")]
    InvalidProgram {
        /// What is wrong, with the values.
        reason: String,
    },
    /// Not enough available points.
    #[error("insufficient points: requested {requested}, available {available}")]
    InsufficientPoints {
        /// Points asked for.
        requested: Points,
        /// Points available.
        available: Points,
    },
    /// Points in a command must be greater than zero.
    #[error("points must be greater than zero: {points}")]
    NonPositivePoints {
        /// The rejected points.
        points: Points,
    },
    /// A money amount in a command must be greater than zero.
    #[error("amount must be greater than zero: {amount}")]
    NonPositiveAmount {
        /// The rejected amount.
        amount: Money,
    },
    /// An order needs at least one line.
    #[error("order {order} has no lines")]
    EmptyOrder {
        /// The order.
        order: OrderId,
    },
    /// Two lines of an order share a line id.
    #[error("order {order} lists line {line} twice")]
    DuplicateLine {
        /// The order.
        order: OrderId,
        /// The line.
        line: LineId,
    },
    /// Lines of one order in different currencies.
    #[error("order mixes currencies: {first} and {other}")]
    MixedCurrencies {
        /// The first line's currency.
        first: Currency,
        /// The other one.
        other: Currency,
    },
    /// The program has no earn rate for the currency.
    #[error("no earn rate for {currency}")]
    NoEarnRate {
        /// The currency.
        currency: Currency,
    },
    /// The program has no redemption rate for the currency.
    #[error("no redemption rate for {currency}")]
    NoRedemptionRate {
        /// The currency.
        currency: Currency,
    },
    /// The order total is below the earn rate's minimum spend.
    #[error("order total {spent} is below the minimum spend {minimum}")]
    BelowMinimumSpend {
        /// The order total.
        spent: Money,
        /// The minimum.
        minimum: Money,
    },
    /// The earn exceeds a cap whose behaviour is to reject.
    #[error("earn of {points} points exceeds the cap of {cap}")]
    EarnCapExceeded {
        /// The points the order would earn (with what the period already earned, for a period cap).
        points: Points,
        /// The cap.
        cap: Points,
    },
    /// Points were already earned for this order.
    #[error("points were already earned for order {order}")]
    OrderAlreadyEarned {
        /// The order.
        order: OrderId,
    },
    /// No points were earned for this order.
    #[error("no points were earned for order {order}")]
    OrderNotFound {
        /// The order.
        order: OrderId,
    },
    /// The order has no such line.
    #[error("order {order} has no line {line}")]
    LineNotFound {
        /// The order.
        order: OrderId,
        /// The line.
        line: LineId,
    },
    /// The line (or every line of the order) was already returned.
    #[error("order {order} line {line} was already returned")]
    LineAlreadyReturned {
        /// The order.
        order: OrderId,
        /// The line.
        line: LineId,
    },
    /// Fewer points than the program's minimum redemption.
    #[error("redemption of {points} points is below the minimum of {minimum}")]
    BelowMinimumRedemption {
        /// Points asked for.
        points: Points,
        /// The minimum.
        minimum: Points,
    },
    /// More points than the maximum share of the order allows.
    #[error("redemption of {points} points exceeds the maximum of {max_points} for an order of {order_total}")]
    ExceedsMaxShare {
        /// Points asked for.
        points: Points,
        /// The most allowed.
        max_points: Points,
        /// The order total.
        order_total: Money,
    },
    /// No outstanding redemption for this order.
    #[error("no redemption to refund for order {order}")]
    RedemptionNotFound {
        /// The order.
        order: OrderId,
    },
    /// A refund larger than what is outstanding.
    #[error("refund of {requested} points for order {order} exceeds the {redeemed} redeemed")]
    RefundExceedsRedeemed {
        /// The order.
        order: OrderId,
        /// Points asked for.
        requested: Points,
        /// Points redeemed and not yet refunded.
        redeemed: Points,
    },
    /// A sweep found nothing due.
    #[error("nothing due as of {as_of}")]
    NothingDue {
        /// The command's instant.
        as_of: DateTime<Utc>,
        /// The next deadline, if any.
        next_deadline: Option<DateTime<Utc>>,
    },
    /// A text field (reason, actor) was empty or longer than 200 characters.
    #[error("{field} must be 1 to 200 characters")]
    InvalidText {
        /// Which field.
        field: String,
    },
    /// An explicit expiry is not after the command's instant.
    #[error("expiry {expires_at} must be after {not_before}")]
    ExpiryTooEarly {
        /// The expiry.
        expires_at: DateTime<Utc>,
        /// The instant it must follow.
        not_before: DateTime<Utc>,
    },
    /// The program has no tiers.
    #[error("the program has no tiers")]
    NoTiers,
    /// No lot with this id.
    #[error("lot {lot} not found")]
    LotNotFound {
        /// The lot.
        lot: LotId,
    },
    /// A credit reused a lot id.
    #[error("lot {lot} already exists")]
    LotExists {
        /// The lot.
        lot: LotId,
    },
    /// The lot engine counts another unit than the amount. Points have one unit, so this is not reported for
    /// points today; it keeps each lot-engine rejection apart.
    #[error("unit mismatch: ledger counts {expected}, found {found}")]
    UnitMismatch {
        /// The ledger's zero.
        expected: Points,
        /// The rejected amount.
        found: Points,
    },
    /// No hold with this id.
    #[error("hold {hold} not found")]
    HoldNotFound {
        /// The hold.
        hold: HoldId,
    },
    /// A hold with this id was already placed.
    #[error("hold {hold} already exists")]
    HoldExists {
        /// The hold.
        hold: HoldId,
    },
    /// The hold was captured, released or expired.
    #[error("hold {hold} is {status}")]
    HoldClosed {
        /// The hold.
        hold: HoldId,
        /// How it closed.
        status: HoldStatus,
    },
    /// A capture asked for more than the hold still reserves.
    #[error("capture exceeds hold {hold}: requested {requested}, held {held}")]
    CaptureExceedsHold {
        /// The hold.
        hold: HoldId,
        /// Points asked for.
        requested: Points,
        /// Points still held.
        held: Points,
    },
    /// The points total would not fit in 64 bits.
    #[error("points overflow: {points} added to {total}")]
    Overflow {
        /// The running total.
        total: Points,
        /// The points added.
        points: Points,
    },
}

/// Each lot-engine rejection becomes a variant of its own, in points' words.
impl From<LedgerError<Points>> for LoyaltyError {
    fn from(e: LedgerError<Points>) -> Self {
        match e {
            LedgerError::NonPositiveAmount { amount } => Self::NonPositivePoints { points: amount },
            LedgerError::UnitMismatch { expected, found } => Self::UnitMismatch { expected, found },
            LedgerError::InsufficientBalance { requested, available } => {
                Self::InsufficientPoints { requested, available }
            }
            LedgerError::LotNotFound { lot } => Self::LotNotFound { lot },
            LedgerError::LotExists { lot } => Self::LotExists { lot },
            LedgerError::HoldNotFound { hold } => Self::HoldNotFound { hold },
            LedgerError::HoldExists { hold } => Self::HoldExists { hold },
            LedgerError::HoldClosed { hold, status } => Self::HoldClosed { hold, status },
            LedgerError::CaptureExceedsHold { hold, requested, held } => {
                Self::CaptureExceedsHold { hold, requested, held }
            }
            LedgerError::ExpiryTooEarly { expires_at, not_before } => Self::ExpiryTooEarly { expires_at, not_before },
            LedgerError::Overflow { total, amount } => Self::Overflow { total, points: amount },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::assert_each_rejection_kept;

    #[test]
    fn every_lot_engine_rejection_keeps_its_own_variant_and_values() {
        assert_each_rejection_kept(Points::new(5), Points::new(7), LoyaltyError::from, |ledger, mapped| {
            match (ledger, mapped) {
                (LedgerError::NonPositiveAmount { amount }, LoyaltyError::NonPositivePoints { points }) => {
                    amount == points
                }
                (
                    LedgerError::UnitMismatch { expected, found },
                    LoyaltyError::UnitMismatch { expected: e, found: f },
                ) => (expected, found) == (e, f),
                (
                    LedgerError::InsufficientBalance { requested, available },
                    LoyaltyError::InsufficientPoints { requested: r, available: a },
                ) => (requested, available) == (r, a),
                (LedgerError::LotNotFound { lot }, LoyaltyError::LotNotFound { lot: l })
                | (LedgerError::LotExists { lot }, LoyaltyError::LotExists { lot: l }) => lot == l,
                (LedgerError::HoldNotFound { hold }, LoyaltyError::HoldNotFound { hold: h })
                | (LedgerError::HoldExists { hold }, LoyaltyError::HoldExists { hold: h }) => hold == h,
                (LedgerError::HoldClosed { hold, status }, LoyaltyError::HoldClosed { hold: h, status: s }) => {
                    (hold, status) == (h, s)
                }
                (
                    LedgerError::CaptureExceedsHold { hold, requested, held },
                    LoyaltyError::CaptureExceedsHold { hold: h, requested: r, held: d },
                ) => (hold, requested, held) == (h, r, d),
                (
                    LedgerError::ExpiryTooEarly { expires_at, not_before },
                    LoyaltyError::ExpiryTooEarly { expires_at: e, not_before: n },
                ) => (expires_at, not_before) == (e, n),
                (LedgerError::Overflow { total, amount }, LoyaltyError::Overflow { total: t, points }) => {
                    (total, amount) == (t, points)
                }
                _ => false,
            }
        });
    }
}
