//! The kinds of proactive care, and what each one is for.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::CareError;
use super::template::Placeholder;
use crate::customer::Purpose;
use crate::text::excerpt;

/// A kind of proactive care.
///
/// Each kind has a fixed [`Purpose`] — the consent it needs and whether frequency caps count it — and a fixed set
/// of values it supplies to its template:
///
/// | kind | purpose | anchor (what the steps count from) | supplies (besides `{name}`, `{business}`) |
/// |---|---|---|---|
/// | `birthday`, `wedding_anniversary`, `membership_anniversary` | marketing | the occasion's local date | `{date}` |
/// | `welcome` | marketing | registration | — |
/// | `loyal_reward` | marketing | entering the loyal stage | — |
/// | `win_back` | marketing | entering the aging (or lost) stage | — |
/// | `purchase_follow_up` | service | the latest purchase not fully refunded | `{order}`, `{amount}`, `{date}` |
/// | `points_expiring` | service | the next points expiry | `{points}`, `{expires_on}` |
/// | `bonus_expiring` | service | the next stored-value bonus expiry | `{amount}`, `{expires_on}`, `{balance}` |
/// | `low_balance` | service | the stored-value account's last activity | `{balance}` |
/// | `tier_upgraded` | service | the upgrade | `{tier}` |
/// | `tier_at_risk` | service | the next tier review | `{tier}`, `{expires_on}` (the review date) |
/// | `survey` | service | a ticket's resolution | — |
/// | `apology` | service | the latest poor experience of a flagged streak | — |
///
/// `{voucher}` and `{link}` are supplied when the kind's policy configures them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CareKind {
    /// A birthday greeting (on the day, or some days before with a voucher).
    Birthday,
    /// A wedding-anniversary greeting.
    WeddingAnniversary,
    /// Thanks on the anniversary of joining.
    MembershipAnniversary,
    /// The welcome series for new and potential customers.
    Welcome,
    /// Follow-ups after a purchase ("how was it?").
    PurchaseFollowUp,
    /// A reward for loyal customers.
    LoyalReward,
    /// Win-back steps for customers who stopped coming.
    WinBack,
    /// Points about to expire.
    PointsExpiring,
    /// A stored-value bonus about to expire.
    BonusExpiring,
    /// A stored-value balance running low.
    LowBalance,
    /// A loyalty tier reached.
    TierUpgraded,
    /// A loyalty tier at risk at the next review.
    TierAtRisk,
    /// A survey after a resolved ticket.
    Survey,
    /// An apology after repeated poor experiences.
    Apology,
}

impl CareKind {
    /// Every kind.
    pub const ALL: [Self; 14] = [
        Self::Birthday,
        Self::WeddingAnniversary,
        Self::MembershipAnniversary,
        Self::Welcome,
        Self::PurchaseFollowUp,
        Self::LoyalReward,
        Self::WinBack,
        Self::PointsExpiring,
        Self::BonusExpiring,
        Self::LowBalance,
        Self::TierUpgraded,
        Self::TierAtRisk,
        Self::Survey,
        Self::Apology,
    ];

    /// The name used in policies, keys and serialized data.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Birthday => "birthday",
            Self::WeddingAnniversary => "wedding_anniversary",
            Self::MembershipAnniversary => "membership_anniversary",
            Self::Welcome => "welcome",
            Self::PurchaseFollowUp => "purchase_follow_up",
            Self::LoyalReward => "loyal_reward",
            Self::WinBack => "win_back",
            Self::PointsExpiring => "points_expiring",
            Self::BonusExpiring => "bonus_expiring",
            Self::LowBalance => "low_balance",
            Self::TierUpgraded => "tier_upgraded",
            Self::TierAtRisk => "tier_at_risk",
            Self::Survey => "survey",
            Self::Apology => "apology",
        }
    }

    /// Marketing (needs marketing consent, counted by frequency caps) or service (needs service consent).
    pub const fn purpose(self) -> Purpose {
        match self {
            Self::Birthday
            | Self::WeddingAnniversary
            | Self::MembershipAnniversary
            | Self::Welcome
            | Self::LoyalReward
            | Self::WinBack => Purpose::Marketing,
            Self::PurchaseFollowUp
            | Self::PointsExpiring
            | Self::BonusExpiring
            | Self::LowBalance
            | Self::TierUpgraded
            | Self::TierAtRisk
            | Self::Survey
            | Self::Apology => Purpose::Service,
        }
    }

    /// Whether the kind is anchored on a local date (an occasion) rather than an instant.
    pub(crate) const fn is_occasion(self) -> bool {
        matches!(self, Self::Birthday | Self::WeddingAnniversary | Self::MembershipAnniversary)
    }

    /// Whether steps count backwards from the anchor (reminders before something happens).
    pub(crate) const fn counts_down(self) -> bool {
        matches!(self, Self::PointsExpiring | Self::BonusExpiring | Self::TierAtRisk)
    }

    /// The values the kind itself supplies (besides `{voucher}` and `{link}`, which depend on the policy).
    pub const fn supplies(self) -> &'static [Placeholder] {
        use Placeholder as P;
        match self {
            Self::Birthday | Self::WeddingAnniversary | Self::MembershipAnniversary => &[P::Name, P::Business, P::Date],
            Self::Welcome | Self::LoyalReward | Self::WinBack | Self::Survey | Self::Apology => &[P::Name, P::Business],
            Self::PurchaseFollowUp => &[P::Name, P::Business, P::Order, P::Amount, P::Date],
            Self::PointsExpiring => &[P::Name, P::Business, P::Points, P::ExpiresOn],
            Self::BonusExpiring => &[P::Name, P::Business, P::Amount, P::ExpiresOn, P::Balance],
            Self::LowBalance => &[P::Name, P::Business, P::Balance],
            Self::TierUpgraded => &[P::Name, P::Business, P::Tier],
            Self::TierAtRisk => &[P::Name, P::Business, P::Tier, P::ExpiresOn],
        }
    }
}

impl fmt::Display for CareKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CareKind {
    type Err = CareError;
    fn from_str(s: &str) -> Result<Self, CareError> {
        Self::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| CareError::UnknownKind { name: excerpt(s) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_purposes() {
        for kind in CareKind::ALL {
            assert_eq!(kind.as_str().parse::<CareKind>().unwrap(), kind);
            assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{kind}\""));
            assert!(kind.supplies().contains(&Placeholder::Name));
        }
        assert_eq!(CareKind::Birthday.purpose(), Purpose::Marketing);
        assert_eq!(CareKind::Survey.purpose(), Purpose::Service);
        assert!("birthdays".parse::<CareKind>().is_err());
        assert!(CareKind::PointsExpiring.counts_down() && !CareKind::WinBack.counts_down());
        assert!(CareKind::MembershipAnniversary.is_occasion() && !CareKind::Welcome.is_occasion());
    }
}
