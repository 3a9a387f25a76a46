//! The points unit.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::ledger::Unit;

/// A whole number of loyalty points. Signed so adjustments and debt can be written down; the ledger never lets a
/// lot or a balance component go below zero.
///
/// ```
/// use customer_care::loyalty::Points;
///
/// let p: Points = "120".parse()?;
/// assert_eq!(p.checked_add(Points::new(30)), Some(Points::new(150)));
/// assert_eq!(p.to_string(), "120");
/// # Ok::<(), std::num::ParseIntError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Points(i64);

impl Points {
    /// No points.
    pub const ZERO: Self = Self(0);

    /// `n` points.
    pub const fn new(n: i64) -> Self {
        Self(n)
    }

    /// The number of points.
    pub const fn get(self) -> i64 {
        self.0
    }

    /// `self + rhs`, `None` on overflow.
    pub const fn checked_add(self, rhs: Self) -> Option<Self> {
        match self.0.checked_add(rhs.0) {
            Some(n) => Some(Self(n)),
            None => None,
        }
    }

    /// `self - rhs`, `None` on overflow.
    pub const fn checked_sub(self, rhs: Self) -> Option<Self> {
        match self.0.checked_sub(rhs.0) {
            Some(n) => Some(Self(n)),
            None => None,
        }
    }

    /// Whether greater than zero.
    pub const fn is_positive(self) -> bool {
        self.0 > 0
    }
}

impl fmt::Display for Points {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for Points {
    type Err = std::num::ParseIntError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(Self)
    }
}

impl Unit for Points {
    #[inline]
    fn zero_like(&self) -> Self {
        Self::ZERO
    }
    #[inline]
    fn is_compatible(&self, _: &Self) -> bool {
        true
    }
    #[inline]
    fn try_add(&self, other: &Self) -> Option<Self> {
        self.checked_add(*other)
    }
    #[inline]
    fn try_sub(&self, other: &Self) -> Option<Self> {
        self.checked_sub(*other)
    }
    #[inline]
    fn cmp_amount(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0)
    }
    #[inline]
    fn is_nil(&self) -> bool {
        self.0 == 0
    }
    #[inline]
    fn is_above_zero(&self) -> bool {
        self.0 > 0
    }
}

/// An exact, non-negative number of points: a reduced fraction `numerator / denominator`.
///
/// Earn is computed with these, so a rate of "1 point per 3.00 USD" gives a 3.00 USD order exactly one point
/// (`300 × 1/300`), and the fraction carried to the next earn is exact (`1/3`, not `0.333…`). Written as a decimal
/// when the denominator divides a power of ten (`"0.3"`, `"12"`, as stored before fractions existed) and as
/// `"numerator/denominator"` otherwise (`"1/3"`); both forms are read.
///
/// ```
/// use customer_care::loyalty::PointsFraction;
///
/// let third: PointsFraction = "1/3".parse()?;
/// assert_eq!((third.numerator(), third.denominator()), (1, 3));
/// let tenths: PointsFraction = "2.50".parse()?;
/// assert_eq!(tenths.to_string(), "2.5");
/// assert_eq!((tenths.whole(), tenths.fraction().to_string()), (2, "0.5".to_owned()));
/// assert_eq!("6/4".parse::<PointsFraction>()?.to_string(), "1.5");
/// assert_eq!("4/3".parse::<PointsFraction>()?.to_string(), "4/3");
/// assert!("-1".parse::<PointsFraction>().is_err() && "1/0".parse::<PointsFraction>().is_err());
/// # Ok::<(), customer_care::loyalty::InvalidFraction>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PointsFraction {
    numerator: u128,
    denominator: u128,
}

/// A text that is not a non-negative decimal or a fraction `n/d` with `d > 0`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid points fraction {input:?}: expected a non-negative decimal such as \"0.3\" or a fraction such as \"1/3\""
)]
pub struct InvalidFraction {
    /// The rejected text (at most 80 characters of it).
    pub input: String,
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// The least common multiple, `None` when it does not fit.
pub(crate) fn lcm(a: u128, b: u128) -> Option<u128> {
    let g = gcd(a, b);
    if g == 0 {
        return Some(0);
    }
    (a / g).checked_mul(b)
}

impl PointsFraction {
    /// Zero.
    pub const ZERO: Self = Self { numerator: 0, denominator: 1 };
    /// One.
    pub const ONE: Self = Self { numerator: 1, denominator: 1 };

