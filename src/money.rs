//! Currencies and money.
//!
//! [`Money`] is a [`Decimal`] amount in one ISO 4217 [`Currency`], never finer than the currency's minor unit
//! (VND and JPY have none, USD two, KWD three). Amounts are stored at exactly the currency's scale, so equal
//! amounts have one representation and serialize to the same bytes. Arithmetic is checked and never mixes
//! currencies; every rounding names its [`Rounding`] direction; [`Money::allocate`] splits an amount so the parts
//! add up to the whole, unit for unit.
//!
//! ```
//! use customer_care::{Currency, Money};
//!
//! let bill: Money = "100000 VND".parse()?;
//! let parts = bill.split(3)?;
//! assert_eq!(parts.iter().map(Money::to_string).collect::<Vec<_>>(), ["33334 VND", "33333 VND", "33333 VND"]);
//!
//! let price = Money::new("19.99".parse()?, Currency::USD)?;
//! assert_eq!(price.to_string(), "19.99 USD");
//! assert!(Money::new("0.001".parse()?, Currency::USD).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(clippy::float_arithmetic)]

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::id::excerpt;

/// Why a money value or operation was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum MoneyError {
    /// The amount has more decimal places than the currency's minor unit allows.
    #[error("{amount} has more than {minor_units} decimal places allowed for {currency}")]
    TooPrecise {
        /// The rejected amount.
        #[serde(with = "rust_decimal::serde::str")]
        amount: Decimal,
        /// The currency.
        currency: Currency,
        /// The currency's number of minor units.
        minor_units: u8,
    },
    /// Two amounts in different currencies met in one operation.
    #[error("currency mismatch: {left} and {right}")]
    CurrencyMismatch {
        /// The currency of the left operand.
        left: Currency,
        /// The currency of the right operand.
        right: Currency,
    },
    /// The result does not fit in a [`Decimal`] (about ±7.9 × 10²⁸).
    #[error("amount overflow in {operation}")]
    Overflow {
        /// The operation, with its operands.
        operation: String,
    },
    /// The code is not an ISO 4217 currency with defined minor units.
    #[error("unknown currency {code:?}: expected an ISO 4217 code with minor units, such as VND or USD")]
    UnknownCurrency {
        /// The rejected code (at most 80 characters of it).
        code: String,
    },
    /// The text is not `"<amount> <CODE>"`.
    #[error("invalid money syntax {input:?}: expected \"<amount> <CODE>\", such as \"120000 VND\" or \"19.99 USD\"")]
    InvalidSyntax {
        /// The rejected text (at most 80 characters of it).
        input: String,
    },
    /// Division by zero.
    #[error("cannot divide {amount} by zero")]
    DivisionByZero {
        /// The dividend.
        amount: Money,
    },
    /// Allocation weights were empty or all zero.
    #[error("cannot allocate {amount} by {parts} weights that sum to zero")]
    InvalidWeights {
        /// The amount to allocate.
        amount: Money,
        /// How many weights were given.
        parts: usize,
    },
}

/// A rounding direction, named wherever an amount is rounded to its currency's minor unit.
///
/// The names follow [`RoundingStrategy`] with the sign conventions spelled out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Rounding {
    /// Towards negative infinity (1.9 → 1, −1.1 → −2).
    Floor,
    /// Towards positive infinity (1.1 → 2, −1.9 → −1).
    Ceiling,
    /// Towards zero, truncating (1.9 → 1, −1.9 → −1).
    TowardZero,
    /// Away from zero (1.1 → 2, −1.1 → −2).
    AwayFromZero,
    /// To nearest, halves away from zero (2.5 → 3, −2.5 → −3): the commercial rounding on most receipts.
    HalfUp,
    /// To nearest, halves towards zero (2.5 → 2).
    HalfDown,
    /// To nearest, halves to the even neighbour (2.5 → 2, 3.5 → 4): banker's rounding, unbiased over many sums.
    HalfEven,
}

impl Rounding {
    /// The equivalent [`RoundingStrategy`].
    pub const fn strategy(self) -> RoundingStrategy {
        match self {
            Self::Floor => RoundingStrategy::ToNegativeInfinity,
            Self::Ceiling => RoundingStrategy::ToPositiveInfinity,
            Self::TowardZero => RoundingStrategy::ToZero,
            Self::AwayFromZero => RoundingStrategy::AwayFromZero,
            Self::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            Self::HalfDown => RoundingStrategy::MidpointTowardZero,
            Self::HalfEven => RoundingStrategy::MidpointNearestEven,
        }
    }
}

