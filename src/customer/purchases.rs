//! Purchase history and the activity summary derived from it.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::error::CustomerError;
use crate::id::{OrderId, StoreId};
use crate::money::{Currency, Money, Rounding};

/// Where a sale happened.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SalesChannel {
    /// At a till in a store (the default).
    #[default]
    InStore,
    /// The host's web shop.
    Online,
    /// The host's mobile app.
    App,
    /// Ordered by phone.
    Phone,
    /// A third-party marketplace or delivery platform.
    Marketplace,
    /// Anything else.
    Other,
}

/// A purchase, as recorded: the body of [`CustomerCommand::RecordPurchase`](super::CustomerCommand) and of the
/// event it produces.
///
/// **Constraints** (checked when decided): `amount` positive; `purchased_at` not after the command's `issued_at`
/// (it may be earlier: an offline till syncing late); `order_id` not recorded before for this customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Purchase {
    /// The host's order or receipt reference.
    pub order_id: OrderId,
    /// The amount paid.
    pub amount: Money,
    /// When the sale happened.
    pub purchased_at: DateTime<Utc>,
    /// Where it happened.
    #[serde(default)]
    pub channel: SalesChannel,
    /// Which store, when the host has several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<StoreId>,
}

impl Purchase {
    /// An in-store purchase without a store id; set the public fields for more.
    pub const fn new(order_id: OrderId, amount: Money, purchased_at: DateTime<Utc>) -> Self {
        Self { order_id, amount, purchased_at, channel: SalesChannel::InStore, store: None }
    }
}

/// A refund of (part of) a recorded purchase.
///
/// **Constraints** (checked when decided): `amount` positive, in the order's currency, at most what is left of the
/// order after earlier refunds; `refunded_at` between the purchase and the command's `issued_at`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    /// The order refunded.
    pub order_id: OrderId,
    /// The amount given back.
    pub amount: Money,
    /// When.
    pub refunded_at: DateTime<Utc>,
}

/// A purchase in the history, with what has been refunded of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseEntry {
    /// The purchase.
    pub purchase: Purchase,
    /// Refunded so far.
    pub refunded: Money,
}

impl PurchaseEntry {
    /// The amount less refunds.
    pub fn net(&self) -> Money {
        self.purchase.amount.checked_sub(self.refunded).unwrap_or(self.purchase.amount)
    }

    /// Whether everything was refunded.
    pub fn is_fully_refunded(&self) -> bool {
        self.refunded == self.purchase.amount
    }
}

/// Running totals in one currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Totals {
    orders: u64,
    fully_refunded: u64,
    gross: Money,
    refunded: Money,
}

/// The purchase history: entries in recording order, indexed by order id, with running totals per currency.
///
/// Only the entries are serialized; the index and totals are rebuilt (and checked) when deserialized.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<PurchaseEntry>", into = "Vec<PurchaseEntry>")]
pub(crate) struct PurchaseHistory {
    entries: Vec<PurchaseEntry>,
    index: BTreeMap<OrderId, usize>,
    totals: BTreeMap<Currency, Totals>,
    first_at: Option<DateTime<Utc>>,
    last_at: Option<DateTime<Utc>>,
}

impl TryFrom<Vec<PurchaseEntry>> for PurchaseHistory {
    type Error = CustomerError;
    fn try_from(entries: Vec<PurchaseEntry>) -> Result<Self, CustomerError> {
        let mut history = Self::default();
        for entry in entries {
            history.check_purchase(&entry.purchase)?;
            history.push(&entry.purchase);
            if !entry.refunded.is_zero() {
                let refund = Refund {
                    order_id: entry.purchase.order_id.clone(),
                    amount: entry.refunded,
                    refunded_at: entry.purchase.purchased_at,
                };
                history.check_refund(&refund)?;
                history.refund(&refund);
            }
        }
        Ok(history)
    }
}

impl From<PurchaseHistory> for Vec<PurchaseEntry> {
    fn from(history: PurchaseHistory) -> Self {
        history.entries
    }
}

impl PurchaseHistory {
    pub(crate) fn entries(&self) -> &[PurchaseEntry] {
        &self.entries
    }

    pub(crate) fn get(&self, order_id: &OrderId) -> Option<&PurchaseEntry> {
        self.index.get(order_id).and_then(|&i| self.entries.get(i))
    }

    /// Checks that `purchase` can be added: new order id, positive amount, totals that do not overflow.
    pub(crate) fn check_purchase(&self, purchase: &Purchase) -> Result<(), CustomerError> {
        if !purchase.amount.is_positive() {
            return Err(CustomerError::NonPositiveAmount { amount: purchase.amount });
        }
        if self.index.contains_key(&purchase.order_id) {
            return Err(CustomerError::OrderAlreadyRecorded { order_id: purchase.order_id.clone() });
        }
        if let Some(t) = self.totals.get(&purchase.amount.currency()) {
            t.gross.checked_add(purchase.amount)?;
        }
        Ok(())
    }

