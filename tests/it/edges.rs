//! No panic at any instant: the regressions of issue 14 §3, and one harness that calls every public entry point
//! taking instants or local dates at both ends of chrono's range, in zones east and west of UTC.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use customer_care::care::{CareKind, CarePolicy, CarePolicySpec, CareSubject, CareWindow, ResolvedTicket, StageFacts};
use customer_care::customer::Customer;
use customer_care::lifecycle::Stage;
use customer_care::service::{GroupBy, GroupKey, ReportConfig, ServiceReport, TicketId};
use customer_care::{CustomerId, DisplayName};

const MIN: DateTime<Utc> = DateTime::<Utc>::MIN_UTC;
const MAX: DateTime<Utc> = DateTime::<Utc>::MAX_UTC;

fn policy(zone: Tz) -> CarePolicy {
    CarePolicy::new(CarePolicySpec::example("Cà phê Sáng", zone, "50000 VND".parse().unwrap())).unwrap()
}

/// A window of one day in 2026: the anchors lie ~262,000 years away, so nothing is due, but every anchor is looked
/// at (each kind converts its anchor to a local date).
fn window_2026() -> CareWindow {
    CareWindow::local_day(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), chrono_tz::UTC).unwrap()
}

#[test]
fn planning_with_anchors_at_the_ends_of_time_does_not_panic() {
    // Issue 14 §3: a resolved ticket or a stage start near MAX_UTC for a customer in UTC+7, or near MIN_UTC in
    // UTC-8, panicked with "Local time out of range" in the planner.
    let nobody = Customer::new(CustomerId::from_u128(1).unwrap());
    for (zone, anchor) in [
        (chrono_tz::Asia::Ho_Chi_Minh, MAX),
        (chrono_tz::Asia::Ho_Chi_Minh, MAX - TimeDelta::hours(1)),
        (chrono_tz::America::Los_Angeles, MIN),
        (chrono_tz::America::Los_Angeles, MIN + TimeDelta::hours(1)),
    ] {
        let care = policy(zone);
        let tickets = [ResolvedTicket { ticket: TicketId::new("T-1").unwrap(), resolved_at: anchor }];
        for stage in [Stage::Loyal, Stage::Aging] {
            let subject = CareSubject {
                stage: Some(StageFacts { stage, since: anchor }),
                resolved_tickets: &tickets,
                ..CareSubject::new(&nobody)
            };
            let plan = care.plan(window_2026(), [subject]);
            assert!(plan.actions.is_empty() && plan.skipped.is_empty(), "{zone} {anchor}: {plan:?}");
        }
    }
    // And a window at the very end of time, where the steps of such anchors are due.
    let care = policy(chrono_tz::Asia::Ho_Chi_Minh);
    let window = CareWindow::new(MAX - TimeDelta::days(2), MAX).unwrap();
    let tickets = [ResolvedTicket { ticket: TicketId::new("T-2").unwrap(), resolved_at: MAX - TimeDelta::days(1) }];
    let subject = CareSubject { resolved_tickets: &tickets, ..CareSubject::new(&nobody) };
    let plan = care.plan(window, [subject]);
    // The survey is due 60 minutes after the resolution; `nobody` never registered, so it is skipped as such.
    assert_eq!(plan.skipped.len(), 1, "{plan:?}");
    assert_eq!(plan.skipped[0].kind, CareKind::Survey);
}

#[test]
fn service_report_by_local_period_accepts_a_ticket_created_at_min_utc_in_new_york() {
    // Issue 14 §3: grouping by day, week or month in America/New_York panicked on a ticket created at MIN_UTC.
    let ticket = metrics_created_at(MIN);
    let first = NaiveDate::MIN;
    for (by, key) in [
        (GroupBy::Day, GroupKey::Day(first)),
        (GroupBy::Week, GroupKey::Week(first)),
        (GroupBy::Month, GroupKey::Month(first)),
    ] {
        let config = ReportConfig::new().group_by(by).zone(chrono_tz::America::New_York);
        let report = ServiceReport::new(std::slice::from_ref(&ticket), &config);
        assert_eq!(report.groups.len(), 1);
        assert_eq!(report.groups[0].key, key, "{by:?}");
        assert_eq!(report.groups[0].tickets, 1);
    }
}

