//! The care policy: which care is on, when it is due, on which channels, and the limits that keep it welcome.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveTime;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::error::CareError;
use super::kind::CareKind;
use super::template::Placeholder;
use super::templates::TemplateSet;
use crate::customer::{Channel, Language, LeapDayPolicy, Purpose, QuietHours};
use crate::lifecycle::Stage;
use crate::loyalty::Points;
use crate::money::Money;

/// When on its day a step is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SendAt {
    /// At this local time (in the customer's zone) on the step's day — but never before the anchor itself.
    ///
    /// The step is due at the earliest instant whose local date and time are at or after the day and `time`: a
    /// time that occurs twice on the day the clocks go back means its first occurrence, one that the clocks skip
    /// when they go forward means the instant they jump (03:00 for 02:30 in New York, 02:30 for 02:10 at Lord
    /// Howe, whose clocks move 30 minutes).
    LocalTime {
        /// The local time.
        time: NaiveTime,
    },
    /// This many minutes after the anchor instant plus the step's days (a survey an hour after a resolution).
    /// Occasion kinds, anchored on a date, cannot use it.
    AfterAnchor {
        /// Minutes after the anchor.
        minutes: u32,
    },
}

/// One step of a kind's series: its day relative to the anchor, and the voucher it offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// Days after the anchor (negative: before it, for occasions and reminders).
    pub days: i32,
    /// The `{voucher}` of this step; falls back to the kind's voucher.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voucher: Option<String>,
}

impl Step {
    /// A step `days` from the anchor with no voucher of its own.
    pub const fn days(days: i32) -> Self {
        Self { days, voucher: None }
    }

    /// A step `days` from the anchor offering `voucher`.
    pub fn with_voucher(days: i32, voucher: &str) -> Self {
        Self { days, voucher: Some(voucher.to_owned()) }
    }
}

/// A kind's trigger threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Threshold {
    /// `points_expiring`: remind only when at least this many points expire.
    Points {
        /// The minimum.
        points: Points,
    },
    /// `bonus_expiring`: remind only when at least this much bonus expires; `low_balance`: remind when the
    /// available balance falls below this (and is still above zero). Accounts in another currency are not
    /// compared.
    Money {
        /// The amount.
        amount: Money,
    },
}

/// How one care kind is planned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindPolicy {
    /// Channels to try, in order (the customer's preferred channel goes first when it is listed).
    pub channels: Vec<Channel>,
    /// When on a step's day it is due.
    pub send_at: SendAt,
    /// The series, in increasing order of days.
    pub steps: Vec<Step>,
    /// The lifecycle stages the kind is for (`None`: every customer, staged or not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stages: Option<BTreeSet<Stage>>,
    /// The `{voucher}` of steps without their own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voucher: Option<String>,
    /// The `{link}` (a survey form, a booking page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// The trigger threshold (required by `low_balance`; optional for `points_expiring` and `bonus_expiring`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<Threshold>,
    /// Order among actions due at the same instant, after purpose (service always goes before marketing):
    /// higher first.
    pub priority: u8,
}

impl KindPolicy {
    /// A policy for one step at `time` local, on `channels`, with priority 50.
    pub fn at(time: NaiveTime, steps: Vec<Step>, channels: Vec<Channel>) -> Self {
        Self {
            channels,
            send_at: SendAt::LocalTime { time },
            steps,
            stages: None,
            voucher: None,
            link: None,
            threshold: None,
            priority: 50,
        }
    }

    /// The voucher of step `index`.
    pub(crate) fn voucher_of(&self, index: usize) -> Option<&str> {
        self.steps.get(index).and_then(|s| s.voucher.as_deref()).or(self.voucher.as_deref())
    }

    /// Whether every step has a voucher.
    fn supplies_voucher(&self) -> bool {
        (0..self.steps.len()).all(|i| self.voucher_of(i).is_some())
    }

