//! Value types of the lot engine.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::id::{HoldId, OrderId};
use crate::money::Money;
use crate::text::excerpt;

/// What a ledger counts: integer points or money in one currency.
///
/// Implementations must be cheap to clone. All amounts of one ledger are *compatible* (same currency); the ledger
/// rejects incompatible credits and debits with [`LedgerError::UnitMismatch`](super::LedgerError::UnitMismatch), so
/// the other operations may assume it.
pub trait Unit: Clone + PartialEq + fmt::Debug + fmt::Display + Serialize + DeserializeOwned {
    /// The zero of the same kind as `self` (for money: in the same currency).
    fn zero_like(&self) -> Self;
    /// Whether two amounts can be added and compared (for money: the same currency).
    fn is_compatible(&self, other: &Self) -> bool;
    /// `self + other`, or `None` on overflow or incompatibility.
    fn try_add(&self, other: &Self) -> Option<Self>;
    /// `self - other` (may be negative), or `None` on overflow or incompatibility.
    fn try_sub(&self, other: &Self) -> Option<Self>;
    /// Compares two compatible amounts.
    fn cmp_amount(&self, other: &Self) -> Ordering;
    /// Whether the amount is zero.
    fn is_nil(&self) -> bool {
        self.cmp_amount(&self.zero_like()) == Ordering::Equal
    }
    /// Whether the amount is greater than zero.
    fn is_above_zero(&self) -> bool {
        self.cmp_amount(&self.zero_like()) == Ordering::Greater
    }
}

impl Unit for Money {
    fn zero_like(&self) -> Self {
        Self::zero(self.currency())
    }
    fn is_compatible(&self, other: &Self) -> bool {
        self.currency() == other.currency()
    }
    fn try_add(&self, other: &Self) -> Option<Self> {
        exact(self, other, self.checked_add(*other).ok()?)
    }
    fn try_sub(&self, other: &Self) -> Option<Self> {
        exact(self, other, self.checked_sub(*other).ok()?)
    }
    fn cmp_amount(&self, other: &Self) -> Ordering {
        self.amount().cmp(&other.amount())
    }
    fn is_nil(&self) -> bool {
        self.is_zero()
    }
    fn is_above_zero(&self) -> bool {
        self.is_positive()
    }
}

/// `result` if it kept the scale of both operands, `None` otherwise: past 2^96 − 1 minor units `Decimal` does not
/// fail but drops a digit of scale and rounds, which would lose a minor unit.
fn exact(a: &Money, b: &Money, result: Money) -> Option<Money> {
    let scale = a.amount().scale().max(b.amount().scale());
    (result.amount().scale() >= scale).then_some(result)
}

/// `a + b`, keeping `a` if the sum is not representable (never the case for facts a ledger planned).
pub(crate) fn plus<U: Unit>(a: &U, b: &U) -> U {
    a.try_add(b).unwrap_or_else(|| a.clone())
}

/// `a - b`, keeping `a` if the difference is not representable (never the case for facts a ledger planned).
pub(crate) fn minus<U: Unit>(a: &U, b: &U) -> U {
    a.try_sub(b).unwrap_or_else(|| a.clone())
}

/// The smaller of two compatible amounts.
pub(crate) fn smaller<U: Unit>(a: &U, b: &U) -> U {
    if a.cmp_amount(b) == Ordering::Greater { b.clone() } else { a.clone() }
}

/// The longest [`Category`] or [`Tag`], in bytes.
pub const LABEL_MAX: usize = 24;

/// A [`Category`] or [`Tag`] was not 1 to 24 ASCII letters, digits, `-`, `_`, `.` or `:`.
#[derive(Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("invalid label {input:?}: expected 1 to 24 ASCII letters, digits, '-', '_', '.' or ':'")]
pub struct LabelError {
    /// The rejected text (at most 80 characters of it).
    pub input: String,
}

pub(crate) const fn label_byte_ok(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':')
}

