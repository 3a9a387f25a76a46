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
mod tests;
