//! Planning: from customers, their facts and their care history to the care actions due in a window.

use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeDelta, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::error::CareError;
use super::history::{CareEvent, DedupKey};
use super::kind::CareKind;
use super::policy::{CarePolicy, KindPolicy, SendAt, Threshold};
use super::sms::{SmsLength, sms_length};
use super::subject::{CareSubject, ResolvedTicket};
use super::template::Placeholder;
use crate::customer::{
    AnnualDate, Channel, CustomerStatus, Language, OccasionKind, PurchaseEntry, Purpose, QuietHours,
};
use crate::id::CustomerId;
use crate::local_day::{
    at_local, end_of_day, last_usable_date, local_date, local_date_plus, local_time, next_change, start_of_day,
};
use crate::locale::Locale;
use crate::money::Money;

/// The longest [`CareWindow`], in days.
pub const MAX_WINDOW_DAYS: i64 = 92;

/// The instants to plan: `[start, end)`. `start` is the planning instant ("now"): nothing is due before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "WindowRepr", into = "WindowRepr")]
pub struct CareWindow {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

#[derive(Serialize, Deserialize)]
struct WindowRepr {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl TryFrom<WindowRepr> for CareWindow {
    type Error = CareError;
    fn try_from(r: WindowRepr) -> Result<Self, CareError> {
        Self::new(r.start, r.end)
    }
}

impl From<CareWindow> for WindowRepr {
    fn from(w: CareWindow) -> Self {
        Self { start: w.start, end: w.end }
    }
}

impl CareWindow {
    /// `[start, end)`.
    ///
    /// # Errors
    ///
    /// [`CareError::InvalidWindow`] when `end` is not after `start`, or the window is longer than
    /// [`MAX_WINDOW_DAYS`].
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Self, CareError> {
        if end <= start || end - start > TimeDelta::days(MAX_WINDOW_DAYS) {
            return Err(CareError::InvalidWindow { start, end, max_days: MAX_WINDOW_DAYS });
        }
        Ok(Self { start, end })
    }

    /// The local day `date` in `zone`, from its first instant to the next day's. A day whose midnight the clocks
    /// skip (Santiago in September) starts when they jump; a day the clocks go back on lasts 25 hours.
    ///
    /// # Errors
    ///
    /// [`CareError::DayOutOfRange`] for a day that does not begin and end within chrono's range of instants
    /// (`NaiveDate::MAX` everywhere, `NaiveDate::MIN` east of UTC).
    pub fn local_day(date: NaiveDate, zone: Tz) -> Result<Self, CareError> {
        let start = start_of_day(zone, date);
        let end = end_of_day(zone, date);
        match (start, end) {
            (Some(start), Some(end)) => Self::new(start, end),
            _ => Err(CareError::DayOutOfRange { date, zone }),
        }
    }

    /// The first instant.
    pub const fn start(&self) -> DateTime<Utc> {
        self.start
    }

    /// The end (exclusive).
    pub const fn end(&self) -> DateTime<Utc> {
        self.end
    }
}

/// Why an action is due later than scheduled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Deferral {
    /// Its time had passed when the window started (within the policy's catch-up).
    CatchUp,
    /// Its time fell in quiet hours.
    QuietHours,
    /// Another message was too close before it.
    MinGap,
}

/// A care action to deliver.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareAction {
    /// To whom.
    pub customer: CustomerId,
    /// What kind of care.
    pub kind: CareKind,
    /// The step of the kind's series (0 for the first).
    pub step: u8,
    /// The deterministic identity: record it with [`CareEvent::CareSent`].
    pub key: DedupKey,
    /// On which channel.
    pub channel: Channel,
    /// Service or marketing.
    pub purpose: Purpose,
    /// The kind's priority.
    pub priority: u8,
    /// When the step was scheduled by the policy.
    pub scheduled_at: DateTime<Utc>,
    /// When to deliver it: the scheduled time, moved out of quiet hours and away from other messages.
    pub due_at: DateTime<Utc>,
    /// Why `due_at` is later than `scheduled_at`, if it is (the last reason that moved it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferred: Option<Deferral>,
    /// The language the message is written in (a primary subtag).
    pub language: String,
    /// The rendered message.
    pub message: String,
    /// Its length as an SMS.
    pub sms: SmsLength,
}

/// Why a channel could not carry an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Refusal {
    /// No phone number, e-mail address or push registration for it (the profile has no postal address).
    NoContactPoint,
    /// No consent on the channel for the action's purpose.
    NoConsent,
    /// The customer opted out on the channel after their latest consent decision.
    OptedOut {
        /// When.
        at: DateTime<Utc>,
    },
    /// Delivering this very action on the channel failed before.
    Failed {
        /// When.
        at: DateTime<Utc>,
    },
    /// The channel's marketing cap is reached.
    Capped {
        /// The cap.
        max: u32,
        /// Its window, in days.
        days: u32,
    },
}

