//! Receipts in the customer's language, money and zone: a stored-value debit or a points commit rendered through
//! the template set, like care messages.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::error::CareError;
use super::policy::CarePolicy;
use super::receipt_kind::ReceiptKind;
use super::sms::{SmsLength, sms_length};
use super::template::Placeholder;
use super::templates::TemplateSet;
use crate::customer::{Customer, Language};
use crate::ledger::UpcomingExpiry;
use crate::local_day::{local_date, local_time};
use crate::locale::Locale;
use crate::loyalty::{Points, PointsReceipt};
use crate::wallet::Receipt;

/// A receipt to render: the facts of a stored-value debit or of a points commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReceiptFacts<'a> {
    /// A stored-value debit ([`WalletEvent::receipt`](crate::wallet::WalletEvent::receipt)).
    StoredValue(&'a Receipt),
    /// A points commit ([`PointsReceipt::of`]).
    Points(&'a PointsReceipt),
}

impl<'a> From<&'a Receipt> for ReceiptFacts<'a> {
    fn from(receipt: &'a Receipt) -> Self {
        Self::StoredValue(receipt)
    }
}

impl<'a> From<&'a PointsReceipt> for ReceiptFacts<'a> {
    fn from(receipt: &'a PointsReceipt) -> Self {
        Self::Points(receipt)
    }
}

impl ReceiptFacts<'_> {
    /// Which template renders it.
    pub const fn kind(&self) -> ReceiptKind {
        match self {
            Self::StoredValue(_) => ReceiptKind::StoredValue,
            Self::Points(_) => ReceiptKind::Points,
        }
    }

    /// The values a receipt supplies, formatted per `locale` in `zone`; those that do not apply are left out.
    fn values(&self, locale: Locale, zone: Tz, business: &str) -> BTreeMap<Placeholder, String> {
        let mut values = BTreeMap::from([(Placeholder::Business, business.to_owned())]);
        let at = match self {
            Self::StoredValue(r) => r.at,
            Self::Points(r) => r.at,
        };
        when(&mut values, locale, zone, at);
        match self {
            Self::StoredValue(r) => {
                values.insert(Placeholder::Order, r.order.to_string());
                values.insert(Placeholder::Amount, locale.format_money(&r.amount));
                values.insert(Placeholder::Balance, locale.format_money(&r.money_available));
                expiry(&mut values, locale, zone, r.next_expiry.as_ref(), |m| locale.format_money(m));
            }
            Self::Points(r) => {
                if let Some(order) = &r.order {
                    values.insert(Placeholder::Order, order.to_string());
                }
                for (placeholder, points) in [(Placeholder::Earned, r.earned), (Placeholder::Redeemed, r.redeemed)] {
                    if points.is_positive() {
                        values.insert(placeholder, locale.format_integer(points.get()));
                    }
                }
                values.insert(Placeholder::Points, locale.format_integer(r.points_available.get()));
                expiry(&mut values, locale, zone, r.next_expiry.as_ref(), |p: &Points| locale.format_integer(p.get()));
            }
        }
        values
    }
}

/// `{date}` and `{time}`: the local date and time of `at`, both left out where the date lies outside chrono's
/// range.
fn when(values: &mut BTreeMap<Placeholder, String>, locale: Locale, zone: Tz, at: DateTime<Utc>) {
    if let Some(date) = local_date(zone, at) {
        values.insert(Placeholder::Date, locale.format_date(date));
        values.insert(Placeholder::Time, locale.format_time(local_time(zone, at)));
    }
}

/// `{expiring}` and `{expires_on}` (the last usable local date), both or neither.
fn expiry<U>(
    values: &mut BTreeMap<Placeholder, String>,
    locale: Locale,
    zone: Tz,
    next: Option<&UpcomingExpiry<U>>,
    amount: impl Fn(&U) -> String,
) {
    if let Some(next) = next
        && let Some(last) = next.last_usable_date(zone)
    {
        values.insert(Placeholder::Expiring, amount(&next.amount));
        values.insert(Placeholder::ExpiresOn, locale.format_date(last));
    }
}

/// A rendered receipt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderedReceipt {
    /// Which receipt.
    pub kind: ReceiptKind,
    /// The language it is written in (a primary subtag).
    pub language: String,
    /// The text, one fact per line.
    pub message: String,
    /// Its length as an SMS.
    pub sms: SmsLength,
}

