//! Outstanding liability and breakage over a set of accounts.

use serde::{Deserialize, Serialize};

use super::account::StoredValueAccount;
use super::error::WalletError;
use super::event::Bucket;
use crate::ledger::Unit;
use crate::money::{Currency, Money, MoneyError};

/// `a + b`, exactly: past 2^96 − 1 minor units `Decimal` would drop a digit of scale and round, losing a unit.
fn sum(a: Money, b: Money) -> Result<Money, WalletError> {
    a.try_add(&b).ok_or_else(|| MoneyError::Overflow { operation: format!("{a} + {b}") }.into())
}

/// Outstanding value (what the business still owes) and breakage (what expired or was forfeited), per bucket, over
/// a set of accounts in one currency. Exact to the minor unit; reports of shards [`merge`](Self::merge) into the
/// report of their union, in any order.
///
/// ```
/// use customer_care::wallet::{LiabilityReport, StoredValueAccount};
/// use customer_care::{AccountId, Currency};
///
/// let mut a = LiabilityReport::new(Currency::VND);
/// a.add(&StoredValueAccount::new(AccountId::from_u128(1)?, Currency::VND))?;
/// let b = LiabilityReport::new(Currency::VND);
/// let all = a.merge(&b)?;
/// assert_eq!(all.accounts(), 1);
/// assert!(all.liability()?.is_zero());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Deserializing checks that every amount is in the report's currency and none is negative.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ReportRepr", into = "ReportRepr")]
pub struct LiabilityReport {
    currency: Currency,
    accounts: u64,
    principal_outstanding: Money,
    bonus_outstanding: Money,
    principal_breakage: Money,
    bonus_breakage: Money,
    refunded: Money,
}

#[derive(Serialize, Deserialize)]
struct ReportRepr {
    currency: Currency,
    accounts: u64,
    principal_outstanding: Money,
    bonus_outstanding: Money,
    principal_breakage: Money,
    bonus_breakage: Money,
    refunded: Money,
}

impl From<LiabilityReport> for ReportRepr {
    fn from(r: LiabilityReport) -> Self {
        Self {
            currency: r.currency,
            accounts: r.accounts,
            principal_outstanding: r.principal_outstanding,
            bonus_outstanding: r.bonus_outstanding,
            principal_breakage: r.principal_breakage,
            bonus_breakage: r.bonus_breakage,
            refunded: r.refunded,
        }
    }
}

impl TryFrom<ReportRepr> for LiabilityReport {
    type Error = WalletError;
    fn try_from(r: ReportRepr) -> Result<Self, WalletError> {
        let amounts =
            [r.principal_outstanding, r.bonus_outstanding, r.principal_breakage, r.bonus_breakage, r.refunded];
        for m in amounts {
            if m.currency() != r.currency {
                return Err(WalletError::CurrencyMismatch { expected: r.currency, found: m.currency() });
            }
            if m.is_negative() {
                return Err(WalletError::NonPositiveAmount { amount: m });
            }
        }
        Ok(Self {
            currency: r.currency,
            accounts: r.accounts,
            principal_outstanding: r.principal_outstanding,
            bonus_outstanding: r.bonus_outstanding,
            principal_breakage: r.principal_breakage,
            bonus_breakage: r.bonus_breakage,
            refunded: r.refunded,
        })
    }
}

impl LiabilityReport {
    /// An empty report in `currency`.
    pub fn new(currency: Currency) -> Self {
        let zero = Money::zero(currency);
        Self {
            currency,
            accounts: 0,
            principal_outstanding: zero,
            bonus_outstanding: zero,
            principal_breakage: zero,
            bonus_breakage: zero,
            refunded: zero,
        }
    }