/// An ISO 4217 currency: its alphabetic code and number of minor units.
///
/// Built from the maintained ISO 4217 table of the `iso_currency` crate; codes without minor units (gold, SDR,
/// testing codes) are rejected. Serialized as its code (`"VND"`), validated on the way in.
///
/// ```
/// use customer_care::Currency;
///
/// let kwd: Currency = "KWD".parse()?;
/// assert_eq!(kwd.minor_units(), 3);
/// assert_eq!(Currency::VND.minor_units(), 0);
/// assert!("XAU".parse::<Currency>().is_err());
/// # Ok::<(), customer_care::MoneyError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency {
    code: [u8; 3],
    minor_units: u8,
}

macro_rules! currency_consts {
    ($($name:ident = $code:expr, $units:literal, $what:literal;)*) => {
        impl Currency {
            $(
                #[doc = concat!($what, " (", stringify!($name), ", ", stringify!($units), " minor units).")]
                pub const $name: Self = Self { code: $code, minor_units: $units };
            )*
        }
        #[cfg(test)]
        const ALL_CONSTS: &[Currency] = &[$(Currency::$name),*];
    };
}

currency_consts! {
    VND = *b"VND", 0, "Vietnamese đồng";
    USD = *b"USD", 2, "United States dollar";
    EUR = *b"EUR", 2, "Euro";
    GBP = *b"GBP", 2, "Pound sterling";
    JPY = *b"JPY", 0, "Japanese yen";
    KRW = *b"KRW", 0, "South Korean won";
    SGD = *b"SGD", 2, "Singapore dollar";
    THB = *b"THB", 2, "Thai baht";
    AUD = *b"AUD", 2, "Australian dollar";
    KWD = *b"KWD", 3, "Kuwaiti dinar";
}

impl Currency {
    /// Looks a code up in the ISO 4217 table. The code must be three upper-case ASCII letters.
    ///
    /// # Errors
    ///
    /// [`MoneyError::UnknownCurrency`] when the code is not in the table or has no minor units.
    pub fn from_code(code: &str) -> Result<Self, MoneyError> {
        let unknown = || MoneyError::UnknownCurrency { code: excerpt(code) };
        let bytes: [u8; 3] = code.as_bytes().try_into().map_err(|_| unknown())?;
        if !bytes.iter().all(u8::is_ascii_uppercase) {
            return Err(unknown());
        }
        let iso = iso_currency::Currency::from_code(code).ok_or_else(unknown)?;
        let minor_units = iso.exponent().and_then(|e| u8::try_from(e).ok()).ok_or_else(unknown)?;
        Ok(Self { code: bytes, minor_units })
    }

    /// The alphabetic code, such as `"VND"`.
    pub fn code(&self) -> &str {
        // The bytes were checked to be ASCII upper-case letters when built.
        std::str::from_utf8(&self.code).unwrap_or("XXX")
    }

    /// Number of digits after the decimal point in the smallest unit (VND 0, USD 2, KWD 3).
    pub const fn minor_units(&self) -> u8 {
        self.minor_units
    }

    /// The commonly used symbol ("₫", "$", "€"), or the code where the table has no specific symbol.
    pub fn symbol(&self) -> String {
        iso_currency::Currency::from_code(self.code())
            .map(|c| c.symbol().to_string())
            .filter(|s| !s.is_empty() && s != "¤")
            .unwrap_or_else(|| self.code().to_owned())
    }

    /// The smallest representable amount: 1 VND, 0.01 USD, 0.001 KWD.
    pub fn minor_unit(&self) -> Money {
        Money { amount: Decimal::new(1, u32::from(self.minor_units)), currency: *self }
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({})", self.code())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, MoneyError> {
        Self::from_code(s)
    }
}

impl TryFrom<String> for Currency {
    type Error = MoneyError;
    fn try_from(value: String) -> Result<Self, MoneyError> {
        Self::from_code(&value)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> Self {
        c.code().to_owned()
    }
}

/// An amount of money in one currency, never finer than the currency's minor unit.
///
/// Serialized as `{"amount": "19.99", "currency": "USD"}` (the amount as a string, never a float), and validated
/// when deserialized. There is deliberately no `Add`, `Sub` or `PartialOrd` impl: use [`checked_add`],
/// [`checked_sub`] and [`checked_cmp`], which refuse to mix currencies.
///
/// [`checked_add`]: Money::checked_add
/// [`checked_sub`]: Money::checked_sub
/// [`checked_cmp`]: Money::checked_cmp
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "MoneyRepr", into = "MoneyRepr")]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