    /// `numerator / denominator`, reduced; `None` when the denominator is zero.
    pub fn new(numerator: u128, denominator: u128) -> Option<Self> {
        if denominator == 0 {
            return None;
        }
        let g = gcd(numerator, denominator);
        Some(Self { numerator: numerator / g, denominator: denominator / g })
    }

    /// A whole number of points.
    pub const fn from_integer(n: u128) -> Self {
        Self { numerator: n, denominator: 1 }
    }

    /// A non-negative decimal, exactly (`0.25` is `1/4`); `None` when negative.
    pub fn from_decimal(d: Decimal) -> Option<Self> {
        if d.is_sign_negative() && !d.is_zero() {
            return None;
        }
        Self::new(d.mantissa().unsigned_abs(), 10u128.checked_pow(d.scale())?)
    }

    /// The numerator, in lowest terms.
    pub const fn numerator(self) -> u128 {
        self.numerator
    }

    /// The denominator, in lowest terms (at least 1).
    pub const fn denominator(self) -> u128 {
        self.denominator
    }

    /// The whole points (rounded down).
    pub const fn whole(self) -> u128 {
        self.numerator / self.denominator
    }

    /// What is left after the whole points, in [0, 1).
    pub const fn fraction(self) -> Self {
        // Reduced stays reduced: gcd(n mod d, d) = gcd(n, d) = 1.
        Self { numerator: self.numerator % self.denominator, denominator: self.denominator }
    }

    /// Whether zero.
    pub const fn is_zero(self) -> bool {
        self.numerator == 0
    }

    /// `self + rhs`, `None` when it does not fit 128 bits.
    pub fn checked_add(self, rhs: Self) -> Option<Self> {
        let g = gcd(self.denominator, rhs.denominator);
        let (a, b) = (self.denominator / g, rhs.denominator / g);
        let numerator = self.numerator.checked_mul(b)?.checked_add(rhs.numerator.checked_mul(a)?)?;
        Self::new(numerator, a.checked_mul(rhs.denominator)?)
    }

    /// `self × rhs`, `None` when it does not fit 128 bits. Cross-reduced first, so it fails only when the reduced
    /// result does not fit.
    pub fn checked_mul(self, rhs: Self) -> Option<Self> {
        let (g1, g2) = (gcd(self.numerator, rhs.denominator), gcd(rhs.numerator, self.denominator));
        let (g1, g2) = (g1.max(1), g2.max(1));
        let numerator = (self.numerator / g1).checked_mul(rhs.numerator / g2)?;
        let denominator = (self.denominator / g2).checked_mul(rhs.denominator / g1)?;
        Self::new(numerator, denominator)
    }

    /// The decimal of the same value, when the denominator divides a power of ten up to 10²⁸ (`1/8` is `0.125`)
    /// and it fits a [`Decimal`].
    fn as_decimal(self) -> Option<Decimal> {
        let (scale, power) = (0..=28).map(|s| (s, 10u128.pow(s))).find(|(_, p)| p.is_multiple_of(self.denominator))?;
        let mantissa = self.numerator.checked_mul(power / self.denominator)?;
        Decimal::try_from_i128_with_scale(i128::try_from(mantissa).ok()?, scale).ok()
    }
}

impl Default for PointsFraction {
    fn default() -> Self {
        Self::ZERO
    }
}

impl fmt::Display for PointsFraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.denominator == 1 {
            return fmt::Display::fmt(&self.numerator, f);
        }
        match self.as_decimal() {
            Some(d) => fmt::Display::fmt(&d, f),
            None => write!(f, "{}/{}", self.numerator, self.denominator),
        }
    }
}

impl fmt::Debug for PointsFraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PointsFraction({self})")
    }
}

