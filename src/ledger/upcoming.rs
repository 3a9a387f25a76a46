//! When an upcoming expiry is, as a customer says it: the last local date the amount can be used.

use chrono::NaiveDate;
use chrono_tz::Tz;

use super::engine::UpcomingExpiry;
use crate::local_day::last_usable_date;

impl<U> UpcomingExpiry<U> {
    /// The last local date in `zone` on which the amount can still be used: the date of the last instant before
    /// [`expires_at`](Self::expires_at). Points that expire at the start of 6 March local time were usable through
    /// 5 March, so a message says "use by 05/03/2027", never the instant after the last usable day.
    ///
    /// `None` only where that date lies outside chrono's range (within a day of its ends).
    ///
    /// ```
    /// use chrono::{NaiveDate, TimeZone, Utc};
    /// use customer_care::ledger::UpcomingExpiry;
    /// use customer_care::loyalty::Points;
    ///
    /// // Midnight starting 6 March 2027 in Ho Chi Minh City (UTC+7) is 17:00 UTC on 5 March.
    /// let expires_at = Utc.with_ymd_and_hms(2027, 3, 5, 17, 0, 0).single().ok_or("no such instant")?;
    /// let expiry = UpcomingExpiry { expires_at, amount: Points::new(200) };
    /// assert_eq!(expiry.last_usable_date(chrono_tz::Asia::Ho_Chi_Minh), NaiveDate::from_ymd_opt(2027, 3, 5));
    /// // The same instant is 12:00 on 5 March in New York, a day that is then usable until noon.
    /// assert_eq!(expiry.last_usable_date(chrono_tz::America::New_York), NaiveDate::from_ymd_opt(2027, 3, 5));
    /// assert_eq!(expiry.last_usable_date(chrono_tz::UTC), NaiveDate::from_ymd_opt(2027, 3, 5));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn last_usable_date(&self, zone: Tz) -> Option<NaiveDate> {
        last_usable_date(zone, self.expires_at)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeDelta, TimeZone, Utc};

    use super::*;
    use crate::loyalty::Points;

    fn expiry(expires_at: DateTime<Utc>) -> UpcomingExpiry<Points> {
        UpcomingExpiry { expires_at, amount: Points::new(1) }
    }

    #[test]
    fn the_day_before_a_local_midnight_and_the_ends_of_time() {
        let hcm = chrono_tz::Asia::Ho_Chi_Minh;
        let la = chrono_tz::America::Los_Angeles;
        // Local midnight starting 6 March in HCM: usable through 5 March; one nanosecond later, through 6 March.
        let midnight = Utc.with_ymd_and_hms(2027, 3, 5, 17, 0, 0).unwrap();
        assert_eq!(expiry(midnight).last_usable_date(hcm), NaiveDate::from_ymd_opt(2027, 3, 5));
        let later = midnight + TimeDelta::nanoseconds(1);
        assert_eq!(expiry(later).last_usable_date(hcm), NaiveDate::from_ymd_opt(2027, 3, 6));
        // No instant before MIN_UTC; local dates beyond chrono's range are None, not a panic.
        assert_eq!(expiry(DateTime::<Utc>::MIN_UTC).last_usable_date(hcm), None);
        assert_eq!(expiry(DateTime::<Utc>::MIN_UTC + TimeDelta::hours(1)).last_usable_date(la), None);
        assert_eq!(expiry(DateTime::<Utc>::MAX_UTC).last_usable_date(hcm), None);
        assert_eq!(expiry(DateTime::<Utc>::MAX_UTC).last_usable_date(la), Some(NaiveDate::MAX));
    }
}