    pub(crate) fn is_for(&self, stage: Option<Stage>) -> bool {
        match (&self.stages, stage) {
            (None, _) => true,
            (Some(stages), Some(s)) => stages.contains(&s),
            (Some(_), None) => false,
        }
    }
}

/// A limit on marketing messages: at most `max` in any `days` consecutive days (a rolling window), on one
/// channel or on all together. Service messages are never capped (only spaced by the minimum gap).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FrequencyCap {
    /// The channel capped, or `None` for all channels together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// The most marketing messages in the window.
    pub max: u32,
    /// The rolling window, in days (1 to 366).
    pub days: u32,
}

/// The longest minimum gap between two messages to one customer: a week.
pub const MAX_GAP_MINUTES: u32 = 7 * 24 * 60;
/// The longest catch-up: 31 days.
pub const MAX_CATCH_UP_HOURS: u32 = 31 * 24;
/// The most steps a kind may have.
pub const MAX_STEPS: usize = 24;

/// A care policy as written by the business; [`CarePolicy::new`] validates it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarePolicySpec {
    /// The business's name, the `{business}` of every message (1 to 80 characters).
    pub business: String,
    /// The zone of customers who have none of their own.
    pub zone: Tz,
    /// The language of customers who have none of their own: a Vietnamese business names `vi`, so customers
    /// without a language read Vietnamese rather than the templates' fallback. `None`: the fallback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
    /// Business-wide quiet hours, in each customer's zone; a customer's own quiet hours apply as well.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quiet_hours: Option<QuietHours>,
    /// The minimum gap between any two messages to one customer, service or marketing (0 to
    /// [`MAX_GAP_MINUTES`]). A message due too soon after another is deferred.
    pub min_gap_minutes: u32,
    /// Frequency caps on marketing messages.
    #[serde(default)]
    pub caps: Vec<FrequencyCap>,
    /// How late an action may still be planned: a step whose time passed at most this long before the window
    /// starts is due at the window's start (0 to [`MAX_CATCH_UP_HOURS`]; 0 when windows are contiguous).
    #[serde(default)]
    pub catch_up_hours: u32,
    /// When a 29 February occasion is observed in a common year.
    #[serde(default)]
    pub leap_day: LeapDayPolicy,
    /// The kinds that are on, and how.
    pub kinds: BTreeMap<CareKind, KindPolicy>,
    /// The templates.
    pub templates: TemplateSet,
}

