//! What the planner knows of one customer: the record, and facts from the other domains.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::history::CareEvent;
use crate::customer::Customer;
use crate::ledger::{Unit, UpcomingExpiry};
use crate::lifecycle::Stage;
use crate::locale::DisplayName;
use crate::loyalty::{LoyaltyProgram, Points, PointsAccount, TierName};
use crate::money::Money;
use crate::service::experience::PoorExperienceStreak;
use crate::service::{Ticket, TicketEventKind, TicketId};
use crate::wallet::{BONUS, StoredValueAccount};

/// A lifecycle stage and when the customer entered it (the anchor of win-back and loyal-reward series).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageFacts {
    /// The stage.
    pub stage: Stage,
    /// When the customer entered it.
    pub since: DateTime<Utc>,
}

impl From<&crate::lifecycle::StageSince> for StageFacts {
    /// The stage and the instant it began, from [`LifecyclePolicy::classify_history`](crate::lifecycle::LifecyclePolicy::classify_history)
    /// or [`classify_customer`](crate::lifecycle::LifecyclePolicy::classify_customer).
    fn from(staged: &crate::lifecycle::StageSince) -> Self {
        Self { stage: staged.classification.stage, since: staged.since }
    }
}

/// What care needs from a points account.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointsFacts {
    /// Points available.
    pub available: Points,
    /// The next expiry of available points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiring: Option<UpcomingExpiry<Points>>,
    /// The current tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<TierName>,
    /// When the current tier was reached by an upgrade ([`PointsAccount::upgraded_at`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upgraded_at: Option<DateTime<Utc>>,
    /// The next tier review, when the current tier is not yet secured for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_at_risk: Option<DateTime<Utc>>,
    /// How customers read the current tier ([`Tier::display_name`](crate::loyalty::Tier::display_name)): `{tier}`
    /// prints it in the reader's language, and the [`tier`](Self::tier) key only when this is `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier_display_name: Option<DisplayName>,
}

impl PointsFacts {
    /// Reads an account as of `as_of`: available points, the next expiry, the tier and when it was reached by an
    /// upgrade, and the next review when more qualification is needed to keep the tier.
    pub fn of(account: &PointsAccount, program: &LoyaltyProgram, as_of: DateTime<Utc>) -> Self {
        let review_at_risk = account
            .tier_progress(program, as_of)
            .filter(|p| p.needed_to_keep.is_sign_positive() && !p.needed_to_keep.is_zero())
            .and_then(|p| p.next_review_at);
        Self {
            available: account.points_available(),
            expiring: next_expiry(account.ledger().spendable_by_expiry().map(|l| (l.expires_at(), *l.remaining()))),
            tier: account.tier(),
            upgraded_at: account.upgraded_at(),
            review_at_risk,
            tier_display_name: account.tier().and_then(|t| program.tier(t)).and_then(|t| t.display_name.clone()),
        }
    }
}

/// What care needs from a stored-value account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredValueFacts {
    /// The available balance.
    pub available: Money,
    /// The next expiry of available bonus.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiring_bonus: Option<UpcomingExpiry<Money>>,
    /// The account's last activity (the anchor of a low-balance note).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_activity_at: Option<DateTime<Utc>>,
}

impl StoredValueFacts {
    /// Reads an account: its balance, the next bonus expiry and its last activity.
    pub fn of(account: &StoredValueAccount) -> Self {
        let bonus = account.ledger().spendable_by_expiry().filter(|l| l.category() == BONUS);
        Self {
            available: account.money_available(),
            expiring_bonus: next_expiry(bonus.map(|l| (l.expires_at(), *l.remaining()))),
            last_activity_at: account.last_issued_at(),
        }
    }
}

/// Sums the amounts of the soonest expiry in a soonest-first walk.
fn next_expiry<U: Unit>(mut lots: impl Iterator<Item = (Option<DateTime<Utc>>, U)>) -> Option<UpcomingExpiry<U>> {
    let (first_at, first) = lots.find(|(at, amount)| at.is_some() && amount.is_above_zero())?;
    let expires_at = first_at?;
    let mut amount = first;
    for (at, more) in lots {
        if at != Some(expires_at) {
            break;
        }
        amount = amount.try_add(&more)?;
    }
    Some(UpcomingExpiry { expires_at, amount })
}

/// A resolved ticket: the anchor of a survey.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedTicket {
    /// The ticket.
    pub ticket: TicketId,
    /// When it was resolved.
    pub resolved_at: DateTime<Utc>,
}

impl ResolvedTicket {
    /// The resolution of a ticket that is solved or closed now: when it last became so. `None` for a ticket
    /// still open or already surveyed (a `survey_sent` after the resolution).
    pub fn of(ticket: &Ticket) -> Option<Self> {
        let mut resolved_at = None;
        for event in ticket.events() {
            match &event.kind {
                TicketEventKind::StatusChanged { status } if status.is_solved() => {
                    resolved_at = resolved_at.or(Some(event.at));
                }
                TicketEventKind::StatusChanged { .. } | TicketEventKind::Reopened => resolved_at = None,
                TicketEventKind::SurveySent => return None,
                _ => {}
            }
        }
        Some(Self { ticket: ticket.id().clone(), resolved_at: resolved_at? })
    }
}

/// One customer as the planner sees them: the record (profile, consent, preferences, dates, purchases), facts
/// from loyalty, stored value, lifecycle and service, and the care history the host recorded.
///
/// ```
/// use customer_care::care::CareSubject;
/// use customer_care::customer::Customer;
/// use customer_care::CustomerId;
///
/// let customer = Customer::new(CustomerId::from_u128(7)?);
/// let subject = CareSubject::new(&customer);
/// assert!(subject.history.is_empty() && subject.stage.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct CareSubject<'a> {
    /// The customer record.
    pub customer: &'a Customer,
    /// The lifecycle stage, when classified.
    pub stage: Option<StageFacts>,
    /// The points account's facts.
    pub points: Option<PointsFacts>,
    /// The stored-value account's facts.
    pub stored_value: Option<StoredValueFacts>,
    /// Tickets resolved and not yet surveyed.
    pub resolved_tickets: &'a [ResolvedTicket],
    /// The current streak of poor experiences; flagged streaks call for an apology.
    pub poor_experience: Option<PoorExperienceStreak>,
    /// Whether the host's app can reach the customer by push notification.
    pub push_enabled: bool,
    /// The customer's care history, in any order.
    pub history: &'a [CareEvent],
}

impl<'a> CareSubject<'a> {
    /// A customer with no other facts and no history.
    pub const fn new(customer: &'a Customer) -> Self {
        Self {
            customer,
            stage: None,
            points: None,
            stored_value: None,
            resolved_tickets: &[],
            poor_experience: None,
            push_enabled: false,
            history: &[],
        }
    }
}