/// The metrics of a small solved ticket, moved to start at `at` (the fields are public: a host can build any).
pub fn metrics_created_at(at: DateTime<Utc>) -> customer_care::service::TicketMetrics {
    use customer_care::calendar::{BusinessCalendar, TimeRange, WeeklyHours};
    use customer_care::service::{Channel, MetricsConfig, Priority, Ticket, TicketEvent, TicketEventKind};
    let t0 = crate::common::at(2026, 3, 2, 14, 0);
    let events = vec![
        TicketEvent::new(
            t0,
            TicketEventKind::Created {
                channel: Channel::Email,
                requester: CustomerId::from_u128(7).unwrap(),
                priority: Priority::Normal,
            },
        ),
        TicketEvent::new(t0, TicketEventKind::CustomerMessage),
    ];
    let ticket = Ticket::new(TicketId::new("E-1").unwrap(), events).unwrap();
    let hours = WeeklyHours::weekdays(&[TimeRange::parse("09:00", "17:00").unwrap()]).unwrap();
    let calendar = BusinessCalendar::builder(chrono_tz::America::New_York, hours).build().unwrap();
    let mut m = ticket.metrics(&MetricsConfig::new(), &calendar, t0 + TimeDelta::hours(1)).unwrap();
    m.created_at = at;
    m
}

// ------------------------------------------------------------------------------------------------ the class harness

use std::panic::{AssertUnwindSafe, catch_unwind};

use chrono::{FixedOffset, Offset, TimeZone};
use customer_care::calendar::{BusinessCalendar, TimeRange, WeeklyHours};
use customer_care::care::{PointsFacts, StoredValueFacts, TemplateSet};
use customer_care::customer::{
    AnnualDate, Change, CustomerCommand, LeapDayPolicy, NewProfile, OccasionKind, OccasionWindow, PreferencesPatch,
    Purchase as CustomerPurchase, occasions_between,
};
use customer_care::ledger::LineId;
use customer_care::ledger::UpcomingExpiry;
use customer_care::lifecycle::{Activity, LifecyclePolicy, PolicyConfig, Purchase};
use customer_care::loyalty::{
    BonusReason, ExpiryPolicy, LoyaltyProgram, Period as LoyaltyPeriod, Points, PointsAccount, PointsCommand,
    PointsReceipt, ProgramSpec, PurchaseLine, Tier, TierMetric, TierName, TierRules, TierWindow,
};
use customer_care::metrics::{Breakdown, NpsScale, NpsScore, Period, Response, TimeBucket};
use customer_care::service::experience::{
    ExperienceEvent, PoorExperiencePolicy, PoorExperienceStreak, consecutive_poor_experiences,
};
use customer_care::service::{Channel as TicketChannel, MetricsConfig, Priority, Ticket, TicketEvent, TicketEventKind};
use customer_care::wallet::{
    BonusExpiry, StoredValueAccount, StoredValueProgram, StoredValueSpec, WalletCommand, WalletEvent,
};
use customer_care::{AccountId, Command, CommandId, Currency, Decision, Money, OrderId, PaymentRef};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// The zones of the issue: UTC, the far east and west of the ends of the range, the furthest ahead (UTC+14) and
/// one whose DST skips midnight.
const ZONES: [Tz; 5] = [
    chrono_tz::UTC,
    chrono_tz::Asia::Ho_Chi_Minh,
    chrono_tz::America::New_York,
    chrono_tz::Pacific::Kiritimati,
    chrono_tz::America::Santiago,
];

/// Instants at both ends of chrono's range and around them.
fn edge_instants() -> Vec<DateTime<Utc>> {
    let s = TimeDelta::seconds(1);
    let d = TimeDelta::days(1);
    let y = TimeDelta::days(365);
    vec![MIN, MIN + s, MIN + d, MIN + y, MAX - y, MAX - d, MAX - s, MAX]
}