impl TemplateSet {
    /// Renders a receipt for a reader of `language` (a tag; its primary subtag picks the template, else the
    /// fallback language's; a tag that is not one counts as none) in `zone`, with `business` as `{business}`. Money, numbers and dates are formatted
    /// per the template's language ([`Locale`]); `{date}` and `{time}` are the receipt's instant in `zone`;
    /// `{expires_on}` is the last local date the next expiring amount can be used. Lines naming a value that does
    /// not apply (nothing redeemed, nothing expiring) are left out.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use customer_care::care::{SmsEncoding, TemplateSet, sms_parts};
    /// use customer_care::ledger::UpcomingExpiry;
    /// use customer_care::wallet::Receipt;
    /// use customer_care::{Money, OrderId};
    ///
    /// let vnd = |s: &str| s.parse::<Money>();
    /// let receipt = Receipt {
    ///     order: OrderId::new("HD-0001")?,
    ///     at: Utc.with_ymd_and_hms(2026, 3, 5, 7, 30, 0).single().ok_or("no such instant")?, // 14:30 in Hà Nội
    ///     amount: vnd("1850000 VND")?,
    ///     from_principal: vnd("1700000 VND")?,
    ///     from_bonus: vnd("150000 VND")?,
    ///     lines: vec![],
    ///     principal_available: vnd("2000000 VND")?,
    ///     bonus_available: vnd("150000 VND")?,
    ///     money_available: vnd("2150000 VND")?,
    ///     next_expiry: Some(UpcomingExpiry {
    ///         // The first instant of 6 March 2027 in Hà Nội: usable through 5 March.
    ///         expires_at: Utc.with_ymd_and_hms(2027, 3, 5, 17, 0, 0).single().ok_or("no such instant")?,
    ///         amount: vnd("150000 VND")?,
    ///     }),
    /// };
    /// let zone = chrono_tz::Asia::Ho_Chi_Minh;
    /// let set = TemplateSet::samples();
    /// let vi = set.render_receipt(&receipt, Some("vi-VN"), zone, "Salon Mai")?;
    /// assert_eq!(
    ///     vi.message,
    ///     "Salon Mai: thanh toán 1.850.000 ₫ lúc 14:30 ngày 05/03/2026\nĐơn HD-0001\nSố dư: 2.150.000 ₫\n150.000 ₫ dùng đến 05/03/2027"
    /// );
    /// // Vietnamese needs UCS-2: 120 units, sent as two SMS parts of 67 and 53.
    /// assert_eq!((vi.sms.encoding, vi.sms.units, vi.sms.segments), (SmsEncoding::Ucs2, 120, 2));
    /// assert_eq!(sms_parts(&vi.message).iter().map(|p| p.units).collect::<Vec<_>>(), [67, 53]);
    /// let en = set.render_receipt(&receipt, Some("en"), zone, "Salon Mai")?;
    /// assert_eq!(
    ///     en.message,
    ///     "Salon Mai: paid ₫1,850,000 at 14:30 on 5 Mar 2026\nOrder HD-0001\nBalance: ₫2,150,000\n₫150,000 to use by 5 Mar 2027"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`CareError::MissingReceiptTemplate`] when neither the language nor the fallback has a template for the
    /// receipt's kind; [`CareError::MissingValue`] when every line of the template names a value that does not
    /// apply.
    pub fn render_receipt<'r>(
        &self,
        receipt: impl Into<ReceiptFacts<'r>>,
        language: Option<&str>,
        zone: Tz,
        business: &str,
    ) -> Result<RenderedReceipt, CareError> {
        let receipt = receipt.into();
        let kind = receipt.kind();
        let wanted = language.and_then(|tag| Language::new(tag).ok());
        let (language, template) = self.receipt_template(kind, wanted.as_ref().map(Language::primary))?;
        let locale = Locale::for_tag(language);
        let message = template.render_lines(&receipt.values(locale, zone, business))?;
        Ok(RenderedReceipt { kind, language: language.to_owned(), sms: sms_length(&message), message })
    }
}

impl CarePolicy {
    /// Renders a receipt for `customer` as the planner renders care messages: in the customer's language, else
    /// the policy's [default language](super::CarePolicySpec::language), else the templates' fallback; in the
    /// customer's zone, else the policy's; with the policy's business name. See
    /// [`TemplateSet::render_receipt`].
    ///
    /// # Errors
    ///
    /// As [`TemplateSet::render_receipt`].
    pub fn render_receipt<'r>(
        &self,
        receipt: impl Into<ReceiptFacts<'r>>,
        customer: &Customer,
    ) -> Result<RenderedReceipt, CareError> {
        let spec = self.spec();
        let preferences = customer.preferences();
        let language = preferences.language().or(spec.language.as_ref()).map(Language::as_str);
        let zone = preferences.time_zone().unwrap_or(spec.zone);
        spec.templates.render_receipt(receipt, language, zone, &spec.business)
    }
}