/// Why a due action is not in the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum SkipReason {
    /// The customer's personal data was erased: they get nothing.
    Erased,
    /// The customer never registered.
    NotRegistered,
    /// The customer replied to an earlier step of the series.
    Replied {
        /// When.
        at: DateTime<Utc>,
    },
    /// The overall marketing cap is reached.
    Capped {
        /// The cap.
        max: u32,
        /// Its window, in days.
        days: u32,
    },
    /// No channel could carry it: each channel tried, with its refusal.
    NoChannel {
        /// The channels in the order tried.
        refusals: Vec<(Channel, Refusal)>,
    },
    /// The business's and the customer's quiet hours together leave no time to send it.
    QuietHours,
    /// Other messages kept pushing it back by the minimum gap, more than a week past its time.
    Crowded,
    /// The message could not be rendered (a value was missing).
    Unrenderable {
        /// What went wrong.
        error: CareError,
    },
}

/// A due action that will not be sent, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedCare {
    /// Who.
    pub customer: CustomerId,
    /// What kind of care.
    pub kind: CareKind,
    /// The step.
    pub step: u8,
    /// The action's key.
    pub key: DedupKey,
    /// When it was scheduled.
    pub scheduled_at: DateTime<Utc>,
    /// Why it is skipped.
    pub reason: SkipReason,
}

/// The care due in a window.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarePlan {
    /// Actions to deliver, by due time, then customer, then key.
    pub actions: Vec<CareAction>,
    /// Actions due but not sent, by customer, then key.
    pub skipped: Vec<SkippedCare>,
    /// The earliest instant at or after the window's end when another step is scheduled: when to plan again
    /// (sooner if facts change — a purchase, a stage change, a resolved ticket).
    pub next_deadline: Option<DateTime<Utc>>,
}

/// What a step is anchored on.
#[derive(Clone, Copy, Debug)]
enum Anchor<'s> {
    Occasion(NaiveDate),
    At(DateTime<Utc>),
    Purchase(&'s PurchaseEntry),
    Ticket(&'s ResolvedTicket),
    /// A poor-experience streak, keyed by its start (and timed from its latest experience).
    Streak(DateTime<Utc>),
}

impl Anchor<'_> {
    fn write_key(&self, out: &mut String) {
        // Writing to a String cannot fail.
        let _ = match self {
            Self::Occasion(d) => write!(out, "{d}"),
            Self::At(t) | Self::Streak(t) => write!(out, "{}", t.format("%Y-%m-%dT%H:%M:%SZ")),
            Self::Purchase(p) => write!(out, "{}", p.purchase.order_id),
            Self::Ticket(t) => write!(out, "{}", t.ticket),
        };
    }
}

#[derive(Clone, Copy, Debug)]
struct Candidate<'s> {
    kind: CareKind,
    step: u8,
    anchor: Anchor<'s>,
    scheduled: DateTime<Utc>,
}

/// A candidate waiting for a channel, with its working due time.
struct Pending<'s> {
    candidate: Candidate<'s>,
    key: DedupKey,
    due: DateTime<Utc>,
    deferred: Option<Deferral>,
    purpose: Purpose,
    priority: u8,
}

impl Pending<'_> {
    fn order(&self) -> (DateTime<Utc>, bool, Reverse<u8>, &DedupKey) {
        (self.due, self.purpose == Purpose::Marketing, Reverse(self.priority), &self.key)
    }
}

/// A sent (or planned) message, for caps and gaps.
#[derive(Clone, Copy)]
struct Sent {
    at: DateTime<Utc>,
    channel: Channel,
    marketing: bool,
}

/// How far the minimum gap may push an action past its scheduled time before it is skipped as crowded. Each push
/// moves it past another message, so the pushes end; this bounds how stale a message may become.
const MAX_GAP_DELAY: TimeDelta = TimeDelta::days(7);

