//! Points events, the facts a [`PointsAccount`](crate::loyalty::PointsAccount) is folded from, and the values they
//! carry: lot categories, bonus and tier reasons, per-line points, recredited lots.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::points::{Points, PointsFraction};
use super::tier::TierName;
use crate::id::{HoldId, OrderId};
use crate::ledger::{Allocation, Category, Credit, HoldPlacement, LineId, LotId, SettleFact};
use crate::money::Money;

/// The category of points earned on purchases.
pub const BASE: Category = Category::constant("base");
/// The category of bonus points (birthday, campaign, goodwill).
pub const BONUS: Category = Category::constant("bonus");
/// The category of positive adjustments.
pub const ADJUSTMENT: Category = Category::constant("adjustment");

/// Why a bonus was awarded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum BonusReason {
    /// The customer's birthday.
    Birthday,
    /// A campaign.
    Campaign {
        /// Its name, any text; recorded as written. To show customers the campaign in their language, keep
        /// this the [`Campaign`](crate::loyalty::Campaign)'s `name` and print its `display_name`.
        name: String,
    },
    /// A gesture of goodwill.
    Goodwill {
        /// Why.
        note: String,
    },
}

/// Why a tier was evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TierReason {
    /// The first qualifying activity placed the customer.
    Initial,
    /// The window reached a higher tier: upgrades take effect at once.
    Upgrade,
    /// A review at the end of a period (plus grace): the only time a tier goes down.
    Review,
    /// An explicit [`PointsCommand::ReevaluateTier`](crate::loyalty::PointsCommand::ReevaluateTier).
    Reevaluation,
}

/// Points attributed to one line of an earn, for returns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinePoints {
    /// The line.
    pub line: LineId,
    /// Its share of the earned points.
    pub points: Points,
}

/// A lot re-created by a refund because the original had expired.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recredit {
    /// The refunded part of the original allocation.
    pub from: Allocation<Points>,
    /// The new lot.
    pub credit: Credit<Points>,
}