impl FromStr for PointsFraction {
    type Err = InvalidFraction;
    fn from_str(s: &str) -> Result<Self, InvalidFraction> {
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        let parsed = match s.split_once('/') {
            None if digits(s) => s.parse().ok().map(Self::from_integer),
            Some((n, d)) => {
                if digits(n) && digits(d) {
                    n.parse().ok().zip(d.parse().ok()).and_then(|(n, d)| Self::new(n, d))
                } else {
                    None
                }
            }
            None => Decimal::from_str_exact(s).ok().and_then(Self::from_decimal),
        };
        parsed.ok_or_else(|| InvalidFraction { input: crate::text::excerpt(s) })
    }
}

impl TryFrom<String> for PointsFraction {
    type Error = InvalidFraction;
    fn try_from(value: String) -> Result<Self, InvalidFraction> {
        value.parse()
    }
}

impl From<PointsFraction> for String {
    fn from(f: PointsFraction) -> Self {
        f.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> PointsFraction {
        s.parse().unwrap()
    }

    #[test]
    fn reduces_and_writes_decimals_where_it_can() {
        assert_eq!(f("2/6"), PointsFraction::new(1, 3).unwrap());
        assert_eq!(f("0.30").to_string(), "0.3");
        assert_eq!(f("0").to_string(), "0");
        assert_eq!(f("0/7"), PointsFraction::ZERO);
        assert_eq!(f("3/1").to_string(), "3");
        assert_eq!(f("1/8").to_string(), "0.125");
        assert_eq!(f("1/3").to_string(), "1/3");
        assert_eq!(format!("{:?}", f("1/3")), "PointsFraction(1/3)");
        assert_eq!(f("0.3333333333333333333333333333").denominator(), 10u128.pow(28));
        let big = PointsFraction::new(u128::MAX, 1).unwrap();
        assert_eq!(big.to_string(), u128::MAX.to_string());
        assert_eq!(f(&u128::MAX.to_string()), big);
        for bad in ["", "-1", "-0.5", "1/0", "/3", "1/", "1/-3", "+1/3", "1.5/3", "a", "1/3/4"] {
            assert!(bad.parse::<PointsFraction>().is_err(), "{bad:?}");
        }
        assert!(PointsFraction::from_decimal(Decimal::NEGATIVE_ONE).is_none());
        assert_eq!(PointsFraction::from_decimal(-Decimal::ZERO), Some(PointsFraction::ZERO));
        assert_eq!(PointsFraction::default(), PointsFraction::ZERO);
        assert_eq!(serde_json::to_string(&f("1/3")).unwrap(), r#""1/3""#);
        assert_eq!(serde_json::from_str::<PointsFraction>(r#""0.9""#).unwrap(), f("9/10"));
        assert!(serde_json::from_str::<PointsFraction>(r#""-0.9""#).is_err());
    }

    #[test]
    fn arithmetic_is_exact_or_none() {
        assert_eq!(f("1/3").checked_add(f("1/6")), Some(f("1/2")));
        assert_eq!(f("1/3").checked_mul(f("3/4")), Some(f("1/4")));
        assert_eq!(f("0").checked_mul(f("3/4")), Some(PointsFraction::ZERO));
        assert_eq!(f("7/3").whole(), 2);
        assert_eq!(f("7/3").fraction(), f("1/3"));
        assert!(f("1/3").fraction().numerator() < 3 && !f("1/3").is_zero() && f("0").is_zero());
        let huge = PointsFraction::from_integer(u128::MAX);
        assert_eq!(huge.checked_add(PointsFraction::ONE), None);
        assert_eq!(huge.checked_mul(f("2")), None);
        // Cross-reduction: (2¹²⁷ / 3) × (3 / 2¹²⁷) = 1 without forming 2²⁵⁴.
        let (a, b) = (PointsFraction::new(1 << 127, 3).unwrap(), PointsFraction::new(3, 1 << 127).unwrap());
        assert_eq!(a.checked_mul(b), Some(PointsFraction::ONE));
        assert_eq!(
            PointsFraction::new(1, u128::MAX).unwrap().checked_add(PointsFraction::new(1, u128::MAX - 1).unwrap()),
            None
        );
        assert_eq!(lcm(4, 6), Some(12));
        assert_eq!(lcm(0, 6), Some(0));
        assert_eq!(lcm(u128::MAX, u128::MAX - 1), None);
    }
}