#[derive(Serialize, Deserialize)]
struct MoneyRepr {
    #[serde(with = "rust_decimal::serde::str")]
    amount: Decimal,
    currency: Currency,
}

impl TryFrom<MoneyRepr> for Money {
    type Error = MoneyError;
    fn try_from(r: MoneyRepr) -> Result<Self, MoneyError> {
        Self::new(r.amount, r.currency)
    }
}

impl From<Money> for MoneyRepr {
    fn from(m: Money) -> Self {
        Self { amount: m.amount, currency: m.currency }
    }
}

impl Money {
    /// An amount in `currency`. Trailing zeros beyond the minor unit are accepted (`19.990` USD is `19.99`).
    ///
    /// # Errors
    ///
    /// [`MoneyError::TooPrecise`] when the amount is finer than the currency's minor unit (`0.001` USD, `0.5` VND).
    pub fn new(amount: Decimal, currency: Currency) -> Result<Self, MoneyError> {
        let minor = u32::from(currency.minor_units);
        if amount.normalize().scale() > minor {
            return Err(MoneyError::TooPrecise { amount, currency, minor_units: currency.minor_units });
        }
        let mut amount = amount;
        amount.rescale(minor);
        Ok(Self { amount, currency })
    }

    /// Zero in `currency`.
    pub fn zero(currency: Currency) -> Self {
        Self { amount: Decimal::new(0, u32::from(currency.minor_units)), currency }
    }

    /// An amount given in minor units: `from_minor(1999, USD)` is 19.99 USD, `from_minor(120000, VND)` 120,000 VND.
    pub fn from_minor(units: i64, currency: Currency) -> Self {
        Self { amount: Decimal::new(units, u32::from(currency.minor_units)), currency }
    }

    /// The amount in minor units (19.99 USD → 1999).
    pub fn minor_units(&self) -> i128 {
        self.amount.mantissa()
    }

    /// The decimal amount, at the currency's scale.
    pub const fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    pub const fn currency(&self) -> Currency {
        self.currency
    }

    /// Whether the amount is zero.
    pub fn is_zero(&self) -> bool {
        self.amount.is_zero()
    }

    /// Whether the amount is greater than zero.
    pub fn is_positive(&self) -> bool {
        self.amount.is_sign_positive() && !self.amount.is_zero()
    }

    /// Whether the amount is less than zero.
    pub fn is_negative(&self) -> bool {
        self.amount.is_sign_negative() && !self.amount.is_zero()
    }

    /// The absolute amount.
    pub fn abs(&self) -> Self {
        Self { amount: self.amount.abs(), currency: self.currency }
    }

    /// The amount with its sign flipped: a credit's reversal. Cannot overflow (the range is symmetric).
    pub fn negated(&self) -> Self {
        Self { amount: -self.amount, currency: self.currency }
    }