/// A points fact. Events carry everything needed to replay without the program.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum PointsEvent {
    /// Points were earned on a purchase.
    PointsEarned {
        /// The order.
        order: OrderId,
        /// The order total.
        spent: Money,
        /// Whole points credited.
        points: Points,
        /// The exact points before flooring (and before a cap), including the carried remainder. Earlier events
        /// stored a decimal here; it is read as the same fraction.
        exact: PointsFraction,
        /// The fraction carried to the next earn, exactly.
        remainder: PointsFraction,
        /// Whether a cap cut the earn.
        capped: bool,
        /// Whether the earn counts toward tier qualification (the program has tiers).
        #[serde(default)]
        counts_for_tier: bool,
        /// The first local day of the period-cap period the earn counts toward (none without a period cap).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cap_period: Option<chrono::NaiveDate>,
        /// The points per line.
        lines: Vec<LinePoints>,
        /// Each line's amount, in line order, when the earn counts toward tier qualification (so a return can take
        /// it off); empty otherwise, and in earns recorded before it was kept.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        line_amounts: Vec<Money>,
        /// The lot (none when fewer than one point was earned).
        credit: Option<Credit<Points>>,
    },
    /// Bonus points were awarded.
    BonusAwarded {
        /// Why.
        reason: BonusReason,
        /// The lot.
        credit: Credit<Points>,
    },
    /// Points were redeemed.
    PointsRedeemed {
        /// The order.
        order: OrderId,
        /// Points spent.
        points: Points,
        /// Their money value.
        value: Money,
        /// The lots used.
        allocations: Vec<Allocation<Points>>,
    },
    /// A hold was placed.
    HoldPlaced {
        /// What it reserved.
        placement: HoldPlacement<Points>,
    },
    /// Part or all of a hold was captured.
    HoldCaptured {
        /// The hold.
        hold: HoldId,
        /// The order it paid for.
        order: Option<OrderId>,
        /// Points captured, per lot.
        captured: Vec<Allocation<Points>>,
        /// Points released by a final capture, per lot.
        released: Vec<Allocation<Points>>,
        /// Whether the hold closed.
        closed: bool,
    },
    /// A hold was released by the host.
    HoldReleased {
        /// The hold.
        hold: HoldId,
        /// What it released, per lot.
        released: Vec<Allocation<Points>>,
    },
    /// A hold reached its deadline.
    HoldExpired {
        /// The hold.
        hold: HoldId,
        /// What it released, per lot.
        released: Vec<Allocation<Points>>,
    },
    /// A pending lot's points became spendable.
    LotActivated {
        /// The lot.
        lot: LotId,
        /// Its points.
        points: Points,
    },
    /// A lot's unspent points expired (at the lot's expiry, or when the account became dormant).
    LotExpired {
        /// The lot.
        lot: LotId,
        /// The points.
        points: Points,
    },
    /// The balance was corrected.
    PointsAdjusted {
        /// Signed points.
        points: Points,
        /// Why.
        reason: String,
        /// Who.
        actor: String,
        /// The lot of a positive adjustment.
        credit: Option<Credit<Points>>,
        /// The lots of a negative one.
        allocations: Vec<Allocation<Points>>,
    },
    /// Points of a returned purchase were clawed back.
    PointsClawedBack {
        /// The order.
        order: OrderId,
        /// The returned lines.
        lines: Vec<LineId>,
        /// Points earned on those lines.
        points: Points,
        /// What was taken, per lot.
        allocations: Vec<Allocation<Points>>,
        /// What became debt.
        debt: Points,
        /// What the policy let the customer keep.
        forgiven: Points,
        /// The amount of the returned lines, taken off tier qualification with `points` (absent when the earn
        /// did not record line amounts).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        spent_returned: Option<Money>,
    },
    /// Outstanding debt was repaid from available points.
    DebtRepaid {
        /// The lots used.
        allocations: Vec<Allocation<Points>>,
    },
    /// A redemption was refunded.
    RedemptionRefunded {
        /// The order.
        order: OrderId,
        /// Points refunded.
        points: Points,
        /// Restored into their original lots.
        restored: Vec<Allocation<Points>>,
        /// Not restored: their lots had expired (policy forfeit).
        forfeited: Vec<Allocation<Points>>,
        /// Re-created as new lots: their lots had expired (policy grace or fresh expiry).
        recredited: Vec<Recredit>,
    },
    /// Activity moved the inactivity deadline (programs with [`ExpiryPolicy::Inactivity`](
    /// crate::loyalty::ExpiryPolicy::Inactivity)).
    DormancyScheduled {
        /// When the account becomes dormant unless active again.
        dormant_at: DateTime<Utc>,
    },
    /// The account became dormant: its available points expired (one `LotExpired` per lot before this event).
    AccountDormant {
        /// The deadline that passed.
        dormant_at: DateTime<Utc>,
    },
    /// The tier was evaluated (it changed when `from != Some(to)`).
    TierEvaluated {
        /// The tier before.
        from: Option<TierName>,
        /// The tier after.
        to: TierName,
        /// Why.
        reason: TierReason,
        /// The qualification metric (points or major currency units) over the window.
        #[serde(with = "rust_decimal::serde::str")]
        metric: Decimal,
        /// The window's start; activity before it no longer counts after a review.
        window_start: DateTime<Utc>,
        /// When the next review is due.
        next_review_at: Option<DateTime<Utc>>,
    },
}

impl PointsEvent {
    /// The event of a lot-engine settle fact.
    pub(super) fn from_settle(fact: SettleFact<Points>) -> Self {
        match fact {
            SettleFact::Activated { lot, amount } => Self::LotActivated { lot, points: amount },
            SettleFact::Expired { lot, amount } => Self::LotExpired { lot, points: amount },
            SettleFact::HoldExpired { hold, released } => Self::HoldExpired { hold, released },
            SettleFact::DebtRepaid { allocations } => Self::DebtRepaid { allocations },
        }
    }
}