/// Local dates at both ends of chrono's range.
fn edge_dates() -> Vec<NaiveDate> {
    let d = TimeDelta::days(1);
    vec![NaiveDate::MIN, NaiveDate::MIN + d, NaiveDate::MAX - d, NaiveDate::MAX]
}

/// `at` moved by `days` days, held within chrono's range.
fn plus(at: DateTime<Utc>, days: i64) -> DateTime<Utc> {
    at.checked_add_signed(TimeDelta::days(days)).unwrap_or(if days < 0 { MIN } else { MAX })
}

/// Runs `f` and records a panic under `what`; `f` returns the entry point's result, a value or a typed error.
fn probe<T: std::fmt::Debug>(panics: &mut Vec<String>, calls: &mut usize, what: String, f: impl FnOnce() -> T) {
    *calls += 1;
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => {
            // Formatting the result walks it all (and a `Display` of a typed error must not panic either).
            let _ = format!("{result:?}");
        }
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            panics.push(format!("{what}: {message}"));
        }
    }
}

/// A registered customer in `zone` with a birthday, consent and a phone, registered and buying at `at` (moved
/// later by the stream's clock only if needed).
fn customer_at(zone: Tz, at: DateTime<Utc>) -> Option<Customer> {
    let mut c = Customer::new(CustomerId::from_u128(9).ok()?);
    let profile = NewProfile::default()
        .preferred_name("Lan")
        .ok()?
        .phone("0903 123 456", customer_care::customer::Region::VN)
        .ok()?
        .build();
    let commands = vec![
        CustomerCommand::Register { profile, registered_at: Some(at) },
        CustomerCommand::SetPreferences {
            patch: PreferencesPatch { time_zone: Some(Change::Set(zone)), ..Default::default() },
        },
        CustomerCommand::SetImportantDate { kind: OccasionKind::Birthday, date: "--02-29".parse::<AnnualDate>().ok()? },
        CustomerCommand::RecordPurchase(CustomerPurchase::new(
            OrderId::new("HD-1").ok()?,
            "85000 VND".parse().ok()?,
            at,
        )),
    ];
    for (i, body) in commands.into_iter().enumerate() {
        let command = Command::new(CommandId::from_u128(i as u128 + 1).ok()?, at, body);
        if let Ok(Decision::Accepted(commit)) = c.decide(&command) {
            c.apply(&commit);
        }
    }
    Some(c)
}

fn loyalty_programs(zone: Tz) -> Vec<LoyaltyProgram> {
    let usd = |minor| Money::from_minor(minor, Currency::USD);
    let tier = |name: &str, threshold: i64| Tier {
        name: TierName::new(name).unwrap(),
        display_name: None,
        threshold: Decimal::from(threshold),
        earn_multiplier: Decimal::ONE,
        discount_percent: Decimal::ZERO,
    };
    let expiries = [
        ExpiryPolicy::Never,
        ExpiryPolicy::RollingDays { days: 30 },
        ExpiryPolicy::RollingMonths { months: 12 },
        ExpiryPolicy::EndOfPeriod { period: LoyaltyPeriod::Quarter, periods_after: 1 },
        ExpiryPolicy::FixedDate { month: 12, day: 31 },
        ExpiryPolicy::Inactivity { months: 18 },
    ];
    let windows = [TierWindow::CalendarYear, TierWindow::RollingMonths { months: 3 }];
    let mut out = Vec::new();
    for (i, expiry) in expiries.into_iter().enumerate() {
        let mut spec = ProgramSpec::new(zone, usd(100), Decimal::ONE).redeem(Points::new(100), usd(100));
        spec.expiry = expiry;
        spec.pending_days = if i % 2 == 0 { 0 } else { 14 };
        spec.tiers = Some(TierRules {
            metric: TierMetric::PointsEarned,
            window: windows[i % 2],
            tiers: vec![tier("member", 0), tier("gold", 1000)],
            grace_days: 10,
            floor: None,
        });
        if let Ok(program) = LoyaltyProgram::new(spec) {
            out.push(program);
        }
    }
    out
}