macro_rules! label {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name {
            len: u8,
            bytes: [u8; $crate::ledger::LABEL_MAX],
        }

        impl $name {
            /// Validates a label: 1 to 24 ASCII letters, digits, `-`, `_`, `.` or `:`. Kept inline, so it is `Copy`.
            ///
            /// # Errors
            ///
            /// [`LabelError`](crate::ledger::LabelError) naming the rejected text.
            pub fn new(text: &str) -> Result<Self, $crate::ledger::LabelError> {
                let raw = text.as_bytes();
                if raw.is_empty() || raw.len() > $crate::ledger::LABEL_MAX || !raw.iter().all(|&b| $crate::ledger::label_byte_ok(b)) {
                    return Err($crate::ledger::LabelError { input: $crate::text::excerpt(text) });
                }
                let mut bytes = [0u8; $crate::ledger::LABEL_MAX];
                for (slot, &b) in bytes.iter_mut().zip(raw) {
                    *slot = b;
                }
                // raw.len() ≤ 24, so it fits a u8.
                Ok(Self { len: raw.len() as u8, bytes })
            }

            /// A label from a literal, for constants.
            ///
            /// # Panics
            ///
            /// When `text` is not a valid label (at compile time in a `const`).
            pub const fn constant(text: &str) -> Self {
                let raw = text.as_bytes();
                assert!(!raw.is_empty() && raw.len() <= $crate::ledger::LABEL_MAX, "label must be 1 to 24 bytes");
                let mut bytes = [0u8; $crate::ledger::LABEL_MAX];
                let mut i = 0;
                while i < raw.len() {
                    assert!($crate::ledger::label_byte_ok(raw[i]), "label has a byte outside [A-Za-z0-9-_.:]");
                    bytes[i] = raw[i];
                    i += 1;
                }
                Self { len: raw.len() as u8, bytes }
            }

            fn text_bytes(&self) -> &[u8] {
                self.bytes.get(..usize::from(self.len)).unwrap_or_default()
            }

            /// The label text.
            pub fn as_str(&self) -> &str {
                std::str::from_utf8(self.text_bytes()).unwrap_or("")
            }
        }

        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Ord for $name {
            /// The order of the texts (bytewise, as `str` compares), without re-validating UTF-8.
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                self.text_bytes().cmp(other.text_bytes())
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(self.as_str(), f)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::ledger::LabelError;
            fn from_str(s: &str) -> Result<Self, $crate::ledger::LabelError> {
                Self::new(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::ledger::LabelError;
            fn try_from(s: String) -> Result<Self, $crate::ledger::LabelError> {
                Self::new(&s)
            }
        }

        impl From<$name> for String {
            fn from(l: $name) -> String {
                l.as_str().to_owned()
            }
        }
    };
}
pub(crate) use label;

label!(
    /// The kind of a lot: `"base"` and `"bonus"` points, `"principal"` and `"bonus"` stored value. Allocation policies
    /// can order debits by category ([`AllocationPolicy::CategoryOrder`]).
    ///
    /// ```
    /// use customer_care::ledger::Category;
    ///
    /// let c: Category = "bonus".parse()?;
    /// assert_eq!(c.as_str(), "bonus");
    /// assert!("two words".parse::<Category>().is_err());
    /// # Ok::<(), customer_care::ledger::LabelError>(())
    /// ```
    Category
);

label!(
    /// An item tag ("coffee", "merch"): earn rules per tag, and per-lot restrictions (a lot restricted to some tags
    /// pays only for purchases carrying one of them).
    Tag
);

/// Identifies a lot: the version of the commit that created it and the credit's position among that commit's
/// credits. Derived, never minted, so replay reproduces it; ordered by creation.
///
/// Written `"<version>.<index>"`.
///
/// ```
/// use customer_care::ledger::LotId;
///
/// let id: LotId = "12.0".parse()?;
/// assert_eq!(id, LotId::new(12, 0));
/// assert_eq!(id.to_string(), "12.0");
/// # Ok::<(), customer_care::ledger::ParseLotIdError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LotId {
    version: u64,
    index: u32,
}

impl LotId {
    /// The id of the `index`-th credit of the commit at `version`.
    pub const fn new(version: u64, index: u32) -> Self {
        Self { version, index }
    }

    /// The version of the commit that created the lot.
    pub const fn version(&self) -> u64 {
        self.version
    }

    /// The position of the credit among its commit's credits.
    pub const fn index(&self) -> u32 {
        self.index
    }
}

/// The text is not a [`LotId`] (`"<version>.<index>"`).
#[derive(Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("invalid lot id {input:?}: expected \"<version>.<index>\", such as \"12.0\"")]
pub struct ParseLotIdError {
    /// The rejected text (at most 80 characters of it).
    pub input: String,
}

impl fmt::Display for LotId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.version, self.index)
    }
}