impl ReceiptKind {
    /// The values the kind can supply (each only when it applies).
    pub const fn supplies(self) -> &'static [Placeholder] {
        use Placeholder as P;
        match self {
            Self::StoredValue => {
                &[P::Business, P::Order, P::Date, P::Time, P::Amount, P::Balance, P::Expiring, P::ExpiresOn]
            }
            Self::Points => {
                &[P::Business, P::Order, P::Date, P::Time, P::Earned, P::Redeemed, P::Points, P::Expiring, P::ExpiresOn]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeDelta, TimeZone};

    use super::*;
    use crate::id::OrderId;
    use crate::money::Money;

    fn points(order: Option<&str>, earned: i64, redeemed: i64, expiring: Option<i64>) -> PointsReceipt {
        PointsReceipt {
            order: order.map(|o| OrderId::new(o).unwrap()),
            at: Utc.with_ymd_and_hms(2026, 3, 5, 7, 30, 0).unwrap(),
            earned: Points::new(earned),
            redeemed: Points::new(redeemed),
            points_available: Points::new(1_085),
            points_pending: Points::ZERO,
            next_expiry: expiring.map(|n| UpcomingExpiry {
                expires_at: Utc.with_ymd_and_hms(2026, 12, 31, 17, 0, 0).unwrap(),
                amount: Points::new(n),
            }),
        }
    }

    const HCM: Tz = chrono_tz::Asia::Ho_Chi_Minh;

    #[test]
    fn points_receipts_in_vietnamese_and_english() {
        let set = TemplateSet::samples();
        let r = points(Some("HD-0001"), 185, 100, Some(200));
        let vi = set.render_receipt(&r, Some("vi"), HCM, "Salon Mai").unwrap();
        assert_eq!(
            vi.message,
            "Salon Mai: điểm thưởng lúc 14:30 ngày 05/03/2026\nĐơn HD-0001\nCộng 185 điểm\nTrừ 100 điểm\nSố dư: 1.085 điểm\n200 điểm dùng đến 31/12/2026"
        );
        assert_eq!((vi.kind, vi.language.as_str(), vi.sms.segments), (ReceiptKind::Points, "vi", 2));
        let en = set.render_receipt(&r, Some("en-US"), HCM, "Salon Mai").unwrap();
        assert_eq!(
            en.message,
            "Salon Mai: points at 14:30 on 5 Mar 2026\nOrder HD-0001\nEarned: 185\nRedeemed: 100\nBalance: 1,085 points\n200 points to use by 31 Dec 2026"
        );
        // Plain English fits GSM-7: one SMS.
        assert_eq!((en.sms.encoding, en.sms.segments), (super::super::SmsEncoding::Gsm7, 1));
        // A bonus: no order, nothing redeemed, nothing expiring — those lines are left out.
        let bonus = set.render_receipt(&points(None, 50, 0, None), Some("vi"), HCM, "Salon Mai").unwrap();
        assert_eq!(bonus.message, "Salon Mai: điểm thưởng lúc 14:30 ngày 05/03/2026\nCộng 50 điểm\nSố dư: 1.085 điểm");
        // French has no receipt template: the fallback (English) answers; an invalid tag counts as none.
        assert_eq!(set.render_receipt(&r, Some("fr"), HCM, "Salon Mai").unwrap().language, "en");
        assert_eq!(set.render_receipt(&r, Some("not a tag"), HCM, "Salon Mai").unwrap().language, "en");
    }

    #[test]
    fn receipts_at_the_ends_of_time_leave_out_what_cannot_be_dated() {
        let set = TemplateSet::samples();
        let mut r = points(Some("HD-0001"), 1, 0, Some(1));
        r.at = DateTime::<Utc>::MAX_UTC;
        r.next_expiry = Some(UpcomingExpiry { expires_at: DateTime::<Utc>::MAX_UTC, amount: Points::new(1) });
        // In UTC+7 the local date of MAX_UTC does not exist: the dated lines go, the rest stays.
        let vi = set.render_receipt(&r, Some("vi"), HCM, "Salon Mai").unwrap();
        assert_eq!(vi.message, "Đơn HD-0001\nCộng 1 điểm\nSố dư: 1.085 điểm");
        r.at = DateTime::<Utc>::MIN_UTC;
        r.next_expiry =
            Some(UpcomingExpiry { expires_at: DateTime::<Utc>::MIN_UTC + TimeDelta::hours(1), amount: Points::new(1) });
        let la = set.render_receipt(&r, Some("en"), chrono_tz::America::Los_Angeles, "Salon Mai").unwrap();
        assert_eq!(la.message, "Order HD-0001\nEarned: 1\nBalance: 1,085 points");
    }

    #[test]
    fn stored_value_receipt_without_expiry() {
        let vnd = |n: i64| Money::from_minor(n, crate::money::Currency::VND);
        let receipt = Receipt {
            order: OrderId::new("HD-2").unwrap(),
            at: Utc.with_ymd_and_hms(2026, 3, 5, 16, 59, 0).unwrap(),
            amount: vnd(50_000),
            from_principal: vnd(50_000),
            from_bonus: vnd(0),
            lines: vec![],
            principal_available: vnd(0),
            bonus_available: vnd(0),
            money_available: vnd(0),
            next_expiry: None,
        };
        let vi = TemplateSet::samples().render_receipt(&receipt, Some("vi"), HCM, "Salon Mai").unwrap();
        assert_eq!(vi.message, "Salon Mai: thanh toán 50.000 ₫ lúc 23:59 ngày 05/03/2026\nĐơn HD-2\nSố dư: 0 ₫");
    }
}