/// The entry points covered, one line each; `every_entry_point_answers_at_the_ends_of_time` calls each with every
/// edge instant (or date) in every zone of [`ZONES`].
pub const COVERED: &[&str] = &[
    "CarePolicy::plan (every kind's anchor at the instant; windows at the instant and on the edge dates)",
    "CareWindow::new, CareWindow::local_day",
    "ServiceReport::new grouped by day, week and month",
    "Ticket::new, Ticket::metrics, Ticket::next_deadline",
    "consecutive_poor_experiences",
    "Period::containing, Period::of_date, Period::end/next/previous, Breakdown::by_period",
    "BusinessCalendar::business_time_between, add_business_time, is_open",
    "LoyaltyProgram::expiry_for, dormant_at, activation_for, campaign_multiplier",
    "PointsAccount::decide (earn, with tiers and every expiry policy), tier_progress, PointsFacts::of",
    "StoredValueProgram::bonus_expiry_for, StoredValueAccount::decide (top-up), StoredValueFacts::of",
    "PointsReceipt::of, CarePolicy/TemplateSet::render_receipt (points, stored value), UpcomingExpiry::last_usable_date",
    "LifecyclePolicy::classify, classify_history, classify_customer",
    "lifecycle::Purchase::at (in a fixed offset at the instant)",
    "OccasionWindow::new, OccasionWindow::starting, Customer::occasions, occasions_between",
    "Customer::decide (register and purchase at the instant), Customer::activity_summary",
];

