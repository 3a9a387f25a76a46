//! Stored-value events, the facts a [`StoredValueAccount`](crate::wallet::StoredValueAccount) is folded from, and
//! the values they carry: lot categories and buckets, issue kinds, e-receipts.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::id::{HoldId, OrderId, PaymentRef};
use crate::ledger::{Allocation, Category, Credit, HoldPlacement, LotId, SettleFact, UpcomingExpiry};
use crate::money::Money;

/// The category of paid value (top-ups).
pub const PRINCIPAL: Category = Category::constant("principal");
/// The category of promotional value (top-up bonuses).
pub const BONUS: Category = Category::constant("bonus");
/// The category of gift-card value.
pub const GIFT_CARD: Category = Category::constant("gift_card");
/// The category of store credit.
pub const STORE_CREDIT: Category = Category::constant("store_credit");

/// The two buckets a customer sees: principal (paid: top-ups, gift cards, store credit) and bonus (promotional).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bucket {
    /// Paid value: [`PRINCIPAL`], [`GIFT_CARD`] and [`STORE_CREDIT`] lots.
    Principal,
    /// Promotional value: [`BONUS`] lots.
    Bonus,
}

impl Bucket {
    /// The bucket of a lot category.
    pub fn of(category: Category) -> Self {
        if category == BONUS { Self::Bonus } else { Self::Principal }
    }
}

impl fmt::Display for Bucket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Principal => "principal",
            Self::Bonus => "bonus",
        })
    }
}

/// What kind of value an issue credits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum IssueKind {
    /// Gift-card value (category [`GIFT_CARD`]).
    GiftCard,
    /// Store credit, for example instead of a cash refund (category [`STORE_CREDIT`]).
    StoreCredit,
}

impl IssueKind {
    /// The lot category its value is credited in.
    pub(super) const fn category(self) -> Category {
        match self {
            Self::GiftCard => GIFT_CARD,
            Self::StoreCredit => STORE_CREDIT,
        }
    }
}

/// A part of a debit, with its lot's category, as printed on a receipt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptLine {
    /// The lot.
    pub lot: LotId,
    /// Its category.
    pub category: Category,
    /// The amount taken from it.
    pub amount: Money,
}

/// The e-receipt of a debit (a spend or a capture): what a host puts in the customer's SMS or e-mail.
///
/// Customers read it rendered in their language, money and zone by
/// [`CarePolicy::render_receipt`](crate::care::CarePolicy::render_receipt) ("1.850.000 ₫ lúc 14:30 ngày
/// 05/03/2026"); `Display` is the plain form for logs and staff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The order paid.
    pub order: OrderId,
    /// When.
    pub at: DateTime<Utc>,
    /// The amount spent.
    pub amount: Money,
    /// Of which principal.
    pub from_principal: Money,
    /// Of which bonus.
    pub from_bonus: Money,
    /// Per lot, in spend order.
    pub lines: Vec<ReceiptLine>,
    /// Principal available after the debit.
    pub principal_available: Money,
    /// Bonus available after the debit.
    pub bonus_available: Money,
    /// Everything available after the debit.
    pub money_available: Money,
    /// The next expiry of available value after the debit, if any.
    pub next_expiry: Option<UpcomingExpiry<Money>>,
}

impl fmt::Display for Receipt {
    /// The plain form, for logs and staff: one fact per line, in English, instants in UTC, amounts as
    /// `1850000 VND`. Not for customers: render it with
    /// [`CarePolicy::render_receipt`](crate::care::CarePolicy::render_receipt).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "order {} at {}", self.order, self.at.format("%Y-%m-%d %H:%M UTC"))?;
        writeln!(f, "spent {} (principal {}, bonus {})", self.amount, self.from_principal, self.from_bonus)?;
        write!(
            f,
            "balance {} (principal {}, bonus {})",
            self.money_available, self.principal_available, self.bonus_available
        )?;
        if let Some(e) = &self.next_expiry {
            write!(f, "\n{} expires at {}", e.amount, e.expires_at.format("%Y-%m-%d %H:%M UTC"))?;
        }
        Ok(())
    }
}