    /// Checks that `refund` fits what is left of its order; returns the order's purchase time.
    pub(crate) fn check_refund(&self, refund: &Refund) -> Result<DateTime<Utc>, CustomerError> {
        if !refund.amount.is_positive() {
            return Err(CustomerError::NonPositiveAmount { amount: refund.amount });
        }
        let entry = self
            .get(&refund.order_id)
            .ok_or_else(|| CustomerError::OrderNotFound { order_id: refund.order_id.clone() })?;
        let refundable = entry.purchase.amount.checked_sub(entry.refunded)?;
        if refund.amount.checked_cmp(&refundable)?.is_gt() {
            return Err(CustomerError::RefundExceedsPurchase {
                order_id: refund.order_id.clone(),
                requested: refund.amount,
                refundable,
            });
        }
        Ok(entry.purchase.purchased_at)
    }

    /// Adds a purchase checked by [`check_purchase`](Self::check_purchase).
    pub(crate) fn push(&mut self, purchase: &Purchase) {
        let currency = purchase.amount.currency();
        let totals = self.totals.entry(currency).or_insert_with(|| Totals {
            orders: 0,
            fully_refunded: 0,
            gross: Money::zero(currency),
            refunded: Money::zero(currency),
        });
        totals.orders = totals.orders.saturating_add(1);
        // Checked when decided; a corrupt log keeps the old total rather than panicking.
        totals.gross = totals.gross.checked_add(purchase.amount).unwrap_or(totals.gross);
        self.first_at = Some(self.first_at.map_or(purchase.purchased_at, |t| t.min(purchase.purchased_at)));
        self.last_at = Some(self.last_at.map_or(purchase.purchased_at, |t| t.max(purchase.purchased_at)));
        self.index.insert(purchase.order_id.clone(), self.entries.len());
        self.entries.push(PurchaseEntry { purchase: purchase.clone(), refunded: Money::zero(currency) });
    }

    /// Records a refund checked by [`check_refund`](Self::check_refund).
    pub(crate) fn refund(&mut self, refund: &Refund) {
        let Some(entry) = self.index.get(&refund.order_id).and_then(|&i| self.entries.get_mut(i)) else { return };
        let Ok(refunded) = entry.refunded.checked_add(refund.amount) else { return };
        entry.refunded = refunded;
        let fully = entry.is_fully_refunded();
        if let Some(t) = self.totals.get_mut(&refund.amount.currency()) {
            t.refunded = t.refunded.checked_add(refund.amount).unwrap_or(t.refunded);
            if fully {
                t.fully_refunded = t.fully_refunded.saturating_add(1);
            }
        }
    }

    pub(crate) fn summary(&self, as_of: DateTime<Utc>) -> ActivitySummary {
        let spend = self
            .totals
            .iter()
            .map(|(&currency, t)| {
                let net = t.gross.checked_sub(t.refunded).unwrap_or(t.gross);
                CurrencySpend {
                    currency,
                    orders: t.orders,
                    fully_refunded_orders: t.fully_refunded,
                    gross: t.gross,
                    refunded: t.refunded,
                    net,
                    average_order_value: net.checked_div_int(t.orders, Rounding::HalfEven).unwrap_or(net),
                }
            })
            .collect();
        ActivitySummary {
            first_purchase_at: self.first_at,
            last_purchase_at: self.last_at,
            orders: self.entries.len() as u64,
            spend,
            since_last_purchase: self.last_at.map(|t| as_of - t),
        }
    }
}

/// What a customer has bought, as of an instant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivitySummary {
    /// Earliest purchase time.
    pub first_purchase_at: Option<DateTime<Utc>>,
    /// Latest purchase time.
    pub last_purchase_at: Option<DateTime<Utc>>,
    /// Orders recorded, in all currencies (refunded ones included).
    pub orders: u64,
    /// Spend per currency, in currency-code order.
    pub spend: Vec<CurrencySpend>,
    /// `as_of − last_purchase_at` (negative when `as_of` precedes the last purchase).
    pub since_last_purchase: Option<TimeDelta>,
}

/// Spend in one currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrencySpend {
    /// The currency.
    pub currency: Currency,
    /// Orders in this currency.
    pub orders: u64,
    /// Of which fully refunded.
    pub fully_refunded_orders: u64,
    /// Sum of order amounts.
    pub gross: Money,
    /// Sum of refunds.
    pub refunded: Money,
    /// `gross − refunded`.
    pub net: Money,
    /// `net ÷ orders`, rounded half-to-even to the minor unit.
    pub average_order_value: Money,
}