    fn same_currency(&self, other: &Self) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch { left: self.currency, right: other.currency })
        }
    }

    /// `self + rhs`.
    ///
    /// # Errors
    ///
    /// [`MoneyError::CurrencyMismatch`] or [`MoneyError::Overflow`].
    pub fn checked_add(self, rhs: Self) -> Result<Self, MoneyError> {
        self.same_currency(&rhs)?;
        let amount = self
            .amount
            .checked_add(rhs.amount)
            .ok_or_else(|| MoneyError::Overflow { operation: format!("{self} + {rhs}") })?;
        Ok(Self { amount, currency: self.currency })
    }

    /// `self - rhs`.
    ///
    /// # Errors
    ///
    /// [`MoneyError::CurrencyMismatch`] or [`MoneyError::Overflow`].
    pub fn checked_sub(self, rhs: Self) -> Result<Self, MoneyError> {
        self.same_currency(&rhs)?;
        let amount = self
            .amount
            .checked_sub(rhs.amount)
            .ok_or_else(|| MoneyError::Overflow { operation: format!("{self} - {rhs}") })?;
        Ok(Self { amount, currency: self.currency })
    }

    /// Compares two amounts of the same currency.
    ///
    /// # Errors
    ///
    /// [`MoneyError::CurrencyMismatch`].
    pub fn checked_cmp(&self, other: &Self) -> Result<Ordering, MoneyError> {
        self.same_currency(other)?;
        Ok(self.amount.cmp(&other.amount))
    }

    /// `self × factor`, rounded to the minor unit in the named direction: a discount, a bonus percentage
    /// (`factor = 0.10`), an exchange of points for money.
    ///
    /// ```
    /// use customer_care::{Currency, Money, Rounding};
    ///
    /// let price = Money::from_minor(1999, Currency::USD);
    /// assert_eq!(price.checked_mul("0.15".parse()?, Rounding::HalfUp)?.to_string(), "3.00 USD");
    /// assert_eq!(price.checked_mul("0.15".parse()?, Rounding::Floor)?.to_string(), "2.99 USD");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`].
    pub fn checked_mul(self, factor: Decimal, rounding: Rounding) -> Result<Self, MoneyError> {
        let overflow = || MoneyError::Overflow { operation: format!("{self} × {factor}") };
        let product = self.amount.checked_mul(factor).ok_or_else(overflow)?;
        let mut amount = product.round_dp_with_strategy(u32::from(self.currency.minor_units), rounding.strategy());
        amount.rescale(u32::from(self.currency.minor_units));
        Ok(Self { amount, currency: self.currency })
    }

    /// `self ÷ divisor`, exact in minor units and rounded in the named direction: an average order value, a
    /// per-visit price of a package.
    ///
    /// ```
    /// use customer_care::{Currency, Money, Rounding};
    ///
    /// let total = Money::from_minor(1000, Currency::USD);
    /// assert_eq!(total.checked_div_int(3, Rounding::HalfEven)?.to_string(), "3.33 USD");
    /// assert_eq!(total.checked_div_int(3, Rounding::Ceiling)?.to_string(), "3.34 USD");
    /// assert_eq!(Money::from_minor(5, Currency::VND).checked_div_int(2, Rounding::HalfEven)?.to_string(), "2 VND");
    /// # Ok::<(), customer_care::MoneyError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`MoneyError::DivisionByZero`].
    pub fn checked_div_int(self, divisor: u64, rounding: Rounding) -> Result<Self, MoneyError> {
        if divisor == 0 {
            return Err(MoneyError::DivisionByZero { amount: self });
        }
        let units = self.amount.mantissa();
        let d = i128::from(divisor);
        let (q, r) = (units / d, units % d); // |units| < 2⁹⁶: no overflow; q truncates toward zero.
        let away = if units < 0 { -1 } else { 1 };
        let twice = r.unsigned_abs() * 2;
        let d_abs = d.unsigned_abs();
        let round_away = r != 0
            && match rounding {
                Rounding::TowardZero => false,
                Rounding::AwayFromZero => true,
                Rounding::Floor => units < 0,
                Rounding::Ceiling => units > 0,
                Rounding::HalfUp => twice >= d_abs,
                Rounding::HalfDown => twice > d_abs,
                Rounding::HalfEven => twice > d_abs || (twice == d_abs && q % 2 != 0),
            };
        let q = if round_away { q + away } else { q };
        let amount = Decimal::try_from_i128_with_scale(q, u32::from(self.currency.minor_units))
            .map_err(|_| MoneyError::Overflow { operation: format!("{self} ÷ {divisor}") })?;
        Ok(Self { amount, currency: self.currency })
    }

    /// Splits into `parts` amounts as equal as the minor unit allows; the first parts take the extra units.
    ///
    /// # Errors
    ///
    /// [`MoneyError::InvalidWeights`] when `parts` is zero; [`MoneyError::Overflow`] as for
    /// [`allocate`](Self::allocate).
    pub fn split(self, parts: usize) -> Result<Vec<Self>, MoneyError> {
        self.allocate(&vec![1; parts])
    }

    /// Splits in proportion to integer `weights`, keeping the total to the unit.
    ///
    /// Method: largest remainder (Hamilton). Each part first gets `⌊units × wᵢ / Σw⌋` minor units; the units left
    /// over (fewer than the number of parts) go one each to the parts with the largest remainders, ties to the
    /// earlier part. A part with weight zero gets zero. A negative amount is split as its absolute value, then
    /// negated, so the parts mirror the positive split.
    ///
    /// ```
    /// use customer_care::{Currency, Money};
    ///
    /// let parts = Money::from_minor(1000, Currency::USD).allocate(&[1, 1, 1])?;
    /// assert_eq!(parts.iter().map(Money::to_string).collect::<Vec<_>>(), ["3.34 USD", "3.33 USD", "3.33 USD"]);
    /// let parts = Money::from_minor(100, Currency::VND).allocate(&[70, 20, 10, 0])?;
    /// assert_eq!(parts.iter().map(Money::minor_units).collect::<Vec<_>>(), [70, 20, 10, 0]);
    /// # Ok::<(), customer_care::MoneyError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`MoneyError::InvalidWeights`] when `weights` is empty or sums to zero; [`MoneyError::Overflow`] when
    /// `units × weight` exceeds 2¹²⁸.
    pub fn allocate(self, weights: &[u64]) -> Result<Vec<Self>, MoneyError> {
        let invalid = || MoneyError::InvalidWeights { amount: self, parts: weights.len() };
        let total_weight: u128 = weights.iter().map(|&w| u128::from(w)).sum();
        if total_weight == 0 {
            return Err(invalid());
        }
        let units = self.amount.mantissa();
        let magnitude = units.unsigned_abs();
        let overflow = || MoneyError::Overflow { operation: format!("allocate {self} by {weights:?}") };
        let mut shares = Vec::with_capacity(weights.len());
        let mut remainders = Vec::with_capacity(weights.len());
        let mut given: u128 = 0;
        for &w in weights {
            let product = magnitude.checked_mul(u128::from(w)).ok_or_else(overflow)?;
            let share = product / total_weight;
            shares.push(share);
            remainders.push(product % total_weight);
            given += share; // Σ shares ≤ magnitude: cannot overflow.
        }
        let mut leftover = magnitude - given;
        let mut order: Vec<usize> = (0..weights.len()).collect();
        order.sort_by(|&a, &b| remainders[b].cmp(&remainders[a]).then(a.cmp(&b)));
        for &i in &order {
            if leftover == 0 {
                break;
            }
            shares[i] += 1;
            leftover -= 1;
        }
        let scale = u32::from(self.currency.minor_units);
        shares
            .into_iter()
            .map(|share| {
                // Each share ≤ |units| < 2⁹⁶, so it fits the mantissa of a Decimal.
                let signed = i128::try_from(share).map_err(|_| overflow())?;
                let signed = if units < 0 { -signed } else { signed };
                let amount = Decimal::try_from_i128_with_scale(signed, scale).map_err(|_| overflow())?;
                Ok(Self { amount, currency: self.currency })
            })
            .collect()
    }
}