impl CarePolicySpec {
    /// A sensible starting point for a shop in `zone`: every kind on with the sample templates in Vietnamese
    /// and English, quiet hours 21:00–08:00, four hours between messages, at most two marketing messages a week
    /// and four SMS marketing messages in 30 days; birthday greetings at 09:00 on the day, follow-ups 3, 7 and 30
    /// days after a purchase, a welcome series (days 0, 3, 10) for potential and new customers, a thank-you every
    /// quarter for loyal ones, win-back at 0, 14 and 45 days of aging with growing vouchers, reminders 30 and 7
    /// days before points expire and 7 days before a bonus expires, a low-balance note below
    /// `low_balance_below`, a survey an hour after a ticket is resolved and an apology half an hour after a
    /// streak of poor experiences is flagged. Replace the voucher codes with yours.
    pub fn example(business: &str, zone: Tz, low_balance_below: Money) -> Self {
        let at = |h: u32| NaiveTime::from_hms_opt(h, 0, 0).unwrap_or(NaiveTime::MIN);
        let chat_first = vec![Channel::ChatApp, Channel::Sms, Channel::Email];
        let kind = |hour: u32, steps: Vec<Step>, priority: u8| KindPolicy {
            priority,
            ..KindPolicy::at(at(hour), steps, chat_first.clone())
        };
        let after = |minutes: u32, priority: u8| KindPolicy {
            send_at: SendAt::AfterAnchor { minutes },
            priority,
            ..KindPolicy::at(at(0), vec![Step::days(0)], chat_first.clone())
        };
        let staged = |mut policy: KindPolicy, stages: &[Stage]| {
            policy.stages = Some(stages.iter().copied().collect());
            policy
        };
        let kinds = BTreeMap::from([
            (CareKind::Birthday, kind(9, vec![Step::with_voucher(0, "HPBD")], 80)),
            (CareKind::WeddingAnniversary, kind(9, vec![Step::days(0)], 70)),
            (CareKind::MembershipAnniversary, kind(10, vec![Step::days(0)], 60)),
            (
                CareKind::Welcome,
                staged(
                    kind(10, vec![Step::days(0), Step::days(3), Step::days(10)], 50),
                    &[Stage::Potential, Stage::New],
                ),
            ),
            (CareKind::PurchaseFollowUp, kind(10, vec![Step::days(3), Step::days(7), Step::days(30)], 30)),
            (
                CareKind::LoyalReward,
                staged(
                    KindPolicy {
                        voucher: Some("THANKYOU".into()),
                        ..kind(10, vec![Step::days(0), Step::days(91), Step::days(182), Step::days(273)], 40)
                    },
                    &[Stage::Loyal],
                ),
            ),
            (
                CareKind::WinBack,
                staged(
                    kind(
                        10,
                        vec![
                            Step::with_voucher(0, "COMEBACK10"),
                            Step::with_voucher(14, "COMEBACK15"),
                            Step::with_voucher(45, "COMEBACK20"),
                        ],
                        60,
                    ),
                    &[Stage::Aging],
                ),
            ),
            (
                CareKind::PointsExpiring,
                KindPolicy {
                    threshold: Some(Threshold::Points { points: Points::new(1) }),
                    ..kind(10, vec![Step::days(-30), Step::days(-7)], 60)
                },
            ),
            (CareKind::BonusExpiring, kind(10, vec![Step::days(-7)], 60)),
            (
                CareKind::LowBalance,
                KindPolicy {
                    threshold: Some(Threshold::Money { amount: low_balance_below }),
                    ..kind(10, vec![Step::days(1)], 40)
                },
            ),
            (CareKind::TierUpgraded, kind(10, vec![Step::days(0)], 50)),
            (CareKind::TierAtRisk, kind(10, vec![Step::days(-14)], 50)),
            (CareKind::Survey, after(60, 50)),
            (CareKind::Apology, after(30, 90)),
        ]);
        Self {
            business: business.to_owned(),
            zone,
            language: None,
            quiet_hours: QuietHours::new(at(21), at(8)).ok(),
            min_gap_minutes: 240,
            caps: vec![
                FrequencyCap { channel: None, max: 2, days: 7 },
                FrequencyCap { channel: Some(Channel::Sms), max: 4, days: 30 },
            ],
            catch_up_hours: 0,
            leap_day: LeapDayPolicy::February28,
            kinds,
            templates: TemplateSet::samples(),
        }
    }
}

/// A validated [`CarePolicySpec`]. Serialized as its spec, validated again on the way in.
///
/// ```
/// use customer_care::care::{CareKind, CarePolicy, CarePolicySpec, FrequencyCap};
/// use customer_care::Money;
///
/// let spec = CarePolicySpec::example("Cà phê Sáng", chrono_tz::Asia::Ho_Chi_Minh, "50000 VND".parse()?);
/// let policy = CarePolicy::new(spec.clone())?;
/// assert!(policy.kind(CareKind::Birthday).is_some());
///
/// // A cap of zero with marketing on is a contradiction, named as such.
/// let mut bad = spec;
/// bad.caps.push(FrequencyCap { channel: None, max: 0, days: 7 });
/// let err = CarePolicy::new(bad).unwrap_err();
/// assert!(err.to_string().starts_with("a frequency cap of 0 per 7 days on all channels"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CarePolicySpec", into = "CarePolicySpec")]
pub struct CarePolicy {
    spec: CarePolicySpec,
}

impl TryFrom<CarePolicySpec> for CarePolicy {
    type Error = CareError;
    fn try_from(spec: CarePolicySpec) -> Result<Self, CareError> {
        Self::new(spec)
    }
}

