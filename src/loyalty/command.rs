//! Points commands: what a host asks of a [`PointsAccount`](crate::loyalty::PointsAccount).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(doc)]
use super::error::LoyaltyError;
use super::event::BonusReason;
use super::points::Points;
use crate::id::{HoldId, OrderId};
use crate::ledger::{LineId, Tag};
use crate::money::Money;

/// A line of a purchase.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseLine {
    /// The line id, unique within the order.
    pub line: LineId,
    /// The amount paid for the line (after discounts), greater than zero.
    pub amount: Money,
    /// Item tags, for tag rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

/// A points command. Commands are imperative; each names the rejection its constraints produce.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum PointsCommand {
    /// Earn points for a purchase, by the program's earn rules.
    ///
    /// Constraints: at least one line ([`LoyaltyError::EmptyOrder`]), unique line ids
    /// ([`LoyaltyError::DuplicateLine`]), amounts positive ([`LoyaltyError::NonPositiveAmount`]) in one currency
    /// ([`LoyaltyError::MixedCurrencies`]) that has an earn rate ([`LoyaltyError::NoEarnRate`]), the minimum spend
    /// met ([`LoyaltyError::BelowMinimumSpend`]), caps ([`LoyaltyError::EarnCapExceeded`]), once per order
    /// ([`LoyaltyError::OrderAlreadyEarned`]).
    EarnPoints {
        /// The order.
        order: OrderId,
        /// Its lines.
        lines: Vec<PurchaseLine>,
    },
    /// Award bonus points, active at once, expiring by the program unless `expires_at` is given.
    AwardBonus {
        /// Points, greater than zero ([`LoyaltyError::NonPositivePoints`]).
        points: Points,
        /// Why.
        reason: BonusReason,
        /// An explicit expiry, after `issued_at` ([`LoyaltyError::ExpiryTooEarly`]).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expires_at: Option<DateTime<Utc>>,
    },
    /// Redeem points against an order.
    ///
    /// Constraints: points positive, at least the program's minimum ([`LoyaltyError::BelowMinimumRedemption`]),
    /// within the maximum share of `order_total` ([`LoyaltyError::ExceedsMaxShare`]), in a currency with a
    /// redemption rate ([`LoyaltyError::NoRedemptionRate`]), available ([`LoyaltyError::InsufficientPoints`]).
    RedeemPoints {
        /// The order paid with points.
        order: OrderId,
        /// Points to spend.
        points: Points,
        /// The order total before points.
        order_total: Money,
    },
    /// Reserve points for a redemption to be captured later.
    PlaceHold {
        /// The host's hold id ([`LoyaltyError::HoldExists`]).
        hold: HoldId,
        /// Points, positive and available.
        points: Points,
        /// The order it pays for: captures count as a redemption of that order (refundable).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        order: Option<OrderId>,
        /// Released automatically from this instant, after `issued_at`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expires_at: Option<DateTime<Utc>>,
    },
    /// Capture part or all of a hold; `final` releases the rest.
    CaptureHold {
        /// The hold ([`LoyaltyError::HoldNotFound`], [`LoyaltyError::HoldClosed`]).
        hold: HoldId,
        /// Points, positive, at most what it holds ([`LoyaltyError::CaptureExceedsHold`]).
        points: Points,
        /// Close the hold after this capture.
        #[serde(rename = "final", default)]
        final_capture: bool,
    },
    /// Release a hold.
    ReleaseHold {
        /// The hold.
        hold: HoldId,
    },
    /// Correct the balance: positive credits an adjustment lot, negative debits by the program's spend order.
    AdjustPoints {
        /// Signed points, not zero.
        points: Points,
        /// Why (1 to 200 characters).
        reason: String,
        /// Who (1 to 200 characters).
        actor: String,
    },
    /// A purchase was returned (all lines, or some): claw back its points under the program's policy.
    ReturnPurchase {
        /// The order ([`LoyaltyError::OrderNotFound`]).
        order: OrderId,
        /// The returned lines; `None` for every line not yet returned.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lines: Option<Vec<LineId>>,
    },
    /// Refund a redemption: the points go back into the lots they came from.
    RefundRedemption {
        /// The order paid with points ([`LoyaltyError::RedemptionNotFound`]).
        order: OrderId,
        /// Points to refund; `None` for everything outstanding.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        points: Option<Points>,
    },
    /// Process what is due: activate pending points, expire lots, expire holds ([`LoyaltyError::NothingDue`]
    /// otherwise). Every command does this first; this one exists so the host can act at
    /// [`PointsAccount::next_deadline`](crate::loyalty::PointsAccount::next_deadline).
    ProcessDue,
    /// Re-evaluate the tier now: process due reviews, and upgrade if the qualification window reaches a higher tier
    /// (after a program change, say). [`LoyaltyError::NoTiers`] without tiers; [`LoyaltyError::NothingDue`] when
    /// nothing changes.
    ReevaluateTier,
}
