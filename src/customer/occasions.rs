//! The query that finds customers' yearly occasions in a date window: [`occasions_between`] and
//! [`Customer::occasions`].

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::aggregate::Customer;
use super::dates::{AnnualDate, LeapDayPolicy, OccasionKind, OccasionWindow};
use crate::id::CustomerId;

/// One occurrence of a yearly occasion.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Occasion {
    /// The local date it is observed on (after the leap-day policy).
    pub date: NaiveDate,
    /// Whose occasion.
    pub customer_id: CustomerId,
    /// Which occasion.
    pub kind: OccasionKind,
    /// Completed years (age, anniversary number) when the origin year is known.
    pub years: Option<u32>,
}

/// The occasions of `customers` that fall in `window`, in date order (then customer id, then kind).
///
/// Each customer's dates are observed in every year the window touches, so windows across 31 December work; in
/// common years 29 February follows `policy`. Occurrences in or before the year of origin are skipped (a wedding
/// is not its own anniversary). A membership anniversary is derived from the registration instant's local date
/// (in the customer's time zone, else the window's) unless one was set explicitly. Erased and unregistered
/// customers have no occasions.
///
/// ```
/// use customer_care::customer::{occasions_between, LeapDayPolicy, OccasionWindow};
/// use chrono::NaiveDate;
///
/// let window = OccasionWindow::new(
///     "2026-12-30".parse::<NaiveDate>()?,
///     "2027-01-02".parse::<NaiveDate>()?,
///     chrono_tz::Asia::Ho_Chi_Minh,
/// )?;
/// let customers: Vec<customer_care::customer::Customer> = Vec::new();
/// assert!(occasions_between(&customers, &window, LeapDayPolicy::February28).is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn occasions_between<'a>(
    customers: impl IntoIterator<Item = &'a Customer>,
    window: &OccasionWindow,
    policy: LeapDayPolicy,
) -> Vec<Occasion> {
    let mut found = Vec::new();
    for customer in customers {
        customer.occasions_into(window, policy, &mut found);
    }
    found.sort_unstable();
    found
}

impl Customer {
    /// This customer's occasions in `window`, in date order. See [`occasions_between`].
    pub fn occasions(&self, window: &OccasionWindow, policy: LeapDayPolicy) -> Vec<Occasion> {
        let mut found = Vec::new();
        self.occasions_into(window, policy, &mut found);
        found.sort_unstable();
        found
    }

    fn occasions_into(&self, window: &OccasionWindow, policy: LeapDayPolicy, out: &mut Vec<Occasion>) {
        if !self.is_active() {
            return;
        }
        let mut push = |kind: &OccasionKind, date: &AnnualDate| {
            for year in window.first().year()..=window.last().year() {
                let Some(observed) = date.observed_in(year, policy) else { continue };
                if !window.contains(observed) || date.year().is_some_and(|origin| year <= origin) {
                    continue;
                }
                out.push(Occasion {
                    date: observed,
                    customer_id: self.id(),
                    kind: kind.clone(),
                    years: date.years_in(year),
                });
            }
        };
        for (kind, date) in self.important_dates() {
            push(kind, date);
        }
        if !self.important_dates().contains_key(&OccasionKind::MembershipAnniversary)
            && let Some(registered_at) = self.registered_at()
        {
            let zone = self.preferences().time_zone().unwrap_or_else(|| window.zone());
            // A registration whose local date lies outside chrono's range has no anniversary to observe.
            if let Some(Ok(joined)) = crate::local_day::local_date(zone, registered_at).map(AnnualDate::from_date) {
                push(&OccasionKind::MembershipAnniversary, &joined);
            }
        }
    }
}