/// The class test of issue 14 §3: every public entry point that takes instants or local dates answers — with a
/// value or a typed error — at both ends of chrono's range and around them (`MIN_UTC`, +1 s, +1 day, +1 year;
/// `MAX_UTC`, −1 s, −1 day, −1 year; `NaiveDate::MIN`/`MAX` and their neighbours), in UTC, Asia/Ho_Chi_Minh,
/// America/New_York, Pacific/Kiritimati and America/Santiago. A panic is caught (`catch_unwind` is the detector
/// only) and reported with the call that raised it.
///
/// Entry points covered (also in [`COVERED`]):
/// - `CarePolicy::plan` (every kind's anchor at the instant; windows at the instant and on the edge dates);
///   `CareWindow::new`, `CareWindow::local_day`
/// - `ServiceReport::new` grouped by day, week and month; `Ticket::new`, `Ticket::metrics`,
///   `Ticket::next_deadline`; `consecutive_poor_experiences`
/// - `Period::containing`, `Period::of_date`, `Period::end`/`next`/`previous`, `Breakdown::by_period`
/// - `BusinessCalendar::business_time_between`, `add_business_time`, `is_open`
/// - `LoyaltyProgram::expiry_for`, `dormant_at`, `activation_for`, `campaign_multiplier`; `PointsAccount::decide`
///   (earn, with tiers and every expiry policy), `tier_progress`, `PointsFacts::of`
/// - `StoredValueProgram::bonus_expiry_for`, `StoredValueAccount::decide` (top-up), `StoredValueFacts::of`
/// - `PointsReceipt::of`, `CarePolicy::render_receipt`, `TemplateSet::render_receipt` (points and stored value),
///   `UpcomingExpiry::last_usable_date`
/// - `LifecyclePolicy::classify`, `classify_history`, `classify_customer`; `lifecycle::Purchase::at`
/// - `OccasionWindow::new`, `OccasionWindow::starting`, `Customer::occasions`, `occasions_between`;
///   `Customer::decide` (register and purchase at the instant), `Customer::activity_summary`
#[test]
fn every_entry_point_answers_at_the_ends_of_time() {
    let mut panics = Vec::new();
    let mut calls = 0_usize;
    let p = &mut panics;
    let n = &mut calls;
    let instants = edge_instants();
    let dates = edge_dates();
    let lifecycle = LifecyclePolicy::new(PolicyConfig::default()).unwrap();
    let hours = WeeklyHours::weekdays(&[TimeRange::parse("09:00", "17:00").unwrap()]).unwrap();
    for zone in ZONES {
        let care = policy(zone);
        let calendar = BusinessCalendar::builder(zone, hours.clone()).build().unwrap();
        let programs = loyalty_programs(zone);
        let mut wallet_spec = StoredValueSpec::new(zone, Currency::VND);
        wallet_spec.bonus_expiry = BonusExpiry::Days { days: 30 };
        let wallets = [
            StoredValueProgram::new(wallet_spec.clone()).unwrap(),
            StoredValueProgram::new(StoredValueSpec { bonus_expiry: BonusExpiry::Months { months: 6 }, ..wallet_spec })
                .unwrap(),
        ];
        for &date in &dates {
            probe(p, n, format!("CareWindow::local_day({date}, {zone})"), || CareWindow::local_day(date, zone));
            if let Ok(window) = CareWindow::local_day(date, zone) {
                let lan = customer_at(zone, window.start());
                probe(p, n, format!("plan(local_day {date}, {zone})"), || {
                    lan.as_ref().map(|c| care.plan(window, [CareSubject::new(c)]))
                });
            }
            for bucket in [TimeBucket::Day, TimeBucket::IsoWeek, TimeBucket::Month, TimeBucket::Quarter] {
                probe(p, n, format!("Period::of_date({date}, {bucket:?})"), || {
                    let period = Period::of_date(date, bucket);
                    (period, period.end(), period.next(), period.previous(), period.to_string().parse::<Period>())
                });
            }
            for last in [date, NaiveDate::MIN, NaiveDate::MAX] {
                probe(p, n, format!("OccasionWindow::new({date}, {last}, {zone})"), || {
                    OccasionWindow::new(date.min(last), date.max(last), zone)
                        .map(|w| customer_at(zone, MIN).map(|c| c.occasions(&w, LeapDayPolicy::March1)))
                });
            }
        }
        for &at in &instants {
            let what = |entry: &str| format!("{entry} at {at} in {zone}");
            probe(p, n, what("CareWindow::new"), || {
                (CareWindow::new(at, plus(at, 1)), CareWindow::new(plus(at, -1), at))
            });
            // The planner: every kind anchored at `at`, planned in a 2026 window and in windows around `at`.
            let lan = customer_at(zone, at);
            let tickets = [ResolvedTicket { ticket: TicketId::new("T-1").unwrap(), resolved_at: at }];
            let expiring_points = UpcomingExpiry { expires_at: at, amount: Points::new(500) };
            let expiring_bonus = UpcomingExpiry { expires_at: at, amount: Money::from_minor(10_000, Currency::VND) };
            let mut windows = vec![window_2026()];
            windows.extend(CareWindow::new(at, plus(at, 30)));
            windows.extend(CareWindow::new(plus(at, -30), at));
            for stage in [Stage::Potential, Stage::New, Stage::Loyal, Stage::Aging] {
                let Some(lan) = lan.as_ref() else { break };
                let subject = CareSubject {
                    stage: Some(StageFacts { stage, since: at }),
                    points: Some(PointsFacts {
                        available: Points::new(500),
                        expiring: Some(expiring_points.clone()),
                        tier: Some(TierName::new("gold").unwrap()),
                        upgraded_at: Some(at),
                        review_at_risk: Some(at),
                        tier_display_name: Some(DisplayName::new("Vàng").unwrap().with("en", "Gold").unwrap()),
                    }),
                    stored_value: Some(StoredValueFacts {
                        available: Money::from_minor(10_000, Currency::VND),
                        expiring_bonus: Some(expiring_bonus.clone()),
                        last_activity_at: Some(at),
                    }),
                    resolved_tickets: &tickets,
                    poor_experience: Some(PoorExperienceStreak {
                        customer: lan.id(),
                        count: 3,
                        since: at,
                        last_at: at,
                        flagged: true,
                    }),
                    push_enabled: true,
                    ..CareSubject::new(lan)
                };
                for &window in &windows {
                    probe(p, n, format!("{} {stage:?} {window:?}", what("CarePolicy::plan")), || {
                        care.plan(window, [subject.clone()])
                    });
                }
            }
            // Service: reports, ticket metrics, experience streaks.
            let mut ticket = metrics_created_at(at);
            for by in [GroupBy::Day, GroupBy::Week, GroupBy::Month] {
                probe(p, n, format!("{} {by:?}", what("ServiceReport::new")), || {
                    ServiceReport::new(std::slice::from_ref(&ticket), &ReportConfig::new().group_by(by).zone(zone))
                });
            }
            ticket.created_at = at;
            probe(p, n, what("Ticket::metrics"), || {
                let created = TicketEvent::new(
                    at,
                    TicketEventKind::Created {
                        channel: TicketChannel::Email,
                        requester: CustomerId::from_u128(7).unwrap(),
                        priority: Priority::Urgent,
                    },
                );
                let events = vec![created, TicketEvent::new(at, TicketEventKind::CustomerMessage)];
                Ticket::new(TicketId::new("E-2").unwrap(), events).map(|t| {
                    (
                        t.metrics(&MetricsConfig::new(), &calendar, at),
                        t.next_deadline(&MetricsConfig::new(), &calendar, at),
                    )
                })
            });
            probe(p, n, what("consecutive_poor_experiences"), || {
                let events = [ExperienceEvent::sla_breached(CustomerId::from_u128(7).unwrap(), at)];
                consecutive_poor_experiences(&events, &PoorExperiencePolicy::new(1, 30, 2).unwrap(), at)
            });
            // Metrics: periods and breakdowns.
            for bucket in [TimeBucket::Day, TimeBucket::IsoWeek, TimeBucket::Month, TimeBucket::Quarter] {
                probe(p, n, format!("{} {bucket:?}", what("Period::containing / Breakdown::by_period")), || {
                    let response = Response::new(NpsScore::new(9).unwrap()).with_responded_at(at);
                    let period = Period::containing(at, bucket, zone);
                    (period.next(), period.previous(), Breakdown::by_period(NpsScale, [&response], bucket, zone))
                });
            }
            // Calendars.
            probe(p, n, what("BusinessCalendar"), || {
                (
                    calendar.business_time_between(at, MAX),
                    calendar.business_time_between(MIN, at),
                    calendar.add_business_time(at, TimeDelta::hours(8)),
                    calendar.add_business_time(at, -TimeDelta::hours(8)),
                    calendar.is_open(at),
                )
            });
            // Loyalty and stored value.
            for (i, program) in programs.iter().enumerate() {
                probe(p, n, format!("{} #{i}", what("LoyaltyProgram expiry/dormancy/activation")), || {
                    (
                        program.expiry_for(at),
                        program.dormant_at(at),
                        program.activation_for(at),
                        program.campaign_multiplier(at),
                    )
                });
                probe(p, n, format!("{} #{i}", what("PointsAccount::decide earn")), || {
                    let mut account = PointsAccount::new(AccountId::from_u128(1).unwrap());
                    let earn = PointsCommand::EarnPoints {
                        order: OrderId::new("R-1").unwrap(),
                        lines: vec![PurchaseLine {
                            line: LineId::new(1),
                            amount: Money::from_minor(500_000, Currency::USD),
                            tags: vec![],
                        }],
                    };
                    let decided = account.decide(program, &Command::new(CommandId::from_u128(1).unwrap(), at, earn));
                    if let Ok(Decision::Accepted(commit)) = &decided {
                        account.apply(commit);
                    }
                    (decided, account.tier_progress(program, at), PointsFacts::of(&account, program, at))
                });
                probe(p, n, format!("{} #{i}", what("PointsReceipt::of / render_receipt / last_usable_date")), || {
                    let mut account = PointsAccount::new(AccountId::from_u128(1).unwrap());
                    let bonus = PointsCommand::AwardBonus {
                        points: Points::new(50),
                        reason: BonusReason::Birthday,
                        expires_at: None,
                    };
                    let decided = account.decide(program, &Command::new(CommandId::from_u128(1).unwrap(), at, bonus));
                    let Ok(Decision::Accepted(commit)) = decided else { return None };
                    account.apply(&commit);
                    let receipt = PointsReceipt::of(&commit, &account)?;
                    let dates: Vec<_> =
                        account.explain().next_expiries.iter().map(|e| e.last_usable_date(zone)).collect();
                    Some((dates, lan.as_ref().map(|c| care.render_receipt(&receipt, c))))
                });
            }
            probe(p, n, what("UpcomingExpiry::last_usable_date"), || {
                (expiring_points.last_usable_date(zone), expiring_bonus.last_usable_date(zone))
            });
            for (i, wallet) in wallets.iter().enumerate() {
                probe(p, n, format!("{} #{i}", what("StoredValue bonus expiry / top-up")), || {
                    let mut account = StoredValueAccount::new(AccountId::from_u128(2).unwrap(), Currency::VND);
                    let top_up = WalletCommand::TopUp {
                        payment: PaymentRef::new("MOMO-1").unwrap(),
                        amount: Money::from_minor(100_000, Currency::VND),
                    };
                    let decided = account.decide(wallet, &Command::new(CommandId::from_u128(1).unwrap(), at, top_up));
                    if let Ok(Decision::Accepted(commit)) = &decided {
                        account.apply(commit);
                    }
                    (wallet.bonus_expiry_for(at), decided, StoredValueFacts::of(&account))
                });
                probe(p, n, format!("{} #{i}", what("StoredValue spend receipt / render_receipt")), || {
                    let mut account = StoredValueAccount::new(AccountId::from_u128(2).unwrap(), Currency::VND);
                    let commands = [
                        WalletCommand::TopUp {
                            payment: PaymentRef::new("MOMO-1").unwrap(),
                            amount: Money::from_minor(100_000, Currency::VND),
                        },
                        WalletCommand::Spend {
                            order: OrderId::new("HD-1").unwrap(),
                            amount: Money::from_minor(30_000, Currency::VND),
                            tags: vec![],
                        },
                    ];
                    let mut rendered = Vec::new();
                    for (k, body) in commands.into_iter().enumerate() {
                        let command = Command::new(CommandId::from_u128(k as u128 + 1).unwrap(), at, body);
                        let Ok(Decision::Accepted(commit)) = account.decide(wallet, &command) else { continue };
                        account.apply(&commit);
                        for receipt in commit.events.iter().filter_map(WalletEvent::receipt) {
                            rendered.push(lan.as_ref().map(|c| care.render_receipt(receipt, c)));
                            rendered.push(Some(TemplateSet::samples().render_receipt(
                                receipt,
                                Some("vi"),
                                zone,
                                "Mai",
                            )));
                        }
                    }
                    rendered
                });
            }
            // Lifecycle.
            probe(p, n, what("LifecyclePolicy"), || {
                let activity = Activity {
                    registered_at: at,
                    first_purchase_at: Some(at),
                    last_purchase_at: Some(at),
                    purchases: 1,
                    spend: Decimal::ONE,
                };
                (
                    lifecycle.classify(&activity, at, None),
                    lifecycle.classify(&activity, MAX, Some(0.5)),
                    lifecycle.classify_history(at, &[(at, Decimal::ONE)], at),
                    lifecycle.classify_history(MIN, &[(at, Decimal::ONE)], MAX),
                    lan.as_ref().map(|c| lifecycle.classify_customer(c, Currency::VND, at)),
                    lan.as_ref().map(|c| lifecycle.classify_customer(c, Currency::VND, MAX)),
                )
            });
            probe(p, n, what("lifecycle::Purchase::at"), || {
                let offset = zone.offset_from_utc_datetime(&at.naive_utc()).fix();
                let local: DateTime<FixedOffset> = at.with_timezone(&offset);
                Purchase::at(1_u32, &local, Decimal::ONE)
            });
            // Customers: occasions and activity.
            for days in [1, 30, 366] {
                probe(p, n, format!("{} {days} days", what("OccasionWindow::starting / occasions")), || {
                    OccasionWindow::starting(at, days, zone).map(|w| {
                        lan.as_ref().map(|c| {
                            (
                                c.occasions(&w, LeapDayPolicy::February28),
                                occasions_between([c], &w, LeapDayPolicy::March1),
                            )
                        })
                    })
                });
            }
            probe(p, n, what("Customer::activity_summary"), || lan.as_ref().map(|c| c.activity_summary(at)));
        }
    }
    assert!(calls > 1_000, "the harness made {calls} calls");
    // The customers the planner and the occasions saw were registered, with their purchase, at every instant.
    for zone in ZONES {
        for at in edge_instants() {
            let c = customer_at(zone, at).unwrap();
            assert_eq!((c.registered_at(), c.purchases().len()), (Some(at), 1), "{zone} {at}");
        }
    }
    assert_eq!(COVERED.len(), 15);
    assert!(panics.is_empty(), "{} of {calls} calls panicked:\n{}", panics.len(), panics.join("\n"));
}

