//! Formatting money, numbers, dates and times the way a customer reads them.

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};
use serde::{Deserialize, Serialize};

use crate::money::Money;

/// How messages and receipts format numbers, money, dates and times.
///
/// | | Vietnamese | English |
/// |---|---|---|
/// | money | `120.000 ₫`, `19,99 $` | `₫120,000`, `$19.99` |
/// | number | `1.250` | `1,250` |
/// | date | `31/12/2026` | `31 Dec 2026` |
/// | time | `14:30` | `14:30` |
///
/// English dates spell the month, so neither day-first nor month-first readers misread them; times use the
/// 24-hour clock in both. A locale formats values already in local time: convert instants in the customer's zone
/// first (the care planner and receipts do).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Locale {
    /// Vietnamese conventions.
    Vietnamese,
    /// English conventions (the default).
    #[default]
    English,
}

impl Locale {
    /// The locale for a language tag (`vi`, `vi-VN`, `en-GB`), read by its primary subtag in any case:
    /// Vietnamese for `vi`, English otherwise.
    ///
    /// ```
    /// use customer_care::Locale;
    ///
    /// assert_eq!(Locale::for_tag("vi-VN"), Locale::Vietnamese);
    /// assert_eq!(Locale::for_tag("VI"), Locale::Vietnamese);
    /// assert_eq!(Locale::for_tag("fr"), Locale::English);
    /// ```
    pub fn for_tag(tag: &str) -> Self {
        let primary = tag.split('-').next().unwrap_or(tag);
        if primary.eq_ignore_ascii_case("vi") { Self::Vietnamese } else { Self::English }
    }

    const fn separators(self) -> (char, char) {
        match self {
            Self::Vietnamese => ('.', ','),
            Self::English => (',', '.'),
        }
    }

    /// A whole number with thousands separators.
    ///
    /// ```
    /// use customer_care::Locale;
    ///
    /// assert_eq!(Locale::Vietnamese.format_integer(1_250), "1.250");
    /// assert_eq!(Locale::English.format_integer(-1_234_567), "-1,234,567");
    /// ```
    pub fn format_integer(self, n: i64) -> String {
        let digits = n.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        if n < 0 {
            out.push('-');
        }
        group(&digits, self.separators().0, &mut out);
        out
    }

    /// An amount with its symbol, at the currency's minor units.
    ///
    /// ```
    /// use customer_care::{Locale, Money};
    ///
    /// let vnd: Money = "120000 VND".parse()?;
    /// assert_eq!(Locale::Vietnamese.format_money(&vnd), "120.000 ₫");
    /// assert_eq!(Locale::English.format_money(&vnd), "₫120,000");
    /// let usd: Money = "1234.5 USD".parse()?;
    /// assert_eq!(Locale::Vietnamese.format_money(&usd), "1.234,50 $");
    /// assert_eq!(Locale::English.format_money(&usd), "$1,234.50");
    /// # Ok::<(), customer_care::MoneyError>(())
    /// ```
    pub fn format_money(self, money: &Money) -> String {
        let (thousands, decimal) = self.separators();
        let text = money.amount().abs().to_string();
        let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
        let mut number = String::with_capacity(text.len() + 8);
        group(int, thousands, &mut number);
        if !frac.is_empty() {
            number.push(decimal);
            number.push_str(frac);
        }
        let sign = if money.is_negative() { "-" } else { "" };
        let symbol = money.currency().symbol();
        match self {
            Self::Vietnamese => format!("{sign}{number} {symbol}"),
            Self::English => format!("{sign}{symbol}{number}"),
        }
    }

    /// A calendar date.
    ///
    /// ```
    /// use customer_care::Locale;
    /// use chrono::NaiveDate;
    ///
    /// let d: NaiveDate = "2026-12-31".parse()?;
    /// assert_eq!(Locale::Vietnamese.format_date(d), "31/12/2026");
    /// assert_eq!(Locale::English.format_date(d), "31 Dec 2026");
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn format_date(self, date: NaiveDate) -> String {
        match self {
            Self::Vietnamese => format!("{:02}/{:02}/{}", date.day(), date.month(), date.year()),
            Self::English => date.format("%-d %b %Y").to_string(),
        }
    }

    /// A time of day, to the minute, on the 24-hour clock.
    ///
    /// ```
    /// use customer_care::Locale;
    /// use chrono::NaiveTime;
    ///
    /// let t = NaiveTime::from_hms_opt(9, 5, 59).ok_or("no such time")?;
    /// assert_eq!(Locale::Vietnamese.format_time(t), "09:05");
    /// assert_eq!(Locale::English.format_time(t), "09:05");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn format_time(self, time: NaiveTime) -> String {
        format!("{:02}:{:02}", time.hour(), time.minute())
    }
}

/// Appends `digits` grouped in threes from the right.
fn group(digits: &str, separator: char, out: &mut String) {
    let len = digits.len();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (len - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    #[test]
    fn money() {
        assert_eq!(Locale::Vietnamese.format_money(&m("0 VND")), "0 ₫");
        assert_eq!(Locale::Vietnamese.format_money(&m("999 VND")), "999 ₫");
        assert_eq!(Locale::Vietnamese.format_money(&m("1000 VND")), "1.000 ₫");
        assert_eq!(Locale::Vietnamese.format_money(&m("-1500000 VND")), "-1.500.000 ₫");
        assert_eq!(Locale::English.format_money(&m("-0.05 USD")), "-$0.05");
        assert_eq!(Locale::English.format_money(&m("1.234 KWD")), "د.ك1.234");
    }

    #[test]
    fn integers_and_dates() {
        assert_eq!(Locale::English.format_integer(0), "0");
        assert_eq!(Locale::English.format_integer(100), "100");
        assert_eq!(Locale::English.format_integer(1000), "1,000");
        assert_eq!(Locale::Vietnamese.format_integer(i64::MIN), "-9.223.372.036.854.775.808");
        assert_eq!(Locale::English.format_date(NaiveDate::from_ymd_opt(2027, 1, 5).unwrap()), "5 Jan 2027");
        assert_eq!(Locale::Vietnamese.format_date(NaiveDate::from_ymd_opt(2027, 1, 5).unwrap()), "05/01/2027");
        assert_eq!(Locale::for_tag("vi-VN"), Locale::Vietnamese);
        assert_eq!(Locale::for_tag("en-GB"), Locale::English);
        assert_eq!(Locale::for_tag(""), Locale::English);
        assert_eq!(Locale::for_tag("vie"), Locale::English);
        let t = NaiveTime::from_hms_opt(23, 59, 59).unwrap();
        assert_eq!(Locale::Vietnamese.format_time(t), "23:59");
    }
}