/// A stored-value fact. Events carry everything needed to replay without the program.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum WalletEvent {
    /// A top-up was credited.
    ToppedUp {
        /// The payment.
        payment: PaymentRef,
        /// The principal lot.
        principal: Credit<Money>,
        /// The bonus lot, if the top-up reached a tier.
        bonus: Option<Credit<Money>>,
    },
    /// Gift-card value or store credit was credited.
    ValueIssued {
        /// Which.
        kind: IssueKind,
        /// Its reference.
        reference: PaymentRef,
        /// The lot.
        credit: Credit<Money>,
    },
    /// An order was paid from the balance.
    Spent {
        /// The order.
        order: OrderId,
        /// The lots used.
        allocations: Vec<Allocation<Money>>,
        /// The e-receipt.
        receipt: Receipt,
    },
    /// A hold was placed.
    HoldPlaced {
        /// What it reserved.
        placement: HoldPlacement<Money>,
    },
    /// Part or all of a hold was captured.
    HoldCaptured {
        /// The hold.
        hold: HoldId,
        /// Captured, per lot.
        captured: Vec<Allocation<Money>>,
        /// Released by a final capture, per lot.
        released: Vec<Allocation<Money>>,
        /// Whether the hold closed.
        closed: bool,
        /// The e-receipt.
        receipt: Receipt,
    },
    /// A hold was released by the host.
    HoldReleased {
        /// The hold.
        hold: HoldId,
        /// Released, per lot.
        released: Vec<Allocation<Money>>,
    },
    /// A hold reached its deadline.
    HoldExpired {
        /// The hold.
        hold: HoldId,
        /// Released, per lot.
        released: Vec<Allocation<Money>>,
    },
    /// A pending lot became spendable (the wallet credits no pending lots today).
    LotActivated {
        /// The lot.
        lot: LotId,
        /// Its amount.
        amount: Money,
    },
    /// A lot's unspent remainder expired (breakage).
    LotExpired {
        /// The lot.
        lot: LotId,
        /// The amount.
        amount: Money,
    },
    /// Debt was repaid (the wallet never incurs debt today).
    DebtRepaid {
        /// The lots used.
        allocations: Vec<Allocation<Money>>,
    },
    /// A spend was refunded.
    SpendRefunded {
        /// The order.
        order: OrderId,
        /// The amount refunded.
        amount: Money,
        /// Restored into the lots it was spent from.
        restored: Vec<Allocation<Money>>,
        /// Not restored because the lot had expired meanwhile (counted as breakage).
        forfeited: Vec<Allocation<Money>>,
    },
    /// Principal of a top-up was paid back to the customer.
    TopUpRefunded {
        /// The top-up.
        payment: PaymentRef,
        /// The principal paid back (the host pays it out).
        payout: Money,
        /// Taken from the principal lot.
        principal: Vec<Allocation<Money>>,
        /// Bonus forfeited in proportion (counted as breakage).
        bonus_forfeited: Vec<Allocation<Money>>,
        /// Bonus due for forfeit but already spent or held: reported, not recovered.
        bonus_unrecovered: Money,
    },
    /// The account was closed.
    AccountClosed {
        /// Remaining principal, for the host to pay out.
        payout: Money,
        /// Taken from the principal lots.
        paid_out: Vec<Allocation<Money>>,
        /// Remaining bonus, forfeited (counted as breakage).
        bonus_forfeited: Vec<Allocation<Money>>,
    },
}

impl WalletEvent {
    /// The event of a lot-engine settle fact.
    pub(super) fn from_settle(fact: SettleFact<Money>) -> Self {
        match fact {
            SettleFact::Activated { lot, amount } => Self::LotActivated { lot, amount },
            SettleFact::Expired { lot, amount } => Self::LotExpired { lot, amount },
            SettleFact::HoldExpired { hold, released } => Self::HoldExpired { hold, released },
            SettleFact::DebtRepaid { allocations } => Self::DebtRepaid { allocations },
        }
    }

    /// The e-receipt of a debit event.
    pub const fn receipt(&self) -> Option<&Receipt> {
        match self {
            Self::Spent { receipt, .. } | Self::HoldCaptured { receipt, .. } => Some(receipt),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_of_categories() {
        assert_eq!(Bucket::of(BONUS), Bucket::Bonus);
        assert_eq!(Bucket::of(GIFT_CARD), Bucket::Principal);
    }
}
