//! Stored-value commands: what a host asks of a [`StoredValueAccount`](crate::wallet::StoredValueAccount).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(doc)]
use super::error::WalletError;
use super::event::IssueKind;
use crate::id::{HoldId, OrderId, PaymentRef};
use crate::ledger::Tag;
use crate::money::Money;

/// A stored-value command. Each names the rejection its constraints produce; every command of a closed account is
/// rejected with [`WalletError::AccountClosed`], and amounts in another currency with
/// [`WalletError::CurrencyMismatch`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum WalletCommand {
    /// The customer paid `amount` in: credit it as principal, with the program's bonus.
    ///
    /// Constraints: positive ([`WalletError::NonPositiveAmount`]), within the program's top-up limits
    /// ([`WalletError::BelowMinimumTopUp`], [`WalletError::AboveMaximumTopUp`]) and balance cap
    /// ([`WalletError::BalanceCapExceeded`]), `payment` not used before ([`WalletError::ReferenceAlreadyUsed`]).
    TopUp {
        /// The host's payment reference; refunds of the top-up name it.
        payment: PaymentRef,
        /// The amount paid.
        amount: Money,
    },
    /// Credit gift-card value or store credit (no bonus, no top-up limits; the balance cap applies).
    IssueValue {
        /// Gift card or store credit.
        kind: IssueKind,
        /// The gift card's code or the credit note's reference, unique on the account.
        reference: PaymentRef,
        /// The value, positive.
        amount: Money,
        /// Item tags it may pay for (empty: anything).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        restricted_to: Vec<Tag>,
        /// When it expires, after `issued_at` ([`WalletError::ExpiryTooEarly`]); `None`: never.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expires_at: Option<DateTime<Utc>>,
    },
    /// Pay for an order from the balance, by the program's spend order ([`WalletError::InsufficientFunds`]).
    Spend {
        /// The order; refunds name it. Several spends may pay for one order.
        order: OrderId,
        /// The amount, positive.
        amount: Money,
        /// The items' tags: lots restricted to other tags are not used.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        tags: Vec<Tag>,
    },
    /// Reserve value at checkout (a pre-authorisation), captured later.
    PlaceHold {
        /// The host's hold id ([`WalletError::HoldExists`]).
        hold: HoldId,
        /// The order it pays for: captures count as spends of it.
        order: OrderId,
        /// The amount, positive and available.
        amount: Money,
        /// The items' tags.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        tags: Vec<Tag>,
        /// Released automatically from this instant, after `issued_at`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expires_at: Option<DateTime<Utc>>,
    },
    /// Capture part or all of a hold; `final` releases the rest.
    CaptureHold {
        /// The hold ([`WalletError::HoldNotFound`], [`WalletError::HoldClosed`]).
        hold: HoldId,
        /// The amount, positive, at most what it holds ([`WalletError::CaptureExceedsHold`]).
        amount: Money,
        /// Close the hold after this capture.
        #[serde(rename = "final", default)]
        final_capture: bool,
    },
    /// Release a hold.
    ReleaseHold {
        /// The hold.
        hold: HoldId,
    },
    /// Refund a spend (whole or part) back into the lots it came from; the last value spent comes back first.
    RefundSpend {
        /// The order ([`WalletError::SpendNotFound`]).
        order: OrderId,
        /// The amount; `None` for everything not yet refunded ([`WalletError::RefundExceedsSpent`]).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        amount: Option<Money>,
    },
    /// Pay principal of a top-up back to the customer, forfeiting its bonus in proportion.
    RefundTopUp {
        /// The top-up ([`WalletError::TopUpNotFound`]).
        payment: PaymentRef,
        /// The amount; `None` for all that is left of it ([`WalletError::RefundExceedsTopUp`]).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        amount: Option<Money>,
    },
    /// Process what is due: expire lots and holds ([`WalletError::NothingDue`] otherwise). Every command does this
    /// first; this one exists so the host can act at [`StoredValueAccount::next_deadline`](crate::wallet::StoredValueAccount::next_deadline).
    ProcessDue,
    /// Close the account: remaining principal is reported for payout, remaining bonus is forfeited
    /// ([`WalletError::HoldsOpen`] while holds are open).
    Close,
}