impl FromStr for LotId {
    type Err = ParseLotIdError;
    fn from_str(s: &str) -> Result<Self, ParseLotIdError> {
        let err = || ParseLotIdError { input: excerpt(s) };
        let (v, i) = s.split_once('.').ok_or_else(err)?;
        let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        if !digits(v) || !digits(i) {
            return Err(err());
        }
        Ok(Self { version: v.parse().map_err(|_| err())?, index: i.parse().map_err(|_| err())? })
    }
}

impl TryFrom<String> for LotId {
    type Error = ParseLotIdError;
    fn try_from(s: String) -> Result<Self, ParseLotIdError> {
        s.parse()
    }
}

impl From<LotId> for String {
    fn from(id: LotId) -> Self {
        id.to_string()
    }
}

/// A line of an order (its line number on the receipt).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LineId(u32);

impl LineId {
    /// Line `n` of an order.
    pub const fn new(n: u32) -> Self {
        Self(n)
    }

    /// The line number.
    pub const fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for LineId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Where a lot came from: the order and its lines (empty for bonuses and adjustments).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// The order the lot was credited for.
    pub order: Option<OrderId>,
    /// The order lines it was credited for.
    pub lines: Vec<LineId>,
    /// For a lot re-created by a refund after the original lot expired: that original lot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restored_from: Option<LotId>,
}

/// An amount taken from (or given back to) one lot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation<U> {
    /// The lot.
    pub lot: LotId,
    /// How much.
    pub amount: U,
}

/// The fact of a credit: the lot it creates.
///
/// Constraints (checked by [`Ledger::validate_credit`](super::Ledger::validate_credit)):
/// - `amount` is positive and compatible with the ledger, and the credited total stays representable;
/// - `lot` is new;
/// - `expires_at`, when set, is after both the credit instant and `activates_at`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credit<U> {
    /// The new lot's id.
    pub lot: LotId,
    /// The amount credited.
    pub amount: U,
    /// The lot's category.
    pub category: Category,
    /// Where it came from.
    pub origin: Origin,
    /// Item tags the lot may pay for; empty means any purchase.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub restricted_to: Vec<Tag>,
    /// Pending until this instant (inclusive start of availability); `None` or not after the credit: active at once.
    pub activates_at: Option<DateTime<Utc>>,
    /// No longer spendable from this instant; `None`: never expires.
    pub expires_at: Option<DateTime<Utc>>,
}

/// The fact of a hold: the amount reserved and the lots it was taken from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldPlacement<U> {
    /// The hold.
    pub hold: HoldId,
    /// The amount reserved.
    pub amount: U,
    /// The lots reserved, in capture order.
    pub allocations: Vec<Allocation<U>>,
    /// Released automatically from this instant, if set.
    pub expires_at: Option<DateTime<Utc>>,
    /// The order the hold pays for.
    pub order: Option<OrderId>,
}

/// Where a hold stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum HoldStatus {
    /// Reserving lots.
    Open,
    /// Fully captured, or closed by a final capture.
    Captured,
    /// Released by the host.
    Released,
    /// Released at its deadline.
    Expired,
}

impl fmt::Display for HoldStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Open => "open",
            Self::Captured => "captured",
            Self::Released => "released",
            Self::Expired => "expired",
        })
    }
}

/// A hold: what it reserved and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hold<U> {
    pub(crate) id: HoldId,
    pub(crate) amount: U,
    pub(crate) held: Vec<Allocation<U>>,
    pub(crate) captured: U,
    pub(crate) released: U,
    pub(crate) placed_at: DateTime<Utc>,
    pub(crate) expires_at: Option<DateTime<Utc>>,
    pub(crate) order: Option<OrderId>,
    pub(crate) status: HoldStatus,
}

impl<U: Unit> Hold<U> {
    /// The hold id.
    pub const fn id(&self) -> HoldId {
        self.id
    }
    /// The amount reserved when placed.
    pub const fn amount(&self) -> &U {
        &self.amount
    }
    /// The amounts still reserved, per lot, in capture order.
    pub fn held(&self) -> &[Allocation<U>] {
        &self.held
    }
    /// The amount still reserved.
    pub fn held_total(&self) -> U {
        self.held.iter().fold(self.amount.zero_like(), |acc, a| plus(&acc, &a.amount))
    }
    /// The amount captured so far.
    pub const fn captured(&self) -> &U {
        &self.captured
    }
    /// The amount released (by the host, a final capture or expiry).
    pub const fn released(&self) -> &U {
        &self.released
    }
    /// When it was placed.
    pub const fn placed_at(&self) -> DateTime<Utc> {
        self.placed_at
    }
    /// When it expires, if ever.
    pub const fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.expires_at
    }
    /// The order it pays for.
    pub const fn order(&self) -> Option<&OrderId> {
        self.order.as_ref()
    }
    /// Its status.
    pub const fn status(&self) -> HoldStatus {
        self.status
    }
}