/// Instants anywhere in chrono's range, weighted to the last and first days, where local dates run out.
fn any_instant() -> impl Strategy<Value = DateTime<Utc>> {
    let near = |end: DateTime<Utc>, sign: i64| {
        (0_i64..3 * 86_400, 0_u32..1_000_000_000).prop_map(move |(s, ns)| {
            let back = TimeDelta::seconds(s) + TimeDelta::nanoseconds(i64::from(ns));
            end.checked_add_signed(back * sign as i32).unwrap_or(end)
        })
    };
    prop_oneof![
        near(MIN, 1),
        near(MAX, -1),
        (MIN.timestamp()..=MAX.timestamp()).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap_or(MIN)),
    ]
}

fn any_zone() -> impl Strategy<Value = Tz> {
    (0..chrono_tz::TZ_VARIANTS.len()).prop_map(|i| chrono_tz::TZ_VARIANTS[i])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The same promise in every zone of the tz database, at any instant: the planner (a ticket, a stage and an
    /// expiry anchored there), the service report, periods, the expiries and occasion windows answer.
    #[test]
    fn any_zone_any_instant_answers(zone in any_zone(), at in any_instant(), days in 0_i64..40) {
        let care = policy(zone);
        let lan = customer_at(zone, at).unwrap();
        let tickets = [ResolvedTicket { ticket: TicketId::new("T-1").unwrap(), resolved_at: at }];
        let subject = CareSubject {
            stage: Some(StageFacts { stage: Stage::Aging, since: at }),
            points: Some(PointsFacts {
                available: Points::new(500),
                expiring: Some(UpcomingExpiry { expires_at: at, amount: Points::new(500) }),
                tier: None,
                upgraded_at: None,
                review_at_risk: None,
                tier_display_name: None,
            }),
            resolved_tickets: &tickets,
            ..CareSubject::new(&lan)
        };
        let start = plus(at, -days);
        if let Ok(window) = CareWindow::new(start, plus(start, 30)) {
            let plan = care.plan(window, [subject]);
            // Whatever is planned lies in the window (or is the next deadline after it).
            for action in &plan.actions {
                prop_assert!(action.due_at >= window.start());
            }
            prop_assert!(plan.next_deadline.is_none_or(|d| d >= window.end()));
        }
        for by in [GroupBy::Day, GroupBy::Week, GroupBy::Month] {
            let report = ServiceReport::new(&[metrics_created_at(at)], &ReportConfig::new().group_by(by).zone(zone));
            prop_assert_eq!(report.groups.len(), 1);
        }
        let day = Period::containing(at, TimeBucket::Day, zone).start();
        // The day holds the instant, or is the nearest representable date.
        prop_assert!((day - at.date_naive()).num_days().abs() <= 1);
        for program in loyalty_programs(zone) {
            if let Some(expiry) = program.expiry_for(at) {
                prop_assert!(expiry > at);
            }
        }
        let _ = OccasionWindow::starting(at, 7, zone).map(|w| lan.occasions(&w, LeapDayPolicy::March1));
    }
}
