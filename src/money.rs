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

use crate::text::excerpt;

/// Why a money value or operation was rejected.
#[derive(Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
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
    /// The amount cannot be held at the currency's scale: with the currency's decimal places its minor units would
    /// not fit a [`Decimal`] (96 bits, about ±7.9 × 10²⁸ minor units).
    #[error("{amount} {currency} does not fit at the {minor_units} decimal places of {currency}")]
    TooLarge {
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
    /// An amount in `currency`. Trailing zeros beyond the minor unit are accepted (`19.990` USD is `19.99`); the
    /// amount is held at exactly the currency's scale, never rounded.
    ///
    /// ```
    /// use customer_care::{Currency, Money, MoneyError};
    /// use rust_decimal::Decimal;
    ///
    /// assert_eq!(Money::new("19.990".parse()?, Currency::USD)?.minor_units(), 1999);
    /// // 1.005 USD is not rounded to 1.00 or 1.01.
    /// assert!(matches!(Money::new("1.005".parse()?, Currency::USD), Err(MoneyError::TooPrecise { .. })));
    /// // Decimal::MAX has no room for two decimal places.
    /// assert!(matches!(Money::new(Decimal::MAX, Currency::USD), Err(MoneyError::TooLarge { .. })));
    /// assert_eq!(Money::new(Decimal::MAX, Currency::VND)?.amount(), Decimal::MAX);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`MoneyError::TooPrecise`] when the amount is finer than the currency's minor unit (`0.001` USD, `0.5` VND);
    /// [`MoneyError::TooLarge`] when its minor units do not fit a [`Decimal`] (`Decimal::MAX` USD).
    pub fn new(amount: Decimal, currency: Currency) -> Result<Self, MoneyError> {
        let minor = u32::from(currency.minor_units);
        let normalized = amount.normalize();
        let Some(extra) = minor.checked_sub(normalized.scale()) else {
            return Err(MoneyError::TooPrecise { amount, currency, minor_units: currency.minor_units });
        };
        10i128
            .checked_pow(extra)
            .and_then(|factor| normalized.mantissa().checked_mul(factor))
            .and_then(|units| Self::from_units(units, currency))
            .ok_or(MoneyError::TooLarge { amount, currency, minor_units: currency.minor_units })
    }

    /// `units` minor units of `currency`, if they fit a [`Decimal`]'s 96-bit mantissa.
    fn from_units(units: i128, currency: Currency) -> Option<Self> {
        let amount = Decimal::try_from_i128_with_scale(units, u32::from(currency.minor_units)).ok()?;
        Some(Self { amount, currency })
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
        // In minor units: |units| < 2⁹⁶, so the i128 sum is exact; Decimal's own addition would drop a decimal place
        // to make room near the top of the range.
        self.minor_units()
            .checked_add(rhs.minor_units())
            .and_then(|units| Self::from_units(units, self.currency))
            .ok_or_else(|| MoneyError::Overflow { operation: format!("{self} + {rhs}") })
    }

    /// `self - rhs`.
    ///
    /// # Errors
    ///
    /// [`MoneyError::CurrencyMismatch`] or [`MoneyError::Overflow`].
    pub fn checked_sub(self, rhs: Self) -> Result<Self, MoneyError> {
        self.same_currency(&rhs)?;
        self.minor_units()
            .checked_sub(rhs.minor_units())
            .and_then(|units| Self::from_units(units, self.currency))
            .ok_or_else(|| MoneyError::Overflow { operation: format!("{self} - {rhs}") })
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
        // Exactly: units × mantissa ÷ 10^scale, rounded once. (Decimal's own product is itself rounded to 28
        // places, and rounding that again can go the wrong way: 0.01 × 0.4999…9 must round half-up to 0.00.)
        let units = self.minor_units();
        let negative = (units < 0) != factor.is_sign_negative();
        10u128
            .checked_pow(factor.scale())
            .and_then(|divisor| {
                let (q, r) = mul_div_rem(units.unsigned_abs(), factor.mantissa().unsigned_abs(), divisor)?;
                self.rounded(q, r, divisor, negative, rounding)
            })
            .ok_or_else(|| MoneyError::Overflow { operation: format!("{self} × {factor}") })
    }

    /// The money value of the quotient `q` (magnitude) and remainder `r` of a division by `divisor`, rounded in
    /// the named direction and given the sign; `None` when it does not fit.
    fn rounded(&self, q: u128, r: u128, divisor: u128, negative: bool, rounding: Rounding) -> Option<Self> {
        // 2r against the divisor, without overflow: r against divisor − r (r < divisor).
        let half = r.cmp(&(divisor - r));
        let away = r != 0
            && match rounding {
                Rounding::TowardZero => false,
                Rounding::AwayFromZero => true,
                Rounding::Floor => negative,
                Rounding::Ceiling => !negative,
                Rounding::HalfUp => half != Ordering::Less,
                Rounding::HalfDown => half == Ordering::Greater,
                Rounding::HalfEven => half == Ordering::Greater || (half == Ordering::Equal && !q.is_multiple_of(2)),
            };
        let magnitude = i128::try_from(if away { q.checked_add(1)? } else { q }).ok()?;
        Self::from_units(if negative { -magnitude } else { magnitude }, self.currency)
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
        let units = self.minor_units();
        let d = u128::from(divisor);
        let magnitude = units.unsigned_abs();
        self.rounded(magnitude / d, magnitude % d, d, units < 0, rounding)
            .ok_or_else(|| MoneyError::Overflow { operation: format!("{self} ÷ {divisor}") })
    }

    /// `self × numerator ÷ denominator`, exactly, rounded once in the named direction: the value of `numerator`
    /// points where `denominator` points are worth `self`. (Dividing first would round twice: at 30 points for
    /// 0.90 USD, 0.90 × 0.0333…3 is 0.0299…9, which floors to 0.02 instead of 0.03.)
    ///
    /// # Errors
    ///
    /// [`MoneyError::DivisionByZero`] when `denominator` is zero; [`MoneyError::Overflow`] when the result does not
    /// fit.
    pub(crate) fn checked_mul_ratio(
        self,
        numerator: i64,
        denominator: u64,
        rounding: Rounding,
    ) -> Result<Self, MoneyError> {
        if denominator == 0 {
            return Err(MoneyError::DivisionByZero { amount: self });
        }
        let units = self.minor_units();
        let negative = (units < 0) != (numerator < 0);
        let d = u128::from(denominator);
        mul_div_rem(units.unsigned_abs(), u128::from(numerator.unsigned_abs()), d)
            .and_then(|(q, r)| self.rounded(q, r, d, negative, rounding))
            .ok_or_else(|| MoneyError::Overflow { operation: format!("{self} × {numerator} ÷ {denominator}") })
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

/// `⌊a × b ÷ d⌋` and the remainder, through a 256-bit product; `None` when `d` is zero or the quotient does not fit
/// 128 bits.
pub(crate) fn mul_div_rem(a: u128, b: u128, d: u128) -> Option<(u128, u128)> {
    const LOW: u128 = u64::MAX as u128;
    if d == 0 {
        return None;
    }
    let (a1, a0, b1, b0) = (a >> 64, a & LOW, b >> 64, b & LOW);
    // Each partial product of 64-bit halves fits 128 bits; `mid` sums three values below 2⁶⁴.
    let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    let mid = (p00 >> 64) + (p01 & LOW) + (p10 & LOW);
    let lo = (p00 & LOW) | ((mid & LOW) << 64);
    let hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64); // The product is below 2²⁵⁶: no overflow.
    if hi == 0 {
        return Some((lo / d, lo % d));
    }
    if hi >= d {
        return None;
    }
    // Long division of hi·2¹²⁸ + lo by d, one bit of lo at a time; the remainder stays below d.
    let (mut q, mut r) = (0u128, hi);
    for bit in (0..128).rev() {
        let carry = r >> 127;
        r = (r << 1) | ((lo >> bit) & 1);
        if carry == 1 || r >= d {
            r = r.wrapping_sub(d);
            q |= 1 << bit;
        }
    }
    Some((q, r))
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

    /// The largest USD amount: 2⁹⁶ − 1 cents.
    fn max_usd() -> Money {
        Money::new(Decimal::from_i128_with_scale((1 << 96) - 1, 2), Currency::USD).unwrap()
    }

    #[test]
    fn amounts_that_cannot_take_the_currency_scale_are_rejected() {
        // Regression (issue 14): Decimal::MAX USD was accepted at scale 0, its minor units 100 times the amount.
        let too_large = MoneyError::TooLarge { amount: Decimal::MAX, currency: Currency::USD, minor_units: 2 };
        assert_eq!(Money::new(Decimal::MAX, Currency::USD), Err(too_large.clone()));
        assert_eq!(
            too_large.to_string(),
            "79228162514264337593543950335 USD does not fit at the 2 decimal places of USD"
        );
        assert_eq!(
            Money::new(Decimal::MIN, Currency::KWD),
            Err(MoneyError::TooLarge { amount: Decimal::MIN, currency: Currency::KWD, minor_units: 3 })
        );
        let json = format!(r#"{{"amount":"{}","currency":"USD"}}"#, Decimal::MAX);
        let err = serde_json::from_str::<Money>(&json).unwrap_err().to_string();
        assert!(err.contains("does not fit at the 2 decimal places of USD"), "{err}");
        assert!(format!("{} USD", Decimal::MAX).parse::<Money>().is_err());
        // The largest amounts that fit are held exactly, at the currency's scale.
        assert_eq!(max_usd().minor_units(), (1 << 96) - 1);
        assert_eq!(max_usd().amount().scale(), 2);
        assert_eq!(Money::new(Decimal::MAX, Currency::VND).unwrap().minor_units(), (1 << 96) - 1);
        // One decimal place less than the maximum still rescales.
        let tenth = Decimal::from_i128_with_scale(((1 << 96) - 1) / 10, 1);
        assert_eq!(Money::new(tenth, Currency::USD).unwrap().minor_units(), ((1 << 96) - 1) / 10 * 10);
        // Exact rescaling only: 1.005 USD is an error, not rounded; trailing zeros at any scale are fine.
        assert!(matches!(Money::new(Decimal::new(1005, 3), Currency::USD), Err(MoneyError::TooPrecise { .. })));
        let padded = Decimal::from_i128_with_scale(10i128.pow(27), 27);
        assert_eq!(Money::new(padded, Currency::KWD).unwrap(), m("1 KWD"));
    }

    #[test]
    fn arithmetic_near_the_top_of_the_range_is_exact_or_an_error() {
        // Regression (issue 14): Decimal's addition dropped a decimal place to make room (…503.4 USD).
        let (max, cent) = (max_usd(), m("0.01 USD"));
        assert!(matches!(max.checked_add(cent), Err(MoneyError::Overflow { .. })));
        assert!(matches!(max.negated().checked_sub(cent), Err(MoneyError::Overflow { .. })));
        assert_eq!(max.checked_sub(cent).unwrap().checked_add(cent).unwrap(), max);
        // Regression: a product past the range came back at scale 1 (871509787656907713528983453.7 USD).
        assert!(matches!(max.checked_mul(Decimal::new(11, 1), Rounding::Floor), Err(MoneyError::Overflow { .. })));
        assert_eq!(max.checked_mul(Decimal::ONE, Rounding::Floor).unwrap(), max);
        assert_eq!(max.checked_mul(Decimal::NEGATIVE_ONE, Rounding::Floor).unwrap(), max.negated());
        // A product of more than 128 bits whose rounded value fits: (2⁹⁶ − 1) × 0.5000000000000000000000000001
        // = 2⁹⁵ − 0.5 + 7.9228162514264337593543950335 = 2⁹⁵ + 7.42….
        let just_over_half = Decimal::from_i128_with_scale(5 * 10i128.pow(27) + 1, 28);
        assert_eq!(max.checked_mul(just_over_half, Rounding::Floor).unwrap().minor_units(), (1 << 95) + 7);
        assert_eq!(max.checked_mul(just_over_half, Rounding::Ceiling).unwrap().minor_units(), (1 << 95) + 8);
        assert_eq!(max.checked_mul(just_over_half, Rounding::HalfEven).unwrap().minor_units(), (1 << 95) + 7);
        assert!(matches!(max.checked_div_int(1, Rounding::Ceiling), Ok(x) if x == max));
    }

    #[test]
    fn multiplication_rounds_once() {
        // Regression (issue 14): 0.01 × 0.4999999999999999999999999999 = 0.004999… was first rounded by Decimal to
        // 0.005, then half-up to 0.01.
        let just_under_half = Decimal::from_i128_with_scale(5 * 10i128.pow(27) - 1, 28);
        assert_eq!(m("0.01 USD").checked_mul(just_under_half, Rounding::HalfUp).unwrap(), m("0 USD"));
        assert_eq!(m("0.01 USD").checked_mul(just_under_half, Rounding::Ceiling).unwrap(), m("0.01 USD"));
        assert_eq!(m("-0.01 USD").checked_mul(just_under_half, Rounding::HalfUp).unwrap(), m("0 USD"));
        assert_eq!(m("0.03 USD").checked_mul(Decimal::new(5, 1), Rounding::HalfEven).unwrap(), m("0.02 USD"));
        assert_eq!(m("0.05 USD").checked_mul(Decimal::new(5, 1), Rounding::HalfEven).unwrap(), m("0.02 USD"));
        assert_eq!(m("0.05 USD").checked_mul(Decimal::new(-5, 1), Rounding::HalfDown).unwrap(), m("-0.02 USD"));
        assert_eq!(m("0.05 USD").checked_mul(Decimal::new(-5, 1), Rounding::Ceiling).unwrap(), m("-0.02 USD"));
        assert_eq!(m("0.05 USD").checked_mul(Decimal::new(-5, 1), Rounding::Floor).unwrap(), m("-0.03 USD"));
    }

    /// `a × b` as eight 32-bit limbs, least significant first: schoolbook, independent of `mul_div_rem`.
    fn product_limbs(a: u128, b: u128) -> [u64; 8] {
        let limbs = |x: u128| [0, 32, 64, 96].map(|s| u64::try_from((x >> s) & 0xffff_ffff).unwrap());
        let (a, b) = (limbs(a), limbs(b));
        let mut out = [0u64; 8];
        for i in 0..4 {
            let mut carry = 0u64;
            for j in 0..4 {
                let t = out[i + j] + a[i] * b[j] + carry;
                out[i + j] = t & 0xffff_ffff;
                carry = t >> 32;
            }
            out[i + 4] += carry;
        }
        out
    }

    /// `q × d + r` as eight 32-bit limbs.
    fn recombined(q: u128, d: u128, r: u128) -> [u64; 8] {
        let mut out = product_limbs(q, d);
        let mut carry = r;
        for limb in &mut out {
            let t = u128::from(*limb) + (carry & 0xffff_ffff);
            *limb = u64::try_from(t & 0xffff_ffff).unwrap();
            carry = (carry >> 32) + (t >> 32);
        }
        out
    }

    #[test]
    fn wide_multiply_divide_known_values() {
        assert_eq!(mul_div_rem(u128::MAX, u128::MAX, u128::MAX), Some((u128::MAX, 0)));
        assert_eq!(mul_div_rem(u128::MAX, 2, 3), Some((u128::MAX / 3 * 2, 0)));
        assert_eq!(mul_div_rem(1 << 127, 4, 8), Some((1 << 126, 0)));
        assert_eq!(mul_div_rem(1 << 127, 2, 1), None);
        assert_eq!(mul_div_rem(1 << 127, 2, 2), Some((1 << 127, 0)));
        assert_eq!(mul_div_rem(7, 3, 0), None);
        assert_eq!(mul_div_rem(7, 3, 4), Some((5, 1)));
        assert_eq!(mul_div_rem(u128::MAX, 3, 1 << 127), Some((5, (1 << 127) - 3)));
    }

    proptest::proptest! {
        #[test]
        fn wide_multiply_divide_is_exact(a: u128, b: u128, d in 1u128.., small: bool) {
            let d = if small { d % 1_000_000 + 1 } else { d };
            match mul_div_rem(a, b, d) {
                Some((q, r)) => {
                    proptest::prop_assert!(r < d);
                    proptest::prop_assert_eq!(recombined(q, d, r), product_limbs(a, b));
                }
                // No 128-bit quotient: a × b ≥ 2¹²⁸ × d, that is (u128::MAX) × d + (d − 1) < a × b.
                None => {
                    let (bound, product) = (recombined(u128::MAX, d, d - 1), product_limbs(a, b));
                    proptest::prop_assert_eq!(product.iter().rev().cmp(bound.iter().rev()), Ordering::Greater);
                }
            }
        }
    }

    #[test]
    fn serde_is_a_string_amount_and_validates() {
        let json = serde_json::to_string(&m("19.90 USD")).unwrap();
        assert_eq!(json, r#"{"amount":"19.90","currency":"USD"}"#);
        assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m("19.9 USD"));
        assert!(serde_json::from_str::<Money>(r#"{"amount":"0.001","currency":"USD"}"#).is_err());
        assert!(serde_json::from_str::<Money>(r#"{"amount":"1","currency":"XAU"}"#).is_err());
    }
    #[test]
    fn roundings_name_their_decimal_strategy_and_minor_units_are_one_unit() {
        // Each direction, checked against Decimal's own rounding of ±2.5 and ±1.1 to whole units.
        let cases = [
            (Rounding::Floor, RoundingStrategy::ToNegativeInfinity, ["2", "-3", "1", "-2"]),
            (Rounding::Ceiling, RoundingStrategy::ToPositiveInfinity, ["3", "-2", "2", "-1"]),
            (Rounding::TowardZero, RoundingStrategy::ToZero, ["2", "-2", "1", "-1"]),
            (Rounding::AwayFromZero, RoundingStrategy::AwayFromZero, ["3", "-3", "2", "-2"]),
            (Rounding::HalfUp, RoundingStrategy::MidpointAwayFromZero, ["3", "-3", "1", "-1"]),
            (Rounding::HalfDown, RoundingStrategy::MidpointTowardZero, ["2", "-2", "1", "-1"]),
            (Rounding::HalfEven, RoundingStrategy::MidpointNearestEven, ["2", "-2", "1", "-1"]),
        ];
        for (rounding, strategy, expected) in cases {
            assert_eq!(rounding.strategy(), strategy, "{rounding:?}");
            let rounded = ["2.5", "-2.5", "1.1", "-1.1"]
                .map(|x| x.parse::<Decimal>().unwrap().round_dp_with_strategy(0, rounding.strategy()).to_string());
            assert_eq!(rounded, expected, "{rounding:?}");
        }
        assert_eq!(Currency::USD.minor_unit(), m("0.01 USD"));
        assert_eq!(Currency::VND.minor_unit(), m("1 VND"));
        assert_eq!(Currency::KWD.minor_unit().to_string(), "0.001 KWD");
    }

    #[test]
    fn amounts_are_plain_digits_even_where_decimal_would_accept_more() {
        // Decimal's parser skips underscores and takes a missing integer part; money text does not.
        assert_eq!("1_000".parse::<Decimal>().unwrap(), Decimal::new(1000, 0));
        assert_eq!(".5".parse::<Decimal>().unwrap(), Decimal::new(5, 1));
        for bad in ["1_000 USD", "1.0_0 USD", ".5 USD", "-.5 USD", "1._5 USD"] {
            assert_eq!(bad.parse::<Money>(), Err(MoneyError::InvalidSyntax { input: bad.into() }), "{bad:?}");
        }
        assert_eq!("+1.5 USD".parse::<Money>(), Ok(m("1.50 USD")));
        assert_eq!("-0.5 USD".parse::<Money>(), Ok(m("0.50 USD").negated()));
    }
    #[test]
    fn ratios_are_exact_and_rounded_once() {
        // 0.90 × 1 ÷ 30 is 0.03 exactly: no rounding direction moves it.
        for rounding in [Rounding::Floor, Rounding::Ceiling, Rounding::HalfEven, Rounding::AwayFromZero] {
            assert_eq!(m("0.90 USD").checked_mul_ratio(1, 30, rounding).unwrap(), m("0.03 USD"), "{rounding:?}");
        }
        // 1.00 × 2 ÷ 3 = 0.666…: down, up and to nearest; the sign goes with the numerator and the amount.
        let r = |amount: &str, n, d, rounding| m(amount).checked_mul_ratio(n, d, rounding).unwrap().to_string();
        assert_eq!(r("1 USD", 2, 3, Rounding::Floor), "0.66 USD");
        assert_eq!(r("1 USD", 2, 3, Rounding::Ceiling), "0.67 USD");
        assert_eq!(r("1 USD", 2, 3, Rounding::HalfDown), "0.67 USD");
        assert_eq!(r("1 USD", -2, 3, Rounding::Floor), "-0.67 USD");
        assert_eq!(r("-1 USD", 2, 3, Rounding::Ceiling), "-0.66 USD");
        assert_eq!(r("-1 USD", -2, 3, Rounding::Floor), "0.66 USD");
        // Halves: 0.05 × 1 ÷ 2 = 0.025.
        assert_eq!(r("0.05 USD", 1, 2, Rounding::HalfEven), "0.02 USD");
        assert_eq!(r("0.05 USD", 1, 2, Rounding::HalfUp), "0.03 USD");
        assert_eq!(r("0 USD", -5, 7, Rounding::AwayFromZero), "0.00 USD");
        // The product may exceed 128 bits on the way: (2⁹⁶ − 1) cents × i64::MAX ÷ i64::MAX.
        let max = i64::MAX.unsigned_abs();
        assert_eq!(max_usd().checked_mul_ratio(i64::MAX, max, Rounding::Floor).unwrap(), max_usd());
        assert_eq!(
            m("1 USD").checked_mul_ratio(1, 0, Rounding::Floor),
            Err(MoneyError::DivisionByZero { amount: m("1 USD") })
        );
        assert_eq!(
            max_usd().checked_mul_ratio(2, 1, Rounding::Floor),
            Err(MoneyError::Overflow { operation: format!("{} × 2 ÷ 1", max_usd()) })
        );
        assert!(max_usd().checked_mul_ratio(i64::MAX, 1, Rounding::Floor).is_err());
    }
}