/// A lot: one credit and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lot<U> {
    pub(crate) id: LotId,
    pub(crate) category: Category,
    pub(crate) origin: Origin,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) restricted_to: Vec<Tag>,
    pub(crate) credited: U,
    pub(crate) credited_at: DateTime<Utc>,
    pub(crate) activates_at: Option<DateTime<Utc>>,
    pub(crate) expires_at: Option<DateTime<Utc>>,
    pub(crate) pending: bool,
    pub(crate) free: U,
    pub(crate) held: U,
    pub(crate) debited: U,
    pub(crate) expired: U,
    pub(crate) clawed_back: U,
}

impl<U: Unit> Lot<U> {
    /// The lot id.
    pub const fn id(&self) -> LotId {
        self.id
    }
    /// Its category.
    pub const fn category(&self) -> Category {
        self.category
    }
    /// Where it came from.
    pub const fn origin(&self) -> &Origin {
        &self.origin
    }
    /// Item tags it may pay for (empty: any).
    pub fn restricted_to(&self) -> &[Tag] {
        &self.restricted_to
    }
    /// The amount credited.
    pub const fn credited(&self) -> &U {
        &self.credited
    }
    /// When it was credited.
    pub const fn credited_at(&self) -> DateTime<Utc> {
        self.credited_at
    }
    /// When it becomes (or became) spendable, if it was created pending.
    pub const fn activates_at(&self) -> Option<DateTime<Utc>> {
        self.activates_at
    }
    /// When it expires, if ever.
    pub const fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.expires_at
    }
    /// Whether it is still pending.
    pub const fn is_pending(&self) -> bool {
        self.pending
    }
    /// The amount remaining and not held: available when active, pending otherwise.
    pub const fn remaining(&self) -> &U {
        &self.free
    }
    /// The amount reserved by holds.
    pub const fn held(&self) -> &U {
        &self.held
    }
    /// The amount debited (spent, captured).
    pub const fn debited(&self) -> &U {
        &self.debited
    }
    /// The amount that expired.
    pub const fn expired(&self) -> &U {
        &self.expired
    }
    /// The amount clawed back (returns, debt repayment).
    pub const fn clawed_back(&self) -> &U {
        &self.clawed_back
    }
    /// Whether it may pay for a purchase carrying `tags`.
    pub fn pays_for(&self, tags: &[Tag]) -> bool {
        self.restricted_to.is_empty() || self.restricted_to.iter().any(|t| tags.contains(t))
    }
}

/// Account-wide sums, kept up to date by every fact.
///
/// `credited = available + pending + held + debited + expired + clawed_back`. Liability (what the business still
/// owes) is `available + pending + held - debt`; breakage (what it will never owe) is `expired`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals<U> {
    /// Everything ever credited, including restorations.
    pub credited: U,
    /// Spendable now.
    pub available: U,
    /// Credited, not yet active.
    pub pending: U,
    /// Reserved by open holds.
    pub held: U,
    /// Spent and captured, net of refunds restored into their lots.
    pub debited: U,
    /// Expired (breakage), including refunds forfeited because their lot had expired.
    pub expired: U,
    /// Taken back by returns and debt repayment.
    pub clawed_back: U,
    /// Outstanding debt (a negative balance), zero unless allowed.
    pub debt: U,
    /// Debt ever incurred.
    pub debt_incurred: U,
    /// Debt ever repaid.
    pub debt_repaid: U,
}

impl<U: Unit> Totals<U> {
    pub(crate) fn zero(zero: &U) -> Self {
        Self {
            credited: zero.clone(),
            available: zero.clone(),
            pending: zero.clone(),
            held: zero.clone(),
            debited: zero.clone(),
            expired: zero.clone(),
            clawed_back: zero.clone(),
            debt: zero.clone(),
            debt_incurred: zero.clone(),
            debt_repaid: zero.clone(),
        }
    }

