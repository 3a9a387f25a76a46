//! The points unit.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

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
