//! Why the lot engine rejected a plan ([`LedgerError`]), and the broken invariant a check finds
//! ([`InvariantViolation`]).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::types::{HoldStatus, LotId};
use crate::id::HoldId;

/// Why the lot engine rejected a plan.
#[derive(Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum LedgerError<U> {
    /// Amounts must be greater than zero.
    #[error("amount must be positive: {amount}")]
    NonPositiveAmount {
        /// The rejected amount.
        amount: U,
    },
    /// The amount is not in the ledger's unit (another currency).
    #[error("unit mismatch: ledger counts {expected}, found {found}")]
    UnitMismatch {
        /// The ledger's zero.
        expected: U,
        /// The rejected amount.
        found: U,
    },
    /// Not enough eligible balance.
    #[error("insufficient balance: requested {requested}, available {available}")]
    InsufficientBalance {
        /// The amount asked for.
        requested: U,
        /// The eligible available amount.
        available: U,
    },
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
        /// The amount asked for.
        requested: U,
        /// The amount still reserved.
        held: U,
    },
    /// A lot would expire before (or when) it activates, or when it is credited.
    #[error("expiry {expires_at} must be after {not_before}")]
    ExpiryTooEarly {
        /// The rejected expiry.
        expires_at: DateTime<Utc>,
        /// The activation or credit instant it must follow.
        not_before: DateTime<Utc>,
    },
    /// The amount does not fit the unit's range.
    #[error("amount overflow: {amount} added to {total}")]
    Overflow {
        /// The running total.
        total: U,
        /// The amount added.
        amount: U,
    },
}

/// A broken ledger invariant, found by [`Ledger::check_invariants`](super::Ledger::check_invariants). It means a
/// bug or a tampered snapshot, never a rejected command.
#[derive(Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("ledger invariant violated: {what}")]
pub struct InvariantViolation {
    /// What does not add up, with the values.
    pub what: String,
}

/// One rejection of each kind, in declaration order, counting `amount` and `other` (for the domains' tests of their
/// mapping). The match below has no wildcard: a new kind fails to compile until it is listed.
#[cfg(test)]
pub(crate) fn one_of_each<U: Clone>(amount: U, other: U) -> Vec<LedgerError<U>> {
    use chrono::TimeZone;
    let lot = LotId::new(4, 1);
    let hold = HoldId::from_u128(9).unwrap();
    let at = |day| Utc.with_ymd_and_hms(2026, 1, day, 0, 0, 0).unwrap();
    let all = vec![
        LedgerError::NonPositiveAmount { amount: amount.clone() },
        LedgerError::UnitMismatch { expected: amount.clone(), found: other.clone() },
        LedgerError::InsufficientBalance { requested: other.clone(), available: amount.clone() },
        LedgerError::LotNotFound { lot },
        LedgerError::LotExists { lot },
        LedgerError::HoldNotFound { hold },
        LedgerError::HoldExists { hold },
        LedgerError::HoldClosed { hold, status: HoldStatus::Released },
        LedgerError::CaptureExceedsHold { hold, requested: other.clone(), held: amount.clone() },
        LedgerError::ExpiryTooEarly { expires_at: at(1), not_before: at(2) },
        LedgerError::Overflow { total: amount, amount: other },
    ];
    for e in &all {
        match e {
            LedgerError::NonPositiveAmount { .. }
            | LedgerError::UnitMismatch { .. }
            | LedgerError::InsufficientBalance { .. }
            | LedgerError::LotNotFound { .. }
            | LedgerError::LotExists { .. }
            | LedgerError::HoldNotFound { .. }
            | LedgerError::HoldExists { .. }
            | LedgerError::HoldClosed { .. }
            | LedgerError::CaptureExceedsHold { .. }
            | LedgerError::ExpiryTooEarly { .. }
            | LedgerError::Overflow { .. } => {}
        }
    }
    all
}

/// Maps one rejection of each kind (see [`one_of_each`]) with `map`, and asserts that `kept` holds for each (the
/// domain variant it names, with the same values) and that no two kinds become the same domain variant.
#[cfg(test)]
pub(crate) fn assert_each_rejection_kept<U: Clone + std::fmt::Display, E: std::fmt::Display>(
    amount: U,
    other: U,
    map: impl Fn(LedgerError<U>) -> E,
    kept: impl Fn(&LedgerError<U>, &E) -> bool,
) {
    let mut kinds = Vec::new();
    for ledger in one_of_each(amount, other) {
        let mapped = map(ledger.clone());
        assert!(kept(&ledger, &mapped), "{ledger} became {mapped}");
        let kind = std::mem::discriminant(&mapped);
        assert!(!kinds.contains(&kind), "{ledger} became {mapped}, the variant another rejection became");
        kinds.push(kind);
    }
}