    /// What the business still owes: `available + pending + held - debt`.
    pub fn liability(&self) -> U {
        minus(&plus(&plus(&self.available, &self.pending), &self.held), &self.debt)
    }

    /// What expired unspent.
    pub fn breakage(&self) -> U {
        self.expired.clone()
    }
}

/// The order in which a debit or hold consumes lots. Ties are broken by lot id (creation order).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum AllocationPolicy {
    /// Soonest expiry first (lots that never expire last), then oldest, then lot id. The default: it minimises
    /// what the customer loses to expiry.
    #[default]
    SoonestExpiring,
    /// Oldest lot first.
    Fifo,
    /// Newest lot first.
    Lifo,
    /// The listed categories in order (soonest-expiring within each), then every other lot soonest-expiring.
    CategoryOrder {
        /// Categories, first used first.
        order: Vec<Category>,
    },
    /// Every lot of a category not listed first, all of them merged soonest-expiring (then oldest, by lot id);
    /// then the listed categories in order, soonest-expiring within each. Stored value's principal-first order is
    /// `CategoryLast { last: vec![BONUS] }`: a gift card expiring next week goes before a top-up that never expires.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use customer_care::ledger::{Allocation, AllocationPolicy, Category, Credit, Ledger, LotId, Origin};
    /// use customer_care::loyalty::Points;
    ///
    /// let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().ok_or("no such instant")?;
    /// let mut ledger = Ledger::new(Points::ZERO);
    /// let lots = [("base", None), ("bonus", Some(3)), ("gift", Some(7))];
    /// for (v, (category, days)) in (1..).zip(lots) {
    ///     let credit = Credit {
    ///         lot: LotId::new(v, 0),
    ///         amount: Points::new(10),
    ///         category: Category::new(category)?,
    ///         origin: Origin::default(),
    ///         restricted_to: Vec::new(),
    ///         activates_at: None,
    ///         expires_at: days.map(|d| t0 + chrono::Days::new(d)),
    ///     };
    ///     ledger.apply_credit(&credit, t0);
    /// }
    /// let policy = AllocationPolicy::CategoryLast { last: vec![Category::new("bonus")?] };
    /// let used = ledger.plan_debit(&Points::new(25), &policy, &[])?;
    /// let take = |v, n| Allocation { lot: LotId::new(v, 0), amount: Points::new(n) };
    /// assert_eq!(used, [take(3, 10), take(1, 10), take(2, 5)]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    CategoryLast {
        /// Categories used after every other, first listed first.
        last: Vec<Category>,
    },
    /// Only the listed lots, in the listed order.
    Explicit {
        /// The lots.
        lots: Vec<LotId>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_validate_and_round_trip() {
        assert_eq!(Category::new("bonus").unwrap().as_str(), "bonus");
        assert_eq!(Category::constant("base"), "base".parse().unwrap());
        for bad in ["", "two words", "é", &"x".repeat(25)] {
            assert!(Tag::new(bad).is_err(), "{bad:?}");
        }
        assert!(Tag::new(&"x".repeat(24)).is_ok());
        assert_eq!(
            Tag::new("a b").unwrap_err().to_string(),
            "invalid label \"a b\": expected 1 to 24 ASCII letters, digits, '-', '_', '.' or ':'"
        );
        let json = serde_json::to_string(&Tag::new("coffee").unwrap()).unwrap();
        assert_eq!(json, "\"coffee\"");
        assert!(serde_json::from_str::<Tag>("\"no way\"").is_err());
        assert!(Category::constant("a") < Category::constant("b"));
    }

    #[test]
    fn lot_ids_order_by_creation_and_parse() {
        assert!(LotId::new(2, 0) < LotId::new(10, 0));
        assert!(LotId::new(2, 1) > LotId::new(2, 0));
        assert_eq!("10.3".parse::<LotId>().unwrap(), LotId::new(10, 3));
        for bad in ["", "1", "1.", ".1", "a.1", "1.2.3", "-1.0", "99999999999999999999.0"] {
            assert!(bad.parse::<LotId>().is_err(), "{bad:?}");
        }
        let json = serde_json::to_string(&LotId::new(7, 1)).unwrap();
        assert_eq!(json, "\"7.1\"");
        assert_eq!(serde_json::from_str::<LotId>(&json).unwrap(), LotId::new(7, 1));
    }

    /// A unit that keeps the trait's own `is_nil` and `is_above_zero`.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    struct Plain(i64);

    impl fmt::Display for Plain {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "{}", self.0)
        }
    }

    impl Unit for Plain {
        fn zero_like(&self) -> Self {
            Self(0)
        }
        fn is_compatible(&self, _: &Self) -> bool {
            true
        }
        fn try_add(&self, other: &Self) -> Option<Self> {
            self.0.checked_add(other.0).map(Self)
        }
        fn try_sub(&self, other: &Self) -> Option<Self> {
            self.0.checked_sub(other.0).map(Self)
        }
        fn cmp_amount(&self, other: &Self) -> Ordering {
            self.0.cmp(&other.0)
        }
    }

    #[test]
    fn the_trait_defaults_compare_with_zero() {
        assert!(Plain(0).is_nil() && !Plain(1).is_nil() && !Plain(-1).is_nil());
        assert!(Plain(1).is_above_zero() && !Plain(0).is_above_zero() && !Plain(-1).is_above_zero());
        assert_eq!(plus(&Plain(2), &Plain(3)), Plain(5));
        assert_eq!(plus(&Plain(i64::MAX), &Plain(1)), Plain(i64::MAX));
        assert_eq!(minus(&Plain(2), &Plain(3)), Plain(-1));
        assert_eq!(minus(&Plain(i64::MIN), &Plain(1)), Plain(i64::MIN));
        assert_eq!(smaller(&Plain(2), &Plain(3)), Plain(2));
        assert_eq!(smaller(&Plain(3), &Plain(2)), Plain(2));
        assert_eq!(smaller(&Plain(2), &Plain(2)), Plain(2));
    }

    #[test]
    fn ids_statuses_and_lines_print() {
        let id = LotId::new(12, 3);
        assert_eq!((id.version(), id.index()), (12, 3));
        assert_eq!(String::from(id), "12.3");
        assert_eq!(LotId::try_from("12.3".to_owned()), Ok(id));
        assert!(LotId::try_from("12".to_owned()).is_err());
        let line = LineId::new(7);
        assert_eq!((line.get(), line.to_string()), (7, "7".to_owned()));
        let printed: Vec<String> = [HoldStatus::Open, HoldStatus::Captured, HoldStatus::Released, HoldStatus::Expired]
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(printed, ["open", "captured", "released", "expired"]);
        assert!(label_byte_ok(b'a') && label_byte_ok(b'Z') && label_byte_ok(b'0'));
        assert!(b"-_.:".iter().all(|b| label_byte_ok(*b)));
        assert!(b" /@\xE9".iter().all(|b| !label_byte_ok(*b)));
    }

    #[test]
    fn lots_and_holds_show_what_became_of_them() {
        use chrono::TimeZone;

        use crate::id::OrderId;
        use crate::ledger::Ledger;
        use crate::loyalty::Points;

        let t = |h| Utc.with_ymd_and_hms(2026, 1, 1, h, 0, 0).unwrap();
        let coffee = Tag::new("coffee").unwrap();
        let origin =
            Origin { order: Some(OrderId::new("O-1").unwrap()), lines: vec![LineId::new(2)], restored_from: None };
        let mut ledger = Ledger::new(Points::ZERO);
        let credit = Credit {
            lot: LotId::new(1, 0),
            amount: Points::new(10),
            category: Category::constant("gift"),
            origin: origin.clone(),
            restricted_to: vec![coffee],
            activates_at: Some(t(2)),
            expires_at: Some(t(9)),
        };
        ledger.apply_credit(&credit, t(1));
        let lot = ledger.lot(LotId::new(1, 0)).unwrap();
        assert_eq!(
            (lot.id(), lot.category(), lot.origin(), lot.restricted_to()),
            (LotId::new(1, 0), Category::constant("gift"), &origin, [coffee].as_slice())
        );
        assert_eq!(
            (lot.credited_at(), lot.activates_at(), lot.expires_at(), lot.is_pending()),
            (t(1), Some(t(2)), Some(t(9)), true)
        );
        assert!(lot.pays_for(&[coffee]) && !lot.pays_for(&[]) && !lot.pays_for(&[Tag::new("tea").unwrap()]));
        ledger.settle(t(2), &mut |_| {});
        let hold = HoldId::from_u128(5).unwrap();
        let placement = ledger
            .plan_hold(
                hold,
                &Points::new(4),
                &AllocationPolicy::Fifo,
                &[coffee],
                Some(t(8)),
                Some(OrderId::new("O-2").unwrap()),
                t(3),
            )
            .unwrap();
        ledger.apply_hold(&placement, t(3));
        let (captured, released) = ledger.plan_capture(hold, &Points::new(1), false).unwrap();
        ledger.apply_capture(hold, &captured, &released, false);
        ledger.apply_debit(&[Allocation { lot: LotId::new(1, 0), amount: Points::new(2) }]);
        ledger.apply_clawback(&[Allocation { lot: LotId::new(1, 0), amount: Points::new(1) }]);
        ledger.apply_expiry(LotId::new(1, 0), &Points::new(1));
        let lot = ledger.lot(LotId::new(1, 0)).unwrap();
        assert!(!lot.is_pending());
        let parts = [lot.credited(), lot.remaining(), lot.held(), lot.debited(), lot.expired(), lot.clawed_back()];
        assert_eq!(parts.map(|p| p.get()), [10, 2, 3, 3, 1, 1]);
        let h = ledger.hold(hold).unwrap();
        assert_eq!(
            (h.id(), *h.amount(), h.held(), h.held_total()),
            (
                hold,
                Points::new(4),
                [Allocation { lot: LotId::new(1, 0), amount: Points::new(3) }].as_slice(),
                Points::new(3)
            )
        );
        assert_eq!(
            (*h.captured(), *h.released(), h.placed_at(), h.expires_at()),
            (Points::new(1), Points::ZERO, t(3), Some(t(8)))
        );
        assert_eq!((h.order().map(OrderId::as_str), h.status()), (Some("O-2"), HoldStatus::Open));
        let totals = ledger.totals();
        assert_eq!((totals.liability(), totals.breakage()), (Points::new(5), Points::new(1)));
        ledger.check_invariants().unwrap();
    }

    #[test]
    fn money_is_a_unit() {
        let usd = |m| Money::from_minor(m, crate::money::Currency::USD);
        let vnd = Money::from_minor(1, crate::money::Currency::VND);
        assert!(!usd(1).is_compatible(&vnd));
        assert_eq!(usd(1).try_add(&vnd), None);
        assert_eq!(usd(150).try_sub(&usd(200)), Some(usd(-50)));
        assert!(usd(1).is_above_zero() && usd(0).is_nil());
        // Past 2^96 − 1 cents `Decimal` would drop a digit of scale and round: not a sum, and not a difference.
        let cents =
            |m: i128| Money::new(rust_decimal::Decimal::from_i128_with_scale(m, 2), crate::money::Currency::USD);
        let half = cents(50_000_000_000_000_000_000_000_000_001).unwrap();
        assert_eq!(half.try_add(&half), None);
        assert_eq!(half.try_sub(&half.negated()), None);
        assert_eq!(half.try_sub(&half), Some(usd(0)));
        let max = cents(79_228_162_514_264_337_593_543_950_335).unwrap();
        assert_eq!(max.try_sub(&usd(1)).map(|m| m.minor_units()), Some(79_228_162_514_264_337_593_543_950_334));
        assert_eq!(usd(-1).try_add(&max).map(|m| m.minor_units()), Some(79_228_162_514_264_337_593_543_950_334));
        assert_eq!(smaller(&usd(3), &usd(2)), usd(2));
        assert_eq!(smaller(&usd(2), &usd(3)), usd(2));
        assert_eq!(usd(5).zero_like(), usd(0));
        assert!(usd(1).is_compatible(&usd(2)));
        assert_eq!(usd(1).cmp_amount(&usd(2)), Ordering::Less);
        assert_eq!(usd(2).cmp_amount(&usd(2)), Ordering::Equal);
        assert!(!usd(1).is_nil() && !usd(-1).is_above_zero() && !usd(0).is_above_zero());
        assert_eq!(usd(1).try_add(&usd(2)), Some(usd(3)));
    }
    #[test]
    fn lot_ids_are_plain_digits_on_both_sides() {
        // `u64::from_str` takes a leading `+`; a lot id does not, on either side of the dot.
        for bad in ["+1.0", "1.+0", "+1.+0", "1.0 ", " 1.0"] {
            assert_eq!(bad.parse::<LotId>(), Err(ParseLotIdError { input: bad.into() }), "{bad:?}");
        }
        assert_eq!("0.4294967295".parse::<LotId>(), Ok(LotId::new(0, u32::MAX)));
        assert!("0.4294967296".parse::<LotId>().is_err());
    }
}