impl From<CarePolicy> for CarePolicySpec {
    fn from(policy: CarePolicy) -> Self {
        policy.spec
    }
}

fn check_text(what: &str, text: &str, max: usize) -> Result<(), CareError> {
    let chars = text.chars().count();
    if text.trim().is_empty() || chars > max || text.chars().any(char::is_control) {
        return Err(CareError::InvalidPolicy {
            what: what.to_owned(),
            value: format!("{:?} ({chars} characters; 1 to {max}, no control characters)", crate::text::excerpt(text)),
        });
    }
    Ok(())
}

impl CarePolicy {
    /// Validates a spec.
    ///
    /// # Errors
    ///
    /// - [`CareError::InvalidPolicy`]: a blank business name, a gap or catch-up out of range, a cap over a window
    ///   outside 1–366 days.
    /// - [`CareError::ZeroCap`]: a cap of zero on a channel (or all channels) an enabled marketing kind uses.
    /// - [`CareError::InvalidKindPolicy`]: no channels or a repeated one, no steps, steps out of order or on the
    ///   wrong side of the anchor, `after_anchor` on an occasion, a threshold of the wrong type or missing, an
    ///   empty stage set, a blank voucher or link.
    /// - [`CareError::MissingTemplate`]: an enabled kind without a template in the fallback language.
    /// - [`CareError::PlaceholderNotSupplied`]: a template naming a value its kind does not supply (a
    ///   `{voucher}` with no voucher configured for every step, a `{link}` with no link).
    pub fn new(spec: CarePolicySpec) -> Result<Self, CareError> {
        check_text("business name", &spec.business, 80)?;
        if spec.min_gap_minutes > MAX_GAP_MINUTES {
            return Err(CareError::InvalidPolicy {
                what: "minimum gap (minutes)".into(),
                value: format!("{} (at most {MAX_GAP_MINUTES})", spec.min_gap_minutes),
            });
        }
        if spec.catch_up_hours > MAX_CATCH_UP_HOURS {
            return Err(CareError::InvalidPolicy {
                what: "catch-up (hours)".into(),
                value: format!("{} (at most {MAX_CATCH_UP_HOURS})", spec.catch_up_hours),
            });
        }
        for cap in &spec.caps {
            if !(1..=366).contains(&cap.days) {
                return Err(CareError::InvalidPolicy {
                    what: "frequency cap window (days)".into(),
                    value: format!("{} (1 to 366)", cap.days),
                });
            }
            if cap.max == 0
                && let Some((&kind, _)) = spec.kinds.iter().find(|(k, p)| {
                    k.purpose() == Purpose::Marketing && cap.channel.is_none_or(|c| p.channels.contains(&c))
                })
            {
                return Err(CareError::ZeroCap { channel: cap.channel, days: cap.days, kind });
            }
        }
        for (&kind, policy) in &spec.kinds {
            check_kind(kind, policy)?;
            spec.templates.for_language(kind, None)?;
            let mut supplied = kind.supplies().to_vec();
            if policy.supplies_voucher() {
                supplied.push(Placeholder::Voucher);
            }
            if policy.link.is_some() {
                supplied.push(Placeholder::Link);
            }
            for (_, language, template) in spec.templates.iter().filter(|(k, _, _)| *k == kind) {
                template.require(&supplied, &format!("{kind} ({language})"))?;
            }
        }
        Ok(Self { spec })
    }

    /// The spec.
    pub const fn spec(&self) -> &CarePolicySpec {
        &self.spec
    }

    /// The policy of `kind`, when it is on.
    pub fn kind(&self, kind: CareKind) -> Option<&KindPolicy> {
        self.spec.kinds.get(&kind)
    }

