//! The points receipt: what one commit earned and redeemed, and where the balance stands after it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::account::PointsAccount;
use super::command::PointsCommand;
use super::event::PointsEvent;
use super::points::Points;
use crate::id::OrderId;
use crate::ledger::UpcomingExpiry;
use crate::stream::Commit;

/// The facts of a points receipt, read from one commit and the account once it is applied: what a host puts in
/// the customer's SMS or e-mail after a purchase ("+185 points, balance 1,085, 200 points to use by 05/03/2027").
///
/// Render it in the customer's language with
/// [`CarePolicy::render_receipt`](crate::care::CarePolicy::render_receipt) or
/// [`TemplateSet::render_receipt`](crate::care::TemplateSet::render_receipt).
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use customer_care::ledger::LineId;
/// use customer_care::loyalty::{LoyaltyProgram, Points, PointsAccount, PointsCommand, PointsReceipt, ProgramSpec, PurchaseLine};
/// use customer_care::{AccountId, Command, CommandId, Currency, Money, OrderId};
///
/// let vnd = |amount| Money::from_minor(amount, Currency::VND);
/// let program = LoyaltyProgram::new(
///     ProgramSpec::new(chrono_tz::Asia::Ho_Chi_Minh, vnd(10_000), 1).redeem(Points::new(100), vnd(10_000)),
/// )?;
/// let mut account = PointsAccount::new(AccountId::from_u128(1)?);
/// let at = Utc.with_ymd_and_hms(2026, 3, 5, 7, 30, 0).single().ok_or("no such instant")?;
/// let earn = Command::new(CommandId::from_u128(10)?, at, PointsCommand::EarnPoints {
///     order: OrderId::new("HD-0001")?,
///     lines: vec![PurchaseLine { line: LineId::new(1), amount: Money::from_minor(1_850_000, Currency::VND), tags: vec![] }],
/// });
/// let commit = account.decide(&program, &earn)?.accepted().ok_or("answered as a duplicate")?;
/// account.apply(&commit);
/// let receipt = PointsReceipt::of(&commit, &account).ok_or("apply the commit first")?;
/// assert_eq!((receipt.earned, receipt.redeemed, receipt.points_available), (Points::new(185), Points::ZERO, Points::new(185)));
/// assert_eq!(receipt.order, Some(OrderId::new("HD-0001")?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointsReceipt {
    /// The order the commit earned on or redeemed against, if any (the first one it names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<OrderId>,
    /// When: the command's `issued_at`.
    pub at: DateTime<Utc>,
    /// Points credited by the command: earned on the purchase (pending or not) plus bonus awarded.
    pub earned: Points,
    /// Points redeemed by the command, directly or by capturing a hold.
    pub redeemed: Points,
    /// Points available after the commit.
    #[serde(alias = "available")]
    pub points_available: Points,
    /// Points pending (in a return window) after the commit.
    #[serde(alias = "pending")]
    pub points_pending: Points,
    /// The next expiry of available points after the commit, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_expiry: Option<UpcomingExpiry<Points>>,
}

impl PointsReceipt {
    /// The receipt of `commit`, reading the balance and the next expiry from `account`, which must be at the
    /// commit's version (the commit applied, nothing after it). `None` when it is not.
    pub fn of(commit: &Commit<PointsCommand, PointsEvent>, account: &PointsAccount) -> Option<Self> {
        if account.version() != commit.version {
            return None;
        }
        let (mut earned, mut redeemed, mut order) = (Points::ZERO, Points::ZERO, None);
        for event in &commit.events {
            match event {
                PointsEvent::PointsEarned { order: o, points, .. } => {
                    earned = sum(earned, *points);
                    order = order.or(Some(o));
                }
                PointsEvent::BonusAwarded { credit, .. } => earned = sum(earned, credit.amount),
                PointsEvent::PointsRedeemed { order: o, points, .. } => {
                    redeemed = sum(redeemed, *points);
                    order = order.or(Some(o));
                }
                PointsEvent::HoldCaptured { order: o, captured, .. } => {
                    redeemed = captured.iter().fold(redeemed, |acc, a| sum(acc, a.amount));
                    order = order.or(o.as_ref());
                }
                _ => {}
            }
        }
        Some(Self {
            order: order.cloned(),
            at: commit.command.issued_at,
            earned,
            redeemed,
            points_available: account.points_available(),
            points_pending: account.points_pending(),
            next_expiry: account.explain().next_expiries.into_iter().next(),
        })
    }
}

/// `a + b`, saturating (points of one commit never come near `i64::MAX`).
fn sum(a: Points, b: Points) -> Points {
    a.checked_add(b).unwrap_or(Points::new(i64::MAX))
}
