//! Calendar periods in the program's zone: caps per period, expiry at a period's end, tier reviews.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// A calendar period in the program's zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Period {
    /// A calendar month.
    Month,
    /// A calendar quarter.
    Quarter,
    /// A calendar year.
    Year,
}

pub(super) fn period_months(period: Period) -> u32 {
    match period {
        Period::Month => 1,
        Period::Quarter => 3,
        Period::Year => 12,
    }
}

/// The first day of the period containing `date`.
pub(crate) fn period_start(date: NaiveDate, period: Period) -> NaiveDate {
    let month = match period {
        Period::Month => date.month(),
        Period::Quarter => (date.month0() / 3) * 3 + 1,
        Period::Year => 1,
    };
    NaiveDate::from_ymd_opt(date.year(), month, 1).unwrap_or(date)
}

/// The first day of the period after the one starting at `start`.
pub(crate) fn next_period_start(start: NaiveDate, period: Period) -> Option<NaiveDate> {
    start.checked_add_months(Months::new(period_months(period)))
}