    /// The kinds on for customers in `stage` (`None`: not classified): the policy's strategy per group.
    ///
    /// ```
    /// use customer_care::care::{CareKind, CarePolicy, CarePolicySpec};
    /// use customer_care::lifecycle::Stage;
    ///
    /// let spec = CarePolicySpec::example("Shop", chrono_tz::Asia::Ho_Chi_Minh, "50000 VND".parse()?);
    /// let policy = CarePolicy::new(spec)?;
    /// let aging: Vec<CareKind> = policy.kinds_for(Some(Stage::Aging)).collect();
    /// assert!(aging.contains(&CareKind::WinBack) && !aging.contains(&CareKind::Welcome));
    /// assert!(policy.kinds_for(Some(Stage::New)).any(|k| k == CareKind::Welcome));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn kinds_for(&self, stage: Option<Stage>) -> impl Iterator<Item = CareKind> + '_ {
        self.spec.kinds.iter().filter(move |(_, p)| p.is_for(stage)).map(|(k, _)| *k)
    }
}

fn check_kind(kind: CareKind, p: &KindPolicy) -> Result<(), CareError> {
    let bad = |reason: String| Err(CareError::InvalidKindPolicy { kind, reason });
    if p.channels.is_empty() {
        return bad("no channels".into());
    }
    if let Some(c) = p.channels.iter().enumerate().find_map(|(i, c)| p.channels[..i].contains(c).then_some(c)) {
        return bad(format!("channel {c} listed twice"));
    }
    if p.steps.is_empty() || p.steps.len() > MAX_STEPS {
        return bad(format!("{} steps (1 to {MAX_STEPS})", p.steps.len()));
    }
    for pair in p.steps.windows(2) {
        if pair[1].days <= pair[0].days {
            return bad(format!("steps out of order: day {} after day {}", pair[1].days, pair[0].days));
        }
    }
    let backwards = kind.counts_down() || kind.is_occasion();
    for step in &p.steps {
        if step.days.unsigned_abs() > 3_660 {
            return bad(format!("step day {} (at most 3660 from the anchor)", step.days));
        }
        if backwards && step.days > 0 {
            return bad(format!("step day {} after the anchor (this kind counts days before it, ≤ 0)", step.days));
        }
        if !backwards && step.days < 0 {
            return bad(format!("step day {} before the anchor (this kind counts days after it, ≥ 0)", step.days));
        }
        if let Some(v) = &step.voucher {
            check_text(&format!("{kind} voucher"), v, 200)?;
        }
    }
    if kind.is_occasion() && matches!(p.send_at, SendAt::AfterAnchor { .. }) {
        return bad("an occasion is a date: send at a local time, not after the anchor".into());
    }
    if let SendAt::AfterAnchor { minutes } = p.send_at
        && minutes > 31 * 24 * 60
    {
        return bad(format!("{minutes} minutes after the anchor (at most 44640)"));
    }
    if p.stages.as_ref().is_some_and(BTreeSet::is_empty) {
        return bad("an empty set of stages (leave it out for every customer)".into());
    }
    if let Some(v) = &p.voucher {
        check_text(&format!("{kind} voucher"), v, 200)?;
    }
    if let Some(l) = &p.link {
        check_text(&format!("{kind} link"), l, 500)?;
    }
    match (kind, p.threshold) {
        (CareKind::LowBalance, Some(Threshold::Money { amount })) if amount.is_positive() => Ok(()),
        (CareKind::LowBalance, _) => bad("needs a positive money threshold (remind below it)".into()),
        (CareKind::BonusExpiring, None | Some(Threshold::Money { .. }))
        | (CareKind::PointsExpiring, None | Some(Threshold::Points { .. })) => Ok(()),
        (CareKind::BonusExpiring | CareKind::PointsExpiring, Some(_)) => bad("threshold of the wrong unit".into()),
        (_, Some(_)) => bad("this kind takes no threshold".into()),
        (_, None) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::care::Template;

    fn spec() -> CarePolicySpec {
        CarePolicySpec::example("Cà phê Sáng", chrono_tz::Asia::Ho_Chi_Minh, "50000 VND".parse().unwrap())
    }

    #[test]
    fn example_is_valid_and_round_trips() {
        let policy = CarePolicy::new(spec()).unwrap();
        assert_eq!(policy.spec().kinds.len(), CareKind::ALL.len());
        let json = serde_json::to_string(&policy).unwrap();
        assert_eq!(serde_json::from_str::<CarePolicy>(&json).unwrap(), policy);
        let whole_day = json.replace("21:00-08:00", "08:00-08:00");
        assert!(serde_json::from_str::<CarePolicy>(&whole_day).unwrap_err().to_string().contains("08:00"));
    }

    #[test]
    fn bad_policies_are_named() {
        let err = |f: &dyn Fn(&mut CarePolicySpec)| {
            let mut s = spec();
            f(&mut s);
            CarePolicy::new(s).unwrap_err().to_string()
        };
        assert_eq!(
            err(&|s| s.caps.push(FrequencyCap { channel: Some(Channel::Email), max: 0, days: 30 })),
            "a frequency cap of 0 per 30 days on email while birthday (marketing) uses it: turn the kind off instead"
        );
        // A zero cap on a channel no marketing kind uses is harmless.
        let mut s = spec();
        s.caps.push(FrequencyCap { channel: Some(Channel::Post), max: 0, days: 30 });
        assert!(CarePolicy::new(s).is_ok());
        assert!(err(&|s| s.caps[0].days = 0).contains("frequency cap window"));
        assert!(err(&|s| s.business = " ".into()).contains("business name"));
        assert!(err(&|s| s.min_gap_minutes = MAX_GAP_MINUTES + 1).contains("minimum gap"));
        let kind =
            |k: CareKind, f: &dyn Fn(&mut KindPolicy)| err(&|s: &mut CarePolicySpec| f(s.kinds.get_mut(&k).unwrap()));
        assert_eq!(kind(CareKind::Survey, &|p| p.channels.clear()), "invalid survey policy: no channels");
        assert!(kind(CareKind::Survey, &|p| p.channels.push(Channel::Sms)).contains("channel sms listed twice"));
        assert!(kind(CareKind::PurchaseFollowUp, &|p| p.steps.reverse()).contains("steps out of order"));
        assert!(kind(CareKind::PointsExpiring, &|p| p.steps = vec![Step::days(3)]).contains("counts days before"));
        assert!(kind(CareKind::WinBack, &|p| p.steps[0].days = -1).contains("counts days after"));
        assert!(kind(CareKind::Birthday, &|p| p.send_at = SendAt::AfterAnchor { minutes: 5 }).contains("a date"));
        assert!(kind(CareKind::LowBalance, &|p| p.threshold = None).contains("positive money threshold"));
        assert!(kind(CareKind::Survey, &|p| p.stages = Some(BTreeSet::new())).contains("empty set of stages"));
        assert!(
            kind(CareKind::PointsExpiring, &|p| p.threshold =
                Some(Threshold::Money { amount: "1 VND".parse().unwrap() }))
            .contains("wrong unit")
        );
        // {voucher} needs a voucher on every step.
        assert_eq!(
            kind(CareKind::WinBack, &|p| p.steps[1].voucher = None),
            "template uses {voucher}, which win_back (en) does not supply"
        );
        // An enabled kind needs a fallback template.
        let mut s = spec();
        s.templates = TemplateSet::new("en", "friend").unwrap();
        assert_eq!(
            CarePolicy::new(s).unwrap_err(),
            CareError::MissingTemplate { kind: CareKind::Birthday, language: "en".into() }
        );
        // {link} only where a link is configured.
        let mut s = spec();
        s.templates.insert(CareKind::Survey, "vi", Template::new("{link}").unwrap()).unwrap();
        assert!(CarePolicy::new(s.clone()).is_err());
        s.kinds.get_mut(&CareKind::Survey).unwrap().link = Some("https://example.com/s".into());
        assert!(CarePolicy::new(s).is_ok());
    }
}
