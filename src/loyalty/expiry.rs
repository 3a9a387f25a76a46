//! When earned points expire: the policy, where its count starts, and the last usable day it gives.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::period::{Period, period_months, period_start};

/// When earned points expire. Dates are local dates in the program's zone; "usable through D" means the points
/// expire at the start of the day after D.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ExpiryPolicy {
    /// Points never expire.
    Never,
    /// Usable through the earn date plus `days`.
    RollingDays {
        /// Days, at least 1.
        days: u32,
    },
    /// Usable through the earn date plus `months`, clamped to the month's end (31 January + 1 month → 28 or 29
    /// February).
    RollingMonths {
        /// Months, at least 1.
        months: u32,
    },
    /// Usable through the end of the quarter or year `periods_after` periods after the one of the earn (0: the same
    /// period).
    EndOfPeriod {
        /// Quarter or year (month is accepted too).
        period: Period,
        /// Whole periods after the earn's period.
        periods_after: u32,
    },
    /// Usable through the next occurrence (on or after the earn date) of a fixed day of the year, such as 31
    /// December. 29 February falls back to 28 February in common years.
    FixedDate {
        /// Month, 1 to 12.
        month: u32,
        /// Day, 1 to the month's length.
        day: u32,
    },
    /// Lots carry no date; every available point expires when the account has been inactive (no earn,
    /// redemption, hold or capture) through the last activity's date plus `months`.
    Inactivity {
        /// Months, at least 1.
        months: u32,
    },
}

/// From when a purchase's expiry is counted, when the program has a pending period.
///
/// The anchors offer both: Voucherify and Talon.One can count the validity of pending points from the day they
/// become active. Counted from the earn, the expiry must leave the points spendable after the pending period, or
/// the program is refused ([`LoyaltyProgram::new`](crate::loyalty::LoyaltyProgram::new)).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ExpiryStart {
    /// From the purchase (the earn command's instant): the default, and what programs stored before the option
    /// mean.
    #[default]
    Earn,
    /// From the end of the pending period: a purchase's points are usable for the whole expiry period once active.
    Activation,
}

impl ExpiryStart {
    pub(super) fn is_earn(&self) -> bool {
        *self == Self::Earn
    }
}

/// The last local day points credited on `today` are usable (`None`: they never expire, or the date is out of
/// range).
pub(super) fn expiry_through(policy: &ExpiryPolicy, today: NaiveDate) -> Option<NaiveDate> {
    match *policy {
        ExpiryPolicy::Never | ExpiryPolicy::Inactivity { .. } => None,
        ExpiryPolicy::RollingDays { days } => today.checked_add_days(Days::new(u64::from(days))),
        ExpiryPolicy::RollingMonths { months } => today.checked_add_months(Months::new(months)),
        ExpiryPolicy::EndOfPeriod { period, periods_after } => {
            let start = period_start(today, period);
            let months = period_months(period).checked_mul(periods_after.checked_add(1)?)?;
            start.checked_add_months(Months::new(months))?.pred_opt()
        }
        ExpiryPolicy::FixedDate { month, day } => {
            let this_year = fixed_date(today.year(), month, day)?;
            if this_year >= today { Some(this_year) } else { fixed_date(today.year().checked_add(1)?, month, day) }
        }
    }
}

/// The fewest days from an earn date to the last day its points are usable, over every earn date (`None`: the
/// points never expire).
///
/// A fixed day of the year can be the earn date itself (0). Rolling months are shortest from a month's last day
/// (31 January + 1 month is 28 February) and whole periods from a period's last day, so for those it is enough to
/// try the last day of every month of one 400-year Gregorian cycle.
pub(super) fn shortest_expiry_days(policy: &ExpiryPolicy) -> Option<i64> {
    match *policy {
        ExpiryPolicy::Never | ExpiryPolicy::Inactivity { .. } => None,
        ExpiryPolicy::RollingDays { days } => Some(i64::from(days)),
        ExpiryPolicy::FixedDate { .. } => Some(0),
        ExpiryPolicy::RollingMonths { .. } | ExpiryPolicy::EndOfPeriod { .. } => {
            let first = NaiveDate::from_ymd_opt(2000, 1, 1)?;
            (1..=4800u32)
                .filter_map(|m| first.checked_add_months(Months::new(m))?.pred_opt())
                .filter_map(|last_day| Some((expiry_through(policy, last_day)? - last_day).num_days()))
                .min()
        }
    }
}

/// The policy in words, for the program's validation messages.
pub(super) fn describe_expiry(policy: &ExpiryPolicy) -> String {
    match *policy {
        ExpiryPolicy::RollingDays { days } => format!("of {days} days"),
        ExpiryPolicy::RollingMonths { months } => format!("of {months} months"),
        ExpiryPolicy::EndOfPeriod { period, periods_after } => {
            format!("at the end of the {period:?} {periods_after} periods after the earn's").to_lowercase()
        }
        ExpiryPolicy::FixedDate { month, day } => format!("on the fixed date {month}-{day}"),
        ExpiryPolicy::Never | ExpiryPolicy::Inactivity { .. } => format!("{policy:?}"),
    }
}

/// `month`-`day` of `year`, or the day before when it does not exist (29 February in a common year).
pub(super) fn fixed_date(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day).or_else(|| NaiveDate::from_ymd_opt(year, month, day.checked_sub(1)?))
}