impl CarePolicy {
    /// Plans the care due in `window` for `subjects`.
    ///
    /// For each customer, every enabled kind meant for their stage proposes its steps; those scheduled in the
    /// window (or up to the policy's catch-up before it) that the history does not show as sent become due. Then,
    /// in order of due time (service before marketing, then priority, then key): a due time in quiet hours —
    /// the business's or the customer's, in the customer's zone — moves to the end of the quiet span; one within
    /// the minimum gap of another message moves past it; a marketing action over an overall cap is skipped; the
    /// first channel (the customer's preferred one first, when the kind lists it) with a contact point, consent
    /// for the purpose, no opt-out, no earlier failure of this action and room under its cap carries it, and the
    /// message is rendered in the customer's language (else the fallback).
    ///
    /// The plan depends only on the policy, the window and each subject — not on the order of subjects or of
    /// history entries — and planning the same window twice gives the same actions with the same keys.
    ///
    /// ```
    /// use customer_care::care::{CarePolicy, CarePolicySpec, CareSubject, CareWindow};
    /// use customer_care::customer::Customer;
    /// use customer_care::CustomerId;
    /// use chrono::NaiveDate;
    ///
    /// let zone = chrono_tz::Asia::Ho_Chi_Minh;
    /// let policy = CarePolicy::new(CarePolicySpec::example("Cà phê Sáng", zone, "50000 VND".parse()?))?;
    /// let nobody = Customer::new(CustomerId::from_u128(1)?);
    /// let window = CareWindow::local_day("2026-11-23".parse::<NaiveDate>()?, zone)?;
    /// let plan = policy.plan(window, [CareSubject::new(&nobody)]);
    /// assert!(plan.actions.is_empty() && plan.skipped.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn plan<'a>(&self, window: CareWindow, subjects: impl IntoIterator<Item = CareSubject<'a>>) -> CarePlan {
        let mut planner = Planner::new(self, window);
        for subject in subjects {
            planner.add(&subject);
        }
        planner.finish()
    }
}

struct Planner<'p> {
    policy: &'p CarePolicy,
    window: CareWindow,
    earliest: DateTime<Utc>,
    kinds: Vec<(CareKind, &'p KindPolicy)>,
    /// Local dates outside `lo..=hi` are outside the window in every zone (a zone is at most a day off UTC's
    /// date, and one more day of slack covers a step's local time): they need no conversion.
    lo: NaiveDate,
    hi: NaiveDate,
    plan: CarePlan,
}

impl<'p> Planner<'p> {
    fn new(policy: &'p CarePolicy, window: CareWindow) -> Self {
        let catch_up = TimeDelta::hours(i64::from(policy.spec().catch_up_hours));
        let earliest = window.start.checked_sub_signed(catch_up).unwrap_or(window.start);
        Self {
            policy,
            window,
            earliest,
            lo: earliest.date_naive().checked_sub_signed(TimeDelta::days(2)).unwrap_or(NaiveDate::MIN),
            hi: window.end.date_naive().checked_add_signed(TimeDelta::days(2)).unwrap_or(NaiveDate::MAX),
            kinds: policy.spec().kinds.iter().map(|(k, p)| (*k, p)).collect(),
            plan: CarePlan::default(),
        }
    }

    fn finish(mut self) -> CarePlan {
        self.plan.actions.sort_by(|a, b| (a.due_at, a.customer, &a.key).cmp(&(b.due_at, b.customer, &b.key)));
        self.plan.skipped.sort_by(|a, b| (a.customer, &a.key).cmp(&(b.customer, &b.key)));
        self.plan
    }

    fn add(&mut self, subject: &CareSubject<'_>) {
        let customer = subject.customer;
        let zone = customer.preferences().time_zone().unwrap_or_else(|| self.policy.spec().zone);
        let mut steps = Generator {
            zone,
            lo: self.lo,
            hi: self.hi,
            first_year: self.lo.year(),
            last_year: self.hi.year(),
            earliest: self.earliest,
            end: self.window.end,
            found: Vec::new(),
            next: None,
            next_date: None,
        };
        let stage = subject.stage.map(|s| s.stage);
        for &(kind, policy) in &self.kinds {
            if policy.is_for(stage) {
                steps.kind(kind, policy, subject, self.policy);
            }
        }
        if let Some(next) = steps.next_deadline() {
            self.plan.next_deadline = Some(self.plan.next_deadline.map_or(next, |n| n.min(next)));
        }
        if steps.found.is_empty() {
            return;
        }
        let found = std::mem::take(&mut steps.found);
        self.schedule(subject, zone, found);
    }

    /// Plans one customer's candidates: which are due and when, then which go out and on which channel.
    fn schedule(&mut self, subject: &CareSubject<'_>, zone: Tz, found: Vec<Candidate<'_>>) {
        let spec = self.policy.spec();
        let quiet: Vec<QuietHours> =
            spec.quiet_hours.into_iter().chain(subject.customer.preferences().quiet_hours()).collect();
        let pending = self.due(subject, zone, &quiet, found);
        if !pending.is_empty() {
            self.assign(subject, zone, &quiet, pending);
        }
    }

