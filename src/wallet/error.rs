//! Stored-value rejections.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::id::{AccountId, HoldId, OrderId, PaymentRef};
use crate::ledger::{HoldStatus, LedgerError, LotId};
use crate::money::{Currency, Money, MoneyError};
use crate::stream::StreamError;

/// Why a stored-value command or program was rejected. A rejected command changes nothing.
///
/// An amount finer than the currency's minor unit cannot reach a command: [`Money::new`] rejects it with
/// [`MoneyError::TooPrecise`], and so does deserializing a command.
#[derive(Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum WalletError {
    /// The envelope rejected the command (id reused with another body, back-dated).
    #[error(transparent)]
    Stream(#[from] StreamError),
    /// A money operation failed.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// The program is invalid.
    #[error("invalid stored-value program: {reason}")]
    InvalidProgram {
        /// What is wrong, with the values.
        reason: String,
    },
    /// An amount (or the program) is in another currency than the account.
    #[error("currency mismatch: account is in {expected}, found {found}")]
    CurrencyMismatch {
        /// The account's currency.
        expected: Currency,
        /// The rejected currency.
        found: Currency,
    },
    /// Amounts must be greater than zero.
    #[error("amount must be greater than zero: {amount}")]
    NonPositiveAmount {
        /// The rejected amount.
        amount: Money,
    },
    /// Not enough available balance (for the spend's tags).
    #[error("insufficient funds: requested {requested}, available {available}")]
    InsufficientFunds {
        /// The amount asked for.
        requested: Money,
        /// The available amount that could pay for it.
        available: Money,
    },
    /// A top-up below the program's minimum.
    #[error("top-up of {amount} is below the minimum of {minimum}")]
    BelowMinimumTopUp {
        /// The top-up.
        amount: Money,
        /// The minimum.
        minimum: Money,
    },
    /// A top-up above the program's maximum.
    #[error("top-up of {amount} is above the maximum of {maximum}")]
    AboveMaximumTopUp {
        /// The top-up.
        amount: Money,
        /// The maximum.
        maximum: Money,
    },
    /// The balance after a credit would exceed the program's cap.
    #[error("balance cap exceeded: balance {balance} plus {credit} exceeds the cap of {cap}")]
    BalanceCapExceeded {
        /// The balance before (available, held and pending).
        balance: Money,
        /// The value the command would add (principal and bonus).
        credit: Money,
        /// The cap.
        cap: Money,
    },
    /// A payment or issuance reference was already used on this account.
    #[error("reference {reference} was already recorded")]
    ReferenceAlreadyUsed {
        /// The reference.
        reference: PaymentRef,
    },
    /// No top-up with this payment reference.
    #[error("no top-up with payment reference {payment}")]
    TopUpNotFound {
        /// The reference.
        payment: PaymentRef,
    },
    /// A top-up refund larger than what is left of the top-up.
    #[error("refund of {requested} exceeds what is left of top-up {payment}: {refundable}")]
    RefundExceedsTopUp {
        /// The top-up.
        payment: PaymentRef,
        /// The amount asked for.
        requested: Money,
        /// What is left of its principal (not spent, held or refunded).
        refundable: Money,
    },
    /// No spend (or nothing left to refund) for this order.
    #[error("no spend to refund for order {order}")]
    SpendNotFound {
        /// The order.
        order: OrderId,
    },
    /// A spend refund larger than what was spent and not yet refunded.
    #[error("refund of {requested} for order {order} exceeds the {spent} spent")]
    RefundExceedsSpent {
        /// The order.
        order: OrderId,
        /// The amount asked for.
        requested: Money,
        /// Spent and not yet refunded.
        spent: Money,
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
        requested: Money,
        /// Still reserved.
        held: Money,
    },
    /// The account cannot close while holds are open.
    #[error("account has {open} open holds: capture or release them first")]
    HoldsOpen {
        /// How many.
        open: usize,
    },
    /// The account is closed.
    #[error("account {account} is closed")]
    AccountClosed {
        /// The account.
        account: AccountId,
    },
    /// A sweep found nothing due.
    #[error("nothing due as of {as_of}")]
    NothingDue {
        /// The command's instant.
        as_of: DateTime<Utc>,
        /// The next deadline, if any.
        next_deadline: Option<DateTime<Utc>>,
    },
    /// An explicit expiry is not after the command's instant.
    #[error("expiry {expires_at} must be after {not_before}")]
    ExpiryTooEarly {
        /// The expiry.
        expires_at: DateTime<Utc>,
        /// The instant it must follow.
        not_before: DateTime<Utc>,
    },
    /// A text field was empty or longer than 200 characters.
    #[error("{field} must be 1 to 200 characters")]
    InvalidText {
        /// Which field.
        field: String,
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
    /// A total would not fit in a decimal.
    #[error("amount overflow: {amount} added to {total}")]
    Overflow {
        /// The running total.
        total: Money,
        /// The amount added.
        amount: Money,
    },
}

/// Each lot-engine rejection becomes a variant of its own, in money's words (a unit mismatch is a currency
/// mismatch).
impl From<LedgerError<Money>> for WalletError {
    fn from(e: LedgerError<Money>) -> Self {
        match e {
            LedgerError::NonPositiveAmount { amount } => Self::NonPositiveAmount { amount },
            LedgerError::UnitMismatch { expected, found } => {
                Self::CurrencyMismatch { expected: expected.currency(), found: found.currency() }
            }
            LedgerError::InsufficientBalance { requested, available } => {
                Self::InsufficientFunds { requested, available }
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
            LedgerError::Overflow { total, amount } => Self::Overflow { total, amount },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::assert_each_rejection_kept;

    #[test]
    fn every_lot_engine_rejection_keeps_its_own_variant_and_values() {
        assert_each_rejection_kept(
            Money::from_minor(5, Currency::VND),
            Money::from_minor(7, Currency::USD),
            WalletError::from,
            |ledger, mapped| match (ledger, mapped) {
                (LedgerError::NonPositiveAmount { amount }, WalletError::NonPositiveAmount { amount: a }) => {
                    amount == a
                }
                (
                    LedgerError::UnitMismatch { expected, found },
                    WalletError::CurrencyMismatch { expected: e, found: f },
                ) => (expected.currency(), found.currency()) == (*e, *f),
                (
                    LedgerError::InsufficientBalance { requested, available },
                    WalletError::InsufficientFunds { requested: r, available: a },
                ) => (requested, available) == (r, a),
                (LedgerError::LotNotFound { lot }, WalletError::LotNotFound { lot: l })
                | (LedgerError::LotExists { lot }, WalletError::LotExists { lot: l }) => lot == l,
                (LedgerError::HoldNotFound { hold }, WalletError::HoldNotFound { hold: h })
                | (LedgerError::HoldExists { hold }, WalletError::HoldExists { hold: h }) => hold == h,
                (LedgerError::HoldClosed { hold, status }, WalletError::HoldClosed { hold: h, status: s }) => {
                    (hold, status) == (h, s)
                }
                (
                    LedgerError::CaptureExceedsHold { hold, requested, held },
                    WalletError::CaptureExceedsHold { hold: h, requested: r, held: d },
                ) => (hold, requested, held) == (h, r, d),
                (
                    LedgerError::ExpiryTooEarly { expires_at, not_before },
                    WalletError::ExpiryTooEarly { expires_at: e, not_before: n },
                ) => (expires_at, not_before) == (e, n),
                (LedgerError::Overflow { total, amount }, WalletError::Overflow { total: t, amount: a }) => {
                    (total, amount) == (t, a)
                }
                _ => false,
            },
        );
    }
}