impl fmt::Display for Money {
    /// `"19.99 USD"`, `"120000 VND"`: the amount at the currency's scale, a space, the code.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

impl FromStr for Money {
    type Err = MoneyError;

    /// Parses `"<amount> <CODE>"`: an optional sign, digits, an optional fraction, one space, an ISO code.
    /// No thousands separators (they differ by locale: `120.000` is 120 thousand in Vietnam).
    fn from_str(s: &str) -> Result<Self, MoneyError> {
        let syntax = || MoneyError::InvalidSyntax { input: excerpt(s) };
        let (amount, code) = s.split_once(' ').ok_or_else(syntax)?;
        let digits = amount.strip_prefix(['-', '+']).unwrap_or(amount);
        let (int, frac) = digits.split_once('.').unwrap_or((digits, "0"));
        let plain = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        if !plain(int) || !plain(frac) {
            return Err(syntax());
        }
        let currency = Currency::from_code(code)?;
        let amount = Decimal::from_str_exact(amount).map_err(|_| syntax())?;
        Self::new(amount, currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    #[test]
    fn constants_match_the_iso_table() {
        for c in ALL_CONSTS {
            assert_eq!(Currency::from_code(c.code()).unwrap(), *c, "{c}");
        }
    }

    #[test]
    fn symbols() {
        assert_eq!(Currency::VND.symbol(), "₫");
        assert_eq!(Currency::USD.symbol(), "$");
        assert_eq!(Currency::EUR.symbol(), "€");
        assert_eq!(Currency::from_code("CLF").unwrap().symbol(), "CLF");
    }

    #[test]
    fn currency_validation() {
        assert_eq!(Currency::from_code("usd").unwrap_err(), MoneyError::UnknownCurrency { code: "usd".into() });
        assert!(Currency::from_code("US").is_err());
        assert!(Currency::from_code("XXX").is_err());
        assert!(Currency::from_code("ĐỒ").is_err());
        assert_eq!(Currency::from_code("CLF").unwrap().minor_units(), 4);
    }

    #[test]
    fn canonical_scale() {
        assert_eq!(m("19.9 USD").to_string(), "19.90 USD");
        assert_eq!(m("19.990 USD"), m("19.99 USD"));
        assert_eq!(m("120000 VND").to_string(), "120000 VND");
        assert_eq!(m("-5 KWD").to_string(), "-5.000 KWD");
        assert_eq!(m("19.99 USD").minor_units(), 1999);
        assert_eq!(
            Money::new(Decimal::new(1, 3), Currency::USD).unwrap_err().to_string(),
            "0.001 has more than 2 decimal places allowed for USD"
        );
        assert_eq!(
            "0.5 VND".parse::<Money>().unwrap_err(),
            MoneyError::TooPrecise { amount: Decimal::new(5, 1), currency: Currency::VND, minor_units: 0 }
        );
    }

    #[test]
    fn syntax_errors() {
        for bad in ["", "VND", "120000", "120,000 VND", "1.2.3 USD", "1e5 USD", " 1 USD", "1  USD", ". USD", "1. USD"] {
            assert!(bad.parse::<Money>().is_err(), "{bad:?}");
        }
        assert_eq!(
            "12 vnd".parse::<Money>().unwrap_err().to_string(),
            "unknown currency \"vnd\": expected an ISO 4217 code with minor units, such as VND or USD"
        );
        assert!("99999999999999999999999999999999 VND".parse::<Money>().is_err());
    }

    #[test]
    fn sign_predicates() {
        let (neg, zero, pos) = (m("-0.01 USD"), m("0 USD"), m("0.01 USD"));
        assert_eq!((neg.is_negative(), neg.is_zero(), neg.is_positive()), (true, false, false));
        assert_eq!((zero.is_negative(), zero.is_zero(), zero.is_positive()), (false, true, false));
        assert_eq!((pos.is_negative(), pos.is_zero(), pos.is_positive()), (false, false, true));
        // Decimal keeps a sign on zero: −0 is still zero, neither positive nor negative.
        let negative_zero = Money::new(Decimal::new(-0, 2), Currency::USD).unwrap().negated();
        assert_eq!(
            (negative_zero.is_negative(), negative_zero.is_zero(), negative_zero.is_positive()),
            (false, true, false)
        );
        assert_eq!(format!("{:?}", Currency::VND), "Currency(VND)");
    }

    #[test]
    fn arithmetic() {
        assert_eq!(m("1.10 USD").checked_add(m("2.05 USD")).unwrap(), m("3.15 USD"));
        assert_eq!(m("1.10 USD").checked_sub(m("2.05 USD")).unwrap(), m("-0.95 USD"));
        assert_eq!(m("1 USD").checked_add(m("1 VND")).unwrap_err().to_string(), "currency mismatch: USD and VND");
        let max = Money::new(Decimal::MAX, Currency::VND).unwrap();
        assert!(matches!(max.checked_add(m("1 VND")), Err(MoneyError::Overflow { .. })));
        assert_eq!(m("2 USD").checked_cmp(&m("1.99 USD")).unwrap(), Ordering::Greater);
        assert!(m("2 USD").checked_cmp(&m("2 EUR")).is_err());
        assert_eq!(m("-3 USD").abs(), m("3 USD"));
        assert_eq!(m("3 USD").negated(), m("-3 USD"));
    }

    #[test]
    fn multiplication_rounds_as_named() {
        let x = m("10.05 USD");
        let half = Decimal::new(5, 1);
        assert_eq!(x.checked_mul(half, Rounding::HalfUp).unwrap(), m("5.03 USD"));
        assert_eq!(x.checked_mul(half, Rounding::HalfEven).unwrap(), m("5.02 USD"));
        assert_eq!(x.checked_mul(half, Rounding::HalfDown).unwrap(), m("5.02 USD"));
        assert_eq!(x.checked_mul(half, Rounding::Floor).unwrap(), m("5.02 USD"));
        assert_eq!(x.checked_mul(half, Rounding::Ceiling).unwrap(), m("5.03 USD"));
        let y = m("-10.05 USD");
        assert_eq!(y.checked_mul(half, Rounding::Floor).unwrap(), m("-5.03 USD"));
        assert_eq!(y.checked_mul(half, Rounding::TowardZero).unwrap(), m("-5.02 USD"));
        assert_eq!(y.checked_mul(half, Rounding::AwayFromZero).unwrap(), m("-5.03 USD"));
        assert_eq!(y.checked_mul(half, Rounding::HalfUp).unwrap(), m("-5.03 USD"));
        assert_eq!(m("1000000 VND").checked_mul(Decimal::new(1, 1), Rounding::Floor).unwrap(), m("100000 VND"));
    }

    #[test]
    fn integer_division_rounds_as_named() {
        let cases = [
            ("7 VND", 2, Rounding::HalfEven, "4 VND"),
            ("5 VND", 2, Rounding::HalfEven, "2 VND"),
            ("5 VND", 2, Rounding::HalfUp, "3 VND"),
            ("5 VND", 2, Rounding::HalfDown, "2 VND"),
            ("-5 VND", 2, Rounding::HalfUp, "-3 VND"),
            ("-5 VND", 2, Rounding::Floor, "-3 VND"),
            ("-5 VND", 2, Rounding::Ceiling, "-2 VND"),
            ("-5 VND", 2, Rounding::TowardZero, "-2 VND"),
            ("-5 VND", 2, Rounding::AwayFromZero, "-3 VND"),
            ("10 VND", 3, Rounding::HalfEven, "3 VND"),
            ("11 VND", 3, Rounding::HalfEven, "4 VND"),
            ("6 VND", 3, Rounding::Ceiling, "2 VND"),
            ("7 VND", 2, Rounding::Ceiling, "4 VND"),
            ("7 VND", 2, Rounding::Floor, "3 VND"),
            ("7 VND", 3, Rounding::HalfDown, "2 VND"),
            ("8 VND", 3, Rounding::HalfDown, "3 VND"),
            ("7 VND", 3, Rounding::HalfUp, "2 VND"),
            ("7 VND", 3, Rounding::HalfEven, "2 VND"),
            ("0 VND", 3, Rounding::AwayFromZero, "0 VND"),
        ];
        for (amount, d, rounding, expected) in cases {
            assert_eq!(m(amount).checked_div_int(d, rounding).unwrap(), m(expected), "{amount} / {d} {rounding:?}");
        }
        assert_eq!(
            m("1 USD").checked_div_int(0, Rounding::Floor).unwrap_err().to_string(),
            "cannot divide 1.00 USD by zero"
        );
    }

    #[test]
    fn allocation_keeps_the_total() {
        let parts = m("100000 VND").split(3).unwrap();
        assert_eq!(parts, [m("33334 VND"), m("33333 VND"), m("33333 VND")]);
        let parts = m("-100000 VND").split(3).unwrap();
        assert_eq!(parts, [m("-33334 VND"), m("-33333 VND"), m("-33333 VND")]);
        // Largest remainder: 5 units by (1, 2, 2) → exact shares 1, 2, 2.
        assert_eq!(m("0.05 USD").allocate(&[1, 2, 2]).unwrap(), [m("0.01 USD"), m("0.02 USD"), m("0.02 USD")]);
        // 10 units by (1, 1, 4): shares 1.67, 1.67, 6.67 → 1, 1, 6 and two units to the largest remainders.
        assert_eq!(m("10 VND").allocate(&[1, 1, 4]).unwrap(), [m("2 VND"), m("2 VND"), m("6 VND")]);
        assert_eq!(m("1 VND").allocate(&[0, 5]).unwrap(), [m("0 VND"), m("1 VND")]);
        assert!(matches!(m("1 VND").allocate(&[]), Err(MoneyError::InvalidWeights { parts: 0, .. })));
        assert!(matches!(m("1 VND").allocate(&[0, 0]), Err(MoneyError::InvalidWeights { parts: 2, .. })));
        assert!(m("1 VND").split(0).is_err());
    }

    #[test]
    fn serde_is_a_string_amount_and_validates() {
        let json = serde_json::to_string(&m("19.90 USD")).unwrap();
        assert_eq!(json, r#"{"amount":"19.90","currency":"USD"}"#);
        assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m("19.9 USD"));
        assert!(serde_json::from_str::<Money>(r#"{"amount":"0.001","currency":"USD"}"#).is_err());
        assert!(serde_json::from_str::<Money>(r#"{"amount":"1","currency":"XAU"}"#).is_err());
    }
}
