//! An estimate's value with its interval, printed so that it does not mislead: `± m` only for a symmetric
//! interval.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::estimate::{Estimate, Interval};

/// A point estimate and its confidence interval, for reports ([`Estimate::with_interval`]).
///
/// `Display` prints `value [lower, upper]`, or `value ± margin` when the interval is symmetric about the value
/// at the printed precision (both sides print the same). An adjusted-Wald NPS of 40 with the interval
/// [−12.6, 74.1] prints `40.0 [-12.6, 74.1]`, never `40.0 ± 52.6`, which would claim a lower bound of −12.6 *and*
/// an upper one of 92.6. A precision (`{:.1}`) applies to every number; without one, numbers print in full.
///
/// ```
/// use customer_care::stats::{Interval, ValueWithInterval};
///
/// let asymmetric = ValueWithInterval::new(40.0, Interval::new(-12.6, 74.1)?);
/// assert_eq!(format!("{asymmetric:.1}"), "40.0 [-12.6, 74.1]");
/// let symmetric = ValueWithInterval::new(41.2, Interval::new(31.4, 51.0)?);
/// assert_eq!(format!("{symmetric:.1}"), "41.2 ± 9.8");
/// // Symmetric to the precision printed: 9.82 and 9.81 both print as 9.8.
/// let nearly = ValueWithInterval::new(41.2, Interval::new(31.38, 51.01)?);
/// assert_eq!(format!("{nearly:.1}"), "41.2 ± 9.8");
/// assert_eq!(format!("{nearly:.2}"), "41.20 [31.38, 51.01]");
/// # Ok::<(), customer_care::stats::StatsError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ValueWithInterval {
    /// The point estimate.
    pub value: f64,
    /// Its confidence interval.
    pub interval: Interval,
}

impl ValueWithInterval {
    /// A value and its interval.
    pub const fn new(value: f64, interval: Interval) -> Self {
        Self { value, interval }
    }
}

impl Estimate {
    /// The value and its interval, for printing: `40.0 [-12.6, 74.1]`, or `41.2 ± 9.8` when symmetric at the
    /// printed precision.
    ///
    /// ```
    /// use customer_care::metrics::NpsTally;
    /// use customer_care::stats::{ConfidenceLevel, NetMethod};
    ///
    /// let mut nps = NpsTally::default();
    /// nps.add_values(&[10, 9, 9, 8, 7, 7, 6, 4, 10, 9])?;
    /// let e = nps.nps(ConfidenceLevel::default(), NetMethod::AdjustedWald)?;
    /// // Ten answers: the adjusted-Wald interval is far from symmetric about 30.
    /// assert_eq!(format!("{:.1}", e.with_interval()), "30.0 [-19.1, 65.2]");
    /// # Ok::<(), customer_care::Error>(())
    /// ```
    pub const fn with_interval(&self) -> ValueWithInterval {
        ValueWithInterval { value: self.value(), interval: self.interval() }
    }
}

/// `x` at precision `p`, or in full.
fn number(x: f64, p: Option<usize>) -> String {
    match p {
        Some(p) => format!("{x:.p$}"),
        None => format!("{x}"),
    }
}

impl fmt::Display for ValueWithInterval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision();
        let below = number(self.value - self.interval.lower(), p);
        let above = number(self.interval.upper() - self.value, p);
        if below == above {
            write!(f, "{} ± {above}", number(self.value, p))
        } else {
            write!(
                f,
                "{} [{}, {}]",
                number(self.value, p),
                number(self.interval.lower(), p),
                number(self.interval.upper(), p)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(value: f64, lower: f64, upper: f64, p: Option<usize>) -> String {
        let v = ValueWithInterval::new(value, Interval::new(lower, upper).unwrap());
        match p {
            Some(p) => format!("{v:.p$}"),
            None => format!("{v}"),
        }
    }

    #[test]
    fn symmetric_only_when_both_sides_print_alike() {
        assert_eq!(shown(0.5, 0.25, 0.75, None), "0.5 ± 0.25");
        assert_eq!(shown(0.5, 0.25, 0.76, None), "0.5 [0.25, 0.76]");
        assert_eq!(shown(0.5, 0.25, 0.76, Some(0)), "0 ± 0");
        assert_eq!(shown(40.0, -12.6, 74.1, Some(0)), "40 [-13, 74]");
        assert_eq!(shown(40.0, -12.6, 74.1, Some(1)), "40.0 [-12.6, 74.1]");
        // An interval collapsed to its point.
        assert_eq!(shown(3.0, 3.0, 3.0, Some(1)), "3.0 ± 0.0");
        // A value at an end of its interval (extended to the estimate).
        assert_eq!(shown(1.0, 0.8, 1.0, Some(2)), "1.00 [0.80, 1.00]");
    }
}