    /// The report of `accounts`.
    ///
    /// # Errors
    ///
    /// As [`add`](Self::add).
    pub fn of<'a>(
        currency: Currency,
        accounts: impl IntoIterator<Item = &'a StoredValueAccount>,
    ) -> Result<Self, WalletError> {
        let mut report = Self::new(currency);
        for account in accounts {
            report.add(account)?;
        }
        Ok(report)
    }

    fn mismatch(&self, found: Currency) -> WalletError {
        WalletError::CurrencyMismatch { expected: self.currency, found }
    }

    /// Adds an account: its lots' available and held value is outstanding, their expired value is breakage, by
    /// bucket; principal paid back is counted as refunded.
    ///
    /// # Errors
    ///
    /// [`WalletError::CurrencyMismatch`], [`WalletError::Money`] on overflow. On error the report is unchanged.
    pub fn add(&mut self, account: &StoredValueAccount) -> Result<(), WalletError> {
        if account.currency() != self.currency {
            return Err(self.mismatch(account.currency()));
        }
        let mut next = self.clone();
        for lot in account.ledger().lots() {
            let outstanding = sum(*lot.remaining(), *lot.held())?;
            let (owed, broken) = match Bucket::of(lot.category()) {
                Bucket::Principal => (&mut next.principal_outstanding, &mut next.principal_breakage),
                Bucket::Bonus => (&mut next.bonus_outstanding, &mut next.bonus_breakage),
            };
            *owed = sum(*owed, outstanding)?;
            *broken = sum(*broken, *lot.expired())?;
            next.refunded = sum(next.refunded, *lot.clawed_back())?;
        }
        next.accounts = next.accounts.saturating_add(1);
        *self = next;
        Ok(())
    }

    /// The report of the union of two disjoint sets of accounts. Associative and commutative.
    ///
    /// # Errors
    ///
    /// [`WalletError::CurrencyMismatch`], [`WalletError::Money`] on overflow.
    pub fn merge(&self, other: &Self) -> Result<Self, WalletError> {
        if other.currency != self.currency {
            return Err(self.mismatch(other.currency));
        }
        Ok(Self {
            currency: self.currency,
            accounts: self.accounts.saturating_add(other.accounts),
            principal_outstanding: sum(self.principal_outstanding, other.principal_outstanding)?,
            bonus_outstanding: sum(self.bonus_outstanding, other.bonus_outstanding)?,
            principal_breakage: sum(self.principal_breakage, other.principal_breakage)?,
            bonus_breakage: sum(self.bonus_breakage, other.bonus_breakage)?,
            refunded: sum(self.refunded, other.refunded)?,
        })
    }

    /// The currency.
    pub const fn currency(&self) -> Currency {
        self.currency
    }

    /// How many accounts were added.
    pub const fn accounts(&self) -> u64 {
        self.accounts
    }

    /// Principal still owed (available and held).
    pub const fn principal_outstanding(&self) -> Money {
        self.principal_outstanding
    }

    /// Bonus still owed (available and held).
    pub const fn bonus_outstanding(&self) -> Money {
        self.bonus_outstanding
    }

    /// Principal that expired or was forfeited.
    pub const fn principal_breakage(&self) -> Money {
        self.principal_breakage
    }

    /// Bonus that expired or was forfeited.
    pub const fn bonus_breakage(&self) -> Money {
        self.bonus_breakage
    }

    /// Principal paid back to customers (top-up refunds, closing payouts).
    pub const fn refunded(&self) -> Money {
        self.refunded
    }

    /// Total outstanding: principal + bonus.
    ///
    /// # Errors
    ///
    /// [`WalletError::Money`] on overflow.
    pub fn liability(&self) -> Result<Money, WalletError> {
        sum(self.principal_outstanding, self.bonus_outstanding)
    }

    /// Total breakage: principal + bonus.
    ///
    /// # Errors
    ///
    /// [`WalletError::Money`] on overflow.
    pub fn breakage(&self) -> Result<Money, WalletError> {
        sum(self.principal_breakage, self.bonus_breakage)
    }
}