    /// Keys the candidates, drops those already sent, skips those of erased customers and replied series, and
    /// moves the rest out of quiet hours (and up to the window's start).
    fn due<'s>(
        &mut self,
        subject: &CareSubject<'_>,
        zone: Tz,
        quiet: &[QuietHours],
        found: Vec<Candidate<'s>>,
    ) -> Vec<Pending<'s>> {
        let customer = subject.customer;
        let id = customer.id();
        let history = subject.history;
        let refuse_all = match customer.status() {
            CustomerStatus::Active => None,
            CustomerStatus::Erased { .. } => Some(SkipReason::Erased),
            CustomerStatus::Unregistered => Some(SkipReason::NotRegistered),
        };
        let mut pending: Vec<Pending<'_>> = Vec::with_capacity(found.len());
        let mut key_text = String::with_capacity(80);
        for candidate in found {
            key_text.clear();
            let _ = write!(key_text, "{id}/{}/", candidate.kind);
            candidate.anchor.write_key(&mut key_text);
            let series_len = key_text.len();
            let _ = write!(key_text, "/{}", candidate.step);
            if history.iter().any(|e| matches!(e, CareEvent::CareSent { key, .. } if key.as_str() == key_text)) {
                continue;
            }
            let key = DedupKey::new(key_text.clone());
            let skip = |reason| SkippedCare {
                customer: id,
                kind: candidate.kind,
                step: candidate.step,
                key: key.clone(),
                scheduled_at: candidate.scheduled,
                reason,
            };
            if let Some(reason) = &refuse_all {
                self.plan.skipped.push(skip(reason.clone()));
                continue;
            }
            let replied = history.iter().filter_map(|e| match e {
                CareEvent::Replied { key: k, at } if k.series() == &key_text[..series_len] => Some(*at),
                _ => None,
            });
            if let Some(at) = replied.min() {
                self.plan.skipped.push(skip(SkipReason::Replied { at }));
                continue;
            }
            let (mut due, mut deferred) = if candidate.scheduled < self.window.start {
                (self.window.start, Some(Deferral::CatchUp))
            } else {
                (candidate.scheduled, None)
            };
            match out_of_quiet(due, zone, quiet) {
                Some(t) if t == due => {}
                Some(t) => (due, deferred) = (t, Some(Deferral::QuietHours)),
                None => {
                    self.plan.skipped.push(skip(SkipReason::QuietHours));
                    continue;
                }
            }
            let Some(kind_policy) = self.policy.kind(candidate.kind) else { continue };
            pending.push(Pending {
                candidate,
                key,
                due,
                deferred,
                purpose: candidate.kind.purpose(),
                priority: kind_policy.priority,
            });
        }
        pending
    }

    /// In order of due time (service first at equal times, then priority, then key): keeps the minimum gap,
    /// applies the caps, picks a channel and renders.
    fn assign(&mut self, subject: &CareSubject<'_>, zone: Tz, quiet: &[QuietHours], mut pending: Vec<Pending<'_>>) {
        let id = subject.customer.id();
        let spec = self.policy.spec();
        let mut sent: Vec<Sent> = subject
            .history
            .iter()
            .filter_map(|e| match e {
                CareEvent::CareSent { kind, channel, at, .. } => {
                    Some(Sent { at: *at, channel: *channel, marketing: kind.purpose() == Purpose::Marketing })
                }
                _ => None,
            })
            .collect();
        let gap = TimeDelta::minutes(i64::from(spec.min_gap_minutes));
        while let Some(next) = (0..pending.len()).min_by(|&a, &b| pending[a].order().cmp(&pending[b].order())) {
            let p = &mut pending[next];
            // The minimum gap: move past the latest message closer than it.
            if !gap.is_zero()
                && let Some(clash) = sent.iter().filter(|s| (s.at - p.due).abs() < gap).map(|s| s.at).max()
            {
                let moved = clash.checked_add_signed(gap).and_then(|t| out_of_quiet(t, zone, quiet));
                match moved {
                    Some(t) if t - p.candidate.scheduled <= MAX_GAP_DELAY => {
                        p.due = t;
                        p.deferred = Some(Deferral::MinGap);
                        continue;
                    }
                    _ => {
                        let p = pending.swap_remove(next);
                        self.skip(id, &p, SkipReason::Crowded);
                        continue;
                    }
                }
            }
            let p = pending.swap_remove(next);
            let marketing = p.purpose == Purpose::Marketing;
            if marketing
                && let Some(cap) =
                    spec.caps.iter().find(|c| c.channel.is_none() && over_cap(&sent, p.due, c.max, c.days, None))
            {
                self.skip(id, &p, SkipReason::Capped { max: cap.max, days: cap.days });
                continue;
            }
            match self.channel(subject, &p, &sent) {
                Ok(channel) => match self.render(subject, zone, &p, channel) {
                    Ok(action) => {
                        sent.push(Sent { at: p.due, channel, marketing });
                        self.plan.actions.push(action);
                    }
                    Err(error) => self.skip(id, &p, SkipReason::Unrenderable { error }),
                },
                Err(refusals) => self.skip(id, &p, SkipReason::NoChannel { refusals }),
            }
        }
    }

    fn skip(&mut self, customer: CustomerId, p: &Pending<'_>, reason: SkipReason) {
        self.plan.skipped.push(SkippedCare {
            customer,
            kind: p.candidate.kind,
            step: p.candidate.step,
            key: p.key.clone(),
            scheduled_at: p.candidate.scheduled,
            reason,
        });
    }

    /// The first channel that can carry `p`, or every channel's refusal.
    fn channel(
        &self,
        subject: &CareSubject<'_>,
        p: &Pending<'_>,
        sent: &[Sent],
    ) -> Result<Channel, Vec<(Channel, Refusal)>> {
        let customer = subject.customer;
        let Some(kind_policy) = self.policy.kind(p.candidate.kind) else { return Err(Vec::new()) };
        let preferred = customer.preferences().preferred_channel().filter(|c| kind_policy.channels.contains(c));
        let order = preferred.into_iter().chain(kind_policy.channels.iter().copied().filter(|c| Some(*c) != preferred));
        let mut refusals = Vec::new();
        for channel in order {
            match self.refusal(subject, p, channel, sent) {
                None => return Ok(channel),
                Some(r) => refusals.push((channel, r)),
            }
        }
        Err(refusals)
    }

    fn refusal(&self, subject: &CareSubject<'_>, p: &Pending<'_>, channel: Channel, sent: &[Sent]) -> Option<Refusal> {
        let customer = subject.customer;
        let profile = customer.profile();
        let reachable = match channel {
            Channel::Sms | Channel::PhoneCall | Channel::ChatApp => !profile.phones.is_empty(),
            Channel::Email => !profile.emails.is_empty(),
            Channel::Push => subject.push_enabled,
            _ => false,
        };
        if !reachable {
            return Some(Refusal::NoContactPoint);
        }
        let Some(consent) = customer.consents().record(channel, p.purpose).filter(|r| r.granted) else {
            return Some(Refusal::NoConsent);
        };
        let opted_out = subject.history.iter().filter_map(|e| match e {
            CareEvent::OptedOut { channel: c, at } if *c == channel && *at >= consent.decided_at => Some(*at),
            _ => None,
        });
        if let Some(at) = opted_out.max() {
            return Some(Refusal::OptedOut { at });
        }
        let failed = subject.history.iter().filter_map(|e| match e {
            CareEvent::CareFailed { key, channel: c, at } if *c == channel && *key == p.key => Some(*at),
            _ => None,
        });
        if let Some(at) = failed.max() {
            return Some(Refusal::Failed { at });
        }
        if p.purpose == Purpose::Marketing
            && let Some(cap) = self
                .policy
                .spec()
                .caps
                .iter()
                .find(|c| c.channel == Some(channel) && over_cap(sent, p.due, c.max, c.days, Some(channel)))
        {
            return Some(Refusal::Capped { max: cap.max, days: cap.days });
        }
        None
    }

    fn render(
        &self,
        subject: &CareSubject<'_>,
        zone: Tz,
        p: &Pending<'_>,
        channel: Channel,
    ) -> Result<CareAction, CareError> {
        let spec = self.policy.spec();
        let customer = subject.customer;
        let kind = p.candidate.kind;
        // The customer's language, else the business's; the template set falls back when it has neither.
        let wanted = customer.preferences().language().or(spec.language.as_ref()).map(Language::primary);
        let (language, template) = spec.templates.for_language(kind, wanted)?;
        let locale = Locale::for_tag(language);
        let kind_policy =
            self.policy.kind(kind).ok_or_else(|| CareError::MissingTemplate { kind, language: language.into() })?;
        let mut values = BTreeMap::new();
        for placeholder in template.placeholders() {
            if let Some(value) = self.value(subject, zone, p, kind_policy, placeholder, locale, language) {
                values.insert(placeholder, value);
            }
        }
        let message = template.render(&values)?;
        Ok(CareAction {
            customer: customer.id(),
            kind,
            step: p.candidate.step,
            key: p.key.clone(),
            channel,
            purpose: p.purpose,
            priority: p.priority,
            scheduled_at: p.candidate.scheduled,
            due_at: p.due,
            deferred: p.deferred,
            language: language.to_owned(),
            sms: sms_length(&message),
            message,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn value(
        &self,
        subject: &CareSubject<'_>,
        zone: Tz,
        p: &Pending<'_>,
        kind_policy: &KindPolicy,
        placeholder: Placeholder,
        locale: Locale,
        language: &str,
    ) -> Option<String> {
        let spec = self.policy.spec();
        let kind = p.candidate.kind;
        let points = subject.points.as_ref();
        let wallet = subject.stored_value.as_ref();
        let expires_on = |at: DateTime<Utc>| last_usable_date(zone, at).map(|d| locale.format_date(d));
        Some(match placeholder {
            Placeholder::Name => match subject.customer.profile().greeting_name() {
                Some(name) => name.as_str().to_owned(),
                None => spec.templates.anonymous_name(language).to_owned(),
            },
            Placeholder::Business => spec.business.clone(),
            Placeholder::Voucher => kind_policy.voucher_of(usize::from(p.candidate.step))?.to_owned(),
            Placeholder::Link => kind_policy.link.clone()?,
            Placeholder::Date => match p.candidate.anchor {
                Anchor::Occasion(date) => locale.format_date(date),
                Anchor::Purchase(entry) => locale.format_date(local_date(zone, entry.purchase.purchased_at)?),
                _ => return None,
            },
            Placeholder::Order => match p.candidate.anchor {
                Anchor::Purchase(entry) => entry.purchase.order_id.to_string(),
                _ => return None,
            },
            Placeholder::Amount => match (kind, p.candidate.anchor) {
                (_, Anchor::Purchase(entry)) => locale.format_money(&entry.net()),
                (CareKind::BonusExpiring, _) => locale.format_money(&wallet?.expiring_bonus.as_ref()?.amount),
                _ => return None,
            },
            Placeholder::Points => locale.format_integer(points?.expiring.as_ref()?.amount.get()),
            Placeholder::Balance => locale.format_money(&wallet?.available),
            // The display name in the reader's language; the key only when the program gives no display name.
            Placeholder::Tier => match (&points?.tier_display_name, points?.tier) {
                (Some(display), _) => display.for_language(language).to_owned(),
                (None, tier) => tier?.as_str().to_owned(),
            },
            Placeholder::ExpiresOn => match (kind, p.candidate.anchor) {
                (CareKind::TierAtRisk, Anchor::At(review)) => locale.format_date(local_date(zone, review)?),
                (_, Anchor::At(at)) => expires_on(at)?,
                _ => return None,
            },
            // Receipt values: no care kind supplies them (the policy refuses templates naming them).
            Placeholder::Time | Placeholder::Earned | Placeholder::Redeemed | Placeholder::Expiring => return None,
        })
    }
}

/// The last instant before `at` (something expiring at `at` is usable until then).
fn last_usable(at: DateTime<Utc>) -> DateTime<Utc> {
    at.checked_sub_signed(TimeDelta::nanoseconds(1)).unwrap_or(at)
}

/// Whether one more marketing message at `at` would put some rolling window of `days` days over `max`.
fn over_cap(sent: &[Sent], at: DateTime<Utc>, max: u32, days: u32, channel: Option<Channel>) -> bool {
    let width = TimeDelta::days(i64::from(days));
    let counted = |s: &&Sent| s.marketing && channel.is_none_or(|c| s.channel == c);
    // The fullest window containing `at` starts at `at` or at a counted message in (at - width, at].
    let starts = sent.iter().filter(counted).map(|s| s.at).filter(|&t| t <= at && at - t < width).chain([at]);
    starts.into_iter().any(|start| {
        let inside = sent.iter().filter(counted).filter(|s| s.at >= start && s.at - start < width).count();
        u32::try_from(inside).unwrap_or(u32::MAX) >= max
    })
}

/// The first instant at or after `at` outside every quiet span (in `zone`), or `None` when the spans leave no
/// time at all.
///
/// Quiet hours follow the wall clock: an instant is quiet when its local time lies in a span. In the autumn fold
/// both occurrences of a quiet time are quiet (01:15 after the clocks went back is as quiet as the first 01:15),
/// and a span ends when the clock first shows its end after `at` — the second 01:30 for an action due at the
/// second 01:15. When the clocks jump forward past a span's end (a gap), or back out of a span (a fold), it ends
/// at the change.
fn out_of_quiet(at: DateTime<Utc>, zone: Tz, spans: &[QuietHours]) -> Option<DateTime<Utc>> {
    let mut t = at;
    // Each round leaves a span or reaches a change of the clocks; spans that together fill the day never end.
    for _ in 0..spans.len().saturating_mul(2).saturating_add(4) {
        let time = local_time(zone, t);
        let Some(span) = spans.iter().find(|q| q.contains(time)) else { return Some(t) };
        // On the clock in force at `t`, the span ends after `left` — unless the clocks change first.
        let mut left = span.end().signed_duration_since(time);
        if left <= TimeDelta::zero() {
            left = left.checked_add(&TimeDelta::days(1))?;
        }
        let end = t.checked_add_signed(left)?;
        t = next_change(zone, t, end).unwrap_or(end);
    }
    None
}

/// Finds the steps of one customer scheduled in the window, and the next one after it.
struct Generator<'s> {
    zone: Tz,
    /// Local dates outside `lo..=hi` need no conversion (see [`Planner`]).
    lo: NaiveDate,
    hi: NaiveDate,
    first_year: i32,
    last_year: i32,
    earliest: DateTime<Utc>,
    end: DateTime<Utc>,
    found: Vec<Candidate<'s>>,
    next: Option<DateTime<Utc>>,
    /// The earliest step after the window known only by its local date and time, converted at the end.
    next_date: Option<(NaiveDate, NaiveTime)>,
}

impl<'s> Generator<'s> {
    fn next_deadline(&self) -> Option<DateTime<Utc>> {
        let by_date = self.next_date.and_then(|(d, t)| at_local(self.zone, d, t)).filter(|&t| t >= self.end);
        match (self.next, by_date) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn consider(&mut self, kind: CareKind, step: u8, anchor: Anchor<'s>, scheduled: DateTime<Utc>) {
        if scheduled >= self.end {
            self.next = Some(self.next.map_or(scheduled, |n| n.min(scheduled)));
        } else if scheduled >= self.earliest {
            self.found.push(Candidate { kind, step, anchor, scheduled });
        }
    }

    /// A step on local `date` at `time`, never before `not_before` nor at or after `before`.
    fn on_date(
        &mut self,
        (kind, step, anchor): (CareKind, u8, Anchor<'s>),
        date: NaiveDate,
        time: NaiveTime,
        not_before: Option<DateTime<Utc>>,
        before: Option<DateTime<Utc>>,
    ) {
        // Dates clearly outside the window need no zone conversion.
        if date < self.lo {
            return;
        }
        if date > self.hi && before.is_none() {
            // Only the next deadline needs it, and its local date and time order it (a floor at the anchor can
            // only make it later, so the deadline errs early, never late).
            if self.next_date.is_none_or(|n| (date, time) < n) {
                self.next_date = Some((date, time));
            }
            return;
        }
        let Some(mut at) = at_local(self.zone, date, time) else { return };
        if let Some(floor) = not_before {
            at = at.max(floor);
        }
        if before.is_some_and(|b| at >= b) {
            return;
        }
        self.consider(kind, step, anchor, at);
    }

    /// The steps of `kind` from an instant anchor (`at`), per the kind's `send_at`.
    fn after_instant(&mut self, kind: CareKind, policy: &KindPolicy, anchor: Anchor<'s>, at: DateTime<Utc>) {
        let counts_down = kind.counts_down();
        // Expiries count from the last day something can be used; everything else from the anchor's own day. Days
        // are counted from the anchor instant, so a step's date is exact even where the anchor's own local date
        // lies outside chrono's range; a step whose date does not is not planned.
        let anchor_day =
            if matches!(kind, CareKind::PointsExpiring | CareKind::BonusExpiring) { last_usable(at) } else { at };
        for (i, step) in policy.steps.iter().enumerate() {
            let step_no = u8::try_from(i).unwrap_or(u8::MAX);
            let days = TimeDelta::days(i64::from(step.days));
            match policy.send_at {
                SendAt::AfterAnchor { minutes } => {
                    let Some(t) = days
                        .checked_add(&TimeDelta::minutes(i64::from(minutes)))
                        .and_then(|d| at.checked_add_signed(d))
                    else {
                        continue;
                    };
                    if counts_down && t >= at {
                        continue;
                    }
                    self.consider(kind, step_no, anchor, t);
                }
                SendAt::LocalTime { time } => {
                    let Some(date) = local_date_plus(self.zone, anchor_day, i64::from(step.days)) else { continue };
                    let (not_before, before) = if counts_down { (None, Some(at)) } else { (Some(at), None) };
                    self.on_date((kind, step_no, anchor), date, time, not_before, before);
                }
            }
        }
    }

    fn kind(&mut self, kind: CareKind, policy: &KindPolicy, subject: &CareSubject<'s>, care: &CarePolicy) {
        let customer = subject.customer;
        match kind {
            CareKind::Birthday | CareKind::WeddingAnniversary | CareKind::MembershipAnniversary => {
                let occasion = match kind {
                    CareKind::Birthday => OccasionKind::Birthday,
                    CareKind::WeddingAnniversary => OccasionKind::WeddingAnniversary,
                    _ => OccasionKind::MembershipAnniversary,
                };
                let derived;
                let date = match customer.important_dates().get(&occasion) {
                    Some(d) => d,
                    None if kind == CareKind::MembershipAnniversary => {
                        let Some(joined) = customer.registered_at() else { return };
                        let Some(Ok(d)) = local_date(self.zone, joined).map(AnnualDate::from_date) else { return };
                        derived = d;
                        &derived
                    }
                    None => return,
                };
                let SendAt::LocalTime { time } = policy.send_at else { return };
                // Occurrences whose steps (on or before the day) can touch the window, and the next one after it.
                for year in self.first_year..=self.last_year.saturating_add(1) {
                    let Some(observed) = date.observed_in(year, care.spec().leap_day) else { continue };
                    if date.year().is_some_and(|origin| year <= origin) {
                        continue;
                    }
                    for (i, step) in policy.steps.iter().enumerate() {
                        let Some(day) = observed.checked_add_signed(TimeDelta::days(i64::from(step.days))) else {
                            continue;
                        };
                        let step_no = u8::try_from(i).unwrap_or(u8::MAX);
                        self.on_date((kind, step_no, Anchor::Occasion(observed)), day, time, None, None);
                    }
                }
            }
            CareKind::Welcome => {
                if let Some(at) = customer.registered_at() {
                    self.after_instant(kind, policy, Anchor::At(at), at);
                }
            }
            CareKind::PurchaseFollowUp => {
                let latest = customer.purchases().iter().filter(|p| !p.is_fully_refunded()).max_by(|a, b| {
                    (a.purchase.purchased_at, &a.purchase.order_id)
                        .cmp(&(b.purchase.purchased_at, &b.purchase.order_id))
                });
                if let Some(entry) = latest {
                    self.after_instant(kind, policy, Anchor::Purchase(entry), entry.purchase.purchased_at);
                }
            }
            CareKind::LoyalReward | CareKind::WinBack => {
                if let Some(stage) = subject.stage {
                    self.after_instant(kind, policy, Anchor::At(stage.since), stage.since);
                }
            }
            CareKind::PointsExpiring => {
                let Some(expiry) = subject.points.as_ref().and_then(|p| p.expiring.as_ref()) else { return };
                let enough = match policy.threshold {
                    Some(Threshold::Points { points }) => expiry.amount >= points,
                    _ => expiry.amount.is_positive(),
                };
                if enough {
                    self.after_instant(kind, policy, Anchor::At(expiry.expires_at), expiry.expires_at);
                }
            }
            CareKind::BonusExpiring => {
                let Some(expiry) = subject.stored_value.as_ref().and_then(|w| w.expiring_bonus.as_ref()) else {
                    return;
                };
                let enough = match policy.threshold {
                    Some(Threshold::Money { amount }) => at_least(&expiry.amount, &amount),
                    _ => expiry.amount.is_positive(),
                };
                if enough {
                    self.after_instant(kind, policy, Anchor::At(expiry.expires_at), expiry.expires_at);
                }
            }
            CareKind::LowBalance => {
                let Some(wallet) = subject.stored_value.as_ref() else { return };
                let Some(Threshold::Money { amount: below }) = policy.threshold else { return };
                let low = wallet.available.is_positive()
                    && !at_least(&wallet.available, &below)
                    && wallet.available.currency() == below.currency();
                if let (true, Some(at)) = (low, wallet.last_activity_at) {
                    self.after_instant(kind, policy, Anchor::At(at), at);
                }
            }
            CareKind::TierUpgraded => {
                if let Some(points) = subject.points.as_ref()
                    && let (Some(_), Some(at)) = (&points.tier, points.upgraded_at)
                {
                    self.after_instant(kind, policy, Anchor::At(at), at);
                }
            }
            CareKind::TierAtRisk => {
                if let Some(points) = subject.points.as_ref()
                    && let (Some(_), Some(at)) = (&points.tier, points.review_at_risk)
                {
                    self.after_instant(kind, policy, Anchor::At(at), at);
                }
            }
            CareKind::Survey => {
                for ticket in subject.resolved_tickets {
                    self.after_instant(kind, policy, Anchor::Ticket(ticket), ticket.resolved_at);
                }
            }
            CareKind::Apology => {
                if let Some(streak) = subject.poor_experience.filter(|s| s.flagged) {
                    self.after_instant(kind, policy, Anchor::Streak(streak.since), streak.last_at);
                }
            }
        }
    }
}

/// `a >= b` for money in one currency; `false` across currencies.
fn at_least(a: &Money, b: &Money) -> bool {
    a.currency() == b.currency() && a.amount() >= b.amount()
}
