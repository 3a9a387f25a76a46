//! Business calendar: known answers, daylight saving, and properties checked against a minute-by-minute reference.

use std::sync::OnceLock;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use customer_care::calendar::{BusinessCalendar, CalendarError, Shift, TimeRange, WeeklyHours};
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn local(tz: Tz, y: i32, m: u32, day: u32, h: u32, min: u32) -> DateTime<Utc> {
    tz.with_ymd_and_hms(y, m, day, h, min, 0).earliest().unwrap().to_utc()
}

fn range(a: &str, b: &str) -> TimeRange {
    TimeRange::parse(a, b).unwrap()
}

fn office(tz: Tz) -> BusinessCalendar {
    BusinessCalendar::builder(tz, WeeklyHours::weekdays(&[range("09:00", "17:00")]).unwrap()).build().unwrap()
}

#[test]
fn london_holiday_case() {
    let hours = WeeklyHours::weekdays(&[range("09:00", "12:00"), range("13:00", "17:00")]).unwrap();
    let london = chrono_tz::Europe::London;
    let cal = BusinessCalendar::builder(london, hours).holidays([d(2026, 12, 25), d(2026, 12, 28)]).build().unwrap();
    let opened = local(london, 2026, 12, 24, 16, 30);
    assert_eq!(cal.business_time_between(opened, local(london, 2026, 12, 29, 11, 0)).unwrap(), TimeDelta::minutes(150));
    let due = cal.add_business_time(opened, TimeDelta::hours(8)).unwrap();
    assert_eq!(due, Utc.with_ymd_and_hms(2026, 12, 30, 9, 30, 0).unwrap());
    assert_eq!(cal.business_time_between(opened, due).unwrap(), TimeDelta::hours(8));
}

#[test]
fn new_york_weekend_across_both_2026_changes() {
    let ny = chrono_tz::America::New_York;
    let cal = office(ny);
    for (fri, mon) in [(6, 9), (30, 2)] {
        let (fm, mm) = if fri == 6 { (3, 3) } else { (10, 11) };
        let a = local(ny, 2026, fm, fri, 16, 0);
        let b = local(ny, 2026, mm, mon, 10, 0);
        assert_eq!(cal.business_time_between(a, b).unwrap(), TimeDelta::hours(2), "{a} → {b}");
        let wall = b - a;
        assert_eq!(wall, if fri == 6 { TimeDelta::hours(65) } else { TimeDelta::hours(67) });
        assert_eq!(cal.add_business_time(a, TimeDelta::hours(2)).unwrap(), b);
    }
}

#[test]
fn gap_and_fold_hours_follow_elapsed_time() {
    let ny = chrono_tz::America::New_York;
    // Open 01:00–04:00 on Sundays: 2 real hours on 2026-03-08 (02:00–03:00 never happens), 4 on 2026-11-01.
    let hours = WeeklyHours::days(&[Weekday::Sun], &[range("01:00", "04:00")]).unwrap();
    let cal = BusinessCalendar::builder(ny, hours).build().unwrap();
    let spring = cal.business_time_between(local(ny, 2026, 3, 7, 12, 0), local(ny, 2026, 3, 9, 0, 0)).unwrap();
    assert_eq!(spring, TimeDelta::hours(2));
    let autumn = cal.business_time_between(local(ny, 2026, 10, 31, 12, 0), local(ny, 2026, 11, 2, 0, 0)).unwrap();
    assert_eq!(autumn, TimeDelta::hours(4));
    // A due date landing in the repeated hour is its first occurrence.
    let due = cal.add_business_time(local(ny, 2026, 10, 31, 12, 0), TimeDelta::minutes(90)).unwrap();
    assert_eq!(due, Utc.with_ymd_and_hms(2026, 11, 1, 6, 30, 0).unwrap());
}

#[test]
fn zones_without_local_midnight_on_the_change_day() {
    // Chile moves 2026-09-06 00:00 → 01:00; Cuba 2026-03-08 00:00 → 01:00. A holiday still closes the whole date.
    for (tz, date) in [(chrono_tz::America::Santiago, d(2026, 9, 6)), (chrono_tz::America::Havana, d(2026, 3, 8))] {
        let always = BusinessCalendar::builder(tz, WeeklyHours::always()).build().unwrap();
        let before = local(tz, date.year(), date.month(), date.day() - 1, 0, 0);
        let after = local(tz, date.year(), date.month(), date.day() + 1, 0, 0);
        assert_eq!(always.business_time_between(before, after).unwrap(), TimeDelta::hours(47), "{tz}");
        let closed = BusinessCalendar::builder(tz, WeeklyHours::always()).holiday(date).build().unwrap();
        assert_eq!(closed.business_time_between(before, after).unwrap(), TimeDelta::hours(24), "{tz}");
        let due = closed.add_business_time(before, TimeDelta::hours(25)).unwrap();
        assert_eq!(due, local(tz, date.year(), date.month(), date.day() + 1, 1, 0), "{tz}");
    }
}

#[test]
fn exceptions_and_schedule_changes() {
    let utc = Tz::UTC;
    let cal = BusinessCalendar::builder(utc, WeeklyHours::weekdays(&[range("09:00", "17:00")]).unwrap())
        .holiday(d(2026, 12, 24))
        .exception(d(2026, 12, 24), [range("09:00", "12:00")]) // open on the holiday, mornings only
        .exception(d(2026, 12, 31), [range("09:00", "13:00")]) // closed early
        .exception(d(2026, 12, 30), []) // closed
        .change_from(d(2027, 1, 4), WeeklyHours::weekdays(&[range("10:00", "14:00")]).unwrap())
        .build()
        .unwrap();
    let h = |a, b| cal.business_time_between(a, b).unwrap().num_hours();
    assert_eq!(h(local(utc, 2026, 12, 24, 0, 0), local(utc, 2026, 12, 25, 0, 0)), 3);
    assert_eq!(h(local(utc, 2026, 12, 28, 0, 0), local(utc, 2027, 1, 1, 0, 0)), 8 + 8 + 4); // the 30th is closed
    assert_eq!(h(local(utc, 2027, 1, 4, 0, 0), local(utc, 2027, 1, 11, 0, 0)), 20);
    let json = serde_json::to_string(&cal).unwrap();
    assert_eq!(serde_json::from_str::<BusinessCalendar>(&json).unwrap(), cal);
}

#[test]
fn bad_calendars_are_rejected() {
    let overlap = [
        Shift::overnight(Weekday::Sun, "20:00".parse().unwrap(), "08:00".parse().unwrap()).unwrap(),
        Shift::new(Weekday::Mon, "07:00".parse().unwrap(), "12:00".parse().unwrap()).unwrap(),
    ];
    let err = WeeklyHours::new(overlap).unwrap_err();
    assert_eq!(err.to_string(), "overlapping shifts Sun 20:00–08:00 (next day) and Mon 07:00–12:00");
    let e = BusinessCalendar::builder(Tz::UTC, WeeklyHours::always())
        .exception(d(2026, 1, 1), [range("09:00", "12:00"), range("11:00", "13:00")])
        .build()
        .unwrap_err();
    assert!(matches!(e, CalendarError::OverlappingRanges { .. }), "{e}");
    let e = BusinessCalendar::builder(Tz::UTC, WeeklyHours::always()).holiday(d(1850, 1, 1)).build().unwrap_err();
    assert_eq!(e.to_string(), "date 1850-01-01 is outside the supported range 1900-01-01 to 2199-12-31");
    let e = BusinessCalendar::builder(Tz::UTC, WeeklyHours::always())
        .change_from(d(2026, 1, 1), WeeklyHours::never())
        .change_from(d(2026, 1, 1), WeeklyHours::always())
        .build()
        .unwrap_err();
    assert!(matches!(e, CalendarError::DuplicateChange { .. }));
    assert!(customer_care::calendar::parse_zone("Europe/Atlantis").is_err());
    let json = r#"{"zone":"Europe/Atlantis","hours":[]}"#;
    let err = serde_json::from_str::<BusinessCalendar>(json).unwrap_err();
    assert!(err.to_string().starts_with("unknown time zone \"Europe/Atlantis\""), "{err}");
    let early = Utc.with_ymd_and_hms(1899, 12, 31, 0, 0, 0).unwrap();
    assert!(matches!(
        office(Tz::UTC).business_time_between(early, local(Tz::UTC, 2026, 1, 1, 0, 0)),
        Err(CalendarError::InstantOutOfRange { .. })
    ));
}

#[test]
fn dbt_zendesk_schedule_change_in_the_afternoon() {
    // fivetran/dbt_zendesk DECISIONLOG.md, "Business Time Metrics": ticket 941606 created 2020-09-29 17:01:38 UTC
    // under "Level 1 Chicago" (every day 12:00–02:00 UTC, i.e. 07:00–21:00 CDT), switched to "Level 2 San
    // Francisco" (weekdays 15:00–00:30 UTC, i.e. 10:00–19:30 CDT) at 2020-09-30 19:01:25 UTC (14:01:25 in
    // Chicago), first public reply 19:01:46 UTC. Elapsed business time across both schedules:
    // 538.3667 + 421.4167 + 0.35 = 960.1333 minutes = 57,608 s (the log rounds each part to 959.46).
    let chicago = chrono_tz::America::Chicago;
    let level1 = WeeklyHours::days(
        &[Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun],
        &[range("07:00", "21:00")],
    )
    .unwrap();
    let level2 = WeeklyHours::weekdays(&[range("10:00", "19:30")]).unwrap();
    let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    let changed = at("2020-09-30T19:01:25Z");
    let cal =
        BusinessCalendar::builder(chicago, level1.clone()).change_at_instant(changed, level2.clone()).build().unwrap();
    let created = at("2020-09-29T17:01:38Z");
    let replied = at("2020-09-30T19:01:46Z");
    let elapsed = cal.business_time_between(created, replied).unwrap();
    assert_eq!(elapsed, TimeDelta::seconds(57_608));
    assert!((elapsed.num_milliseconds() as f64 / 60_000.0 - 960.133).abs() < 5e-4);
    // The same change by local date and time; it serializes with its time and round-trips.
    let by_local = BusinessCalendar::builder(chicago, level1.clone())
        .change_at(d(2020, 9, 30), "14:01:25".parse().unwrap(), level2.clone())
        .build()
        .unwrap();
    assert_eq!(by_local, cal);
    let json = serde_json::to_string(&cal).unwrap();
    assert!(json.contains(r#""at":"14:01:25""#), "{json}");
    assert_eq!(serde_json::from_str::<BusinessCalendar>(&json).unwrap(), cal);
    // A change at midnight keeps its old serialized shape (no "at").
    let midnight = BusinessCalendar::builder(chicago, level1.clone()).change_from(d(2020, 9, 30), level2.clone());
    assert!(!serde_json::to_string(&midnight.build().unwrap()).unwrap().contains(r#""at""#));
    // Zendesk's own figure uses the last schedule only: 689.46 minutes in the log (which rounds the creation to
    // 17:02), 448.3667 + 241.7667 = 690.1333 minutes exactly (41,408 s).
    let last_only = BusinessCalendar::builder(chicago, level2.clone()).build().unwrap();
    assert_eq!(last_only.business_time_between(created, replied).unwrap(), TimeDelta::seconds(41_408));
    // A mid-day change inside a holiday waits for the holiday's end.
    let closed = BusinessCalendar::builder(chicago, level1.clone())
        .holiday(d(2020, 9, 30))
        .change_at(d(2020, 9, 30), "14:00".parse().unwrap(), level2)
        .build()
        .unwrap();
    let thursday = local(chicago, 2020, 10, 1, 0, 0);
    assert_eq!(closed.business_time_between(thursday, thursday + TimeDelta::days(1)).unwrap(), TimeDelta::minutes(570));
    assert_eq!(closed.business_time_between(local(chicago, 2020, 9, 30, 0, 0), thursday).unwrap(), TimeDelta::zero());
    // Two changes at the same local instant are rejected; at different times of one day they are not.
    let twice = |a: &str, b: &str| {
        BusinessCalendar::builder(chicago, level1.clone())
            .change_at(d(2020, 9, 30), a.parse().unwrap(), WeeklyHours::never())
            .change_at(d(2020, 9, 30), b.parse().unwrap(), WeeklyHours::always())
            .build()
    };
    assert!(matches!(twice("14:00", "14:00"), Err(CalendarError::DuplicateChange { .. })));
    let both = twice("08:00", "20:00").unwrap();
    // Wednesday: open 07:00–08:00 (old hours), closed 08:00–20:00, open 20:00–24:00 (always): 5 h.
    let wednesday = local(chicago, 2020, 9, 30, 0, 0);
    assert_eq!(both.business_time_between(wednesday, thursday).unwrap(), TimeDelta::hours(5));
    // 24:00 is the next midnight: the same instant as a change at 00:00 the next day.
    let e = BusinessCalendar::builder(chicago, level1)
        .change_at(d(2020, 9, 30), "24:00".parse().unwrap(), WeeklyHours::never())
        .change_from(d(2020, 10, 1), WeeklyHours::always())
        .build();
    assert!(matches!(e, Err(CalendarError::DuplicateChange { .. })));
}

#[test]
fn a_change_in_the_repeated_hour_follows_the_wall_clock() {
    // New York, 2026-11-01: 01:00–02:00 is shown twice. Open around the clock, closed from 01:30 on. The wall
    // clock decides: 00:00–01:30 EDT (1.5 h), then in the second showing 01:00–01:30 EST again under the old hours
    // (0.5 h), closed after: 2 h from midnight to the next midnight.
    let ny = chrono_tz::America::New_York;
    let cal = BusinessCalendar::builder(ny, WeeklyHours::always())
        .change_at(d(2026, 11, 1), "01:30".parse().unwrap(), WeeklyHours::never())
        .build()
        .unwrap();
    let midnight = local(ny, 2026, 11, 1, 0, 0);
    assert_eq!(cal.business_time_between(midnight, midnight + TimeDelta::hours(25)).unwrap(), TimeDelta::hours(2));
    // The instant form: 05:30 UTC is 01:30 EDT, the first showing.
    let by_instant = BusinessCalendar::builder(ny, WeeklyHours::always())
        .change_at_instant(Utc.with_ymd_and_hms(2026, 11, 1, 5, 30, 0).unwrap(), WeeklyHours::never())
        .build()
        .unwrap();
    assert_eq!(by_instant, cal);
}

#[test]
fn sub_business_time_known_answers() {
    // London, weekdays 09:00–12:00 and 13:00–17:00, holidays 25 and 28 December 2026 (the workclock example read
    // backwards): 8 business hours before 2026-12-30 09:30 UTC is 2026-12-24 16:30 local.
    let hours = WeeklyHours::weekdays(&[range("09:00", "12:00"), range("13:00", "17:00")]).unwrap();
    let london = chrono_tz::Europe::London;
    let cal = BusinessCalendar::builder(london, hours).holidays([d(2026, 12, 25), d(2026, 12, 28)]).build().unwrap();
    let due = Utc.with_ymd_and_hms(2026, 12, 30, 9, 30, 0).unwrap();
    assert_eq!(cal.sub_business_time(due, TimeDelta::hours(8)).unwrap(), local(london, 2026, 12, 24, 16, 30));
    // 150 minutes before 2026-12-29 11:00: 2026-12-24 16:30 as well (the closed days and nights add nothing).
    let later = local(london, 2026, 12, 29, 11, 0);
    assert_eq!(cal.sub_business_time(later, TimeDelta::minutes(150)).unwrap(), local(london, 2026, 12, 24, 16, 30));
    // From a closed instant the latest start is the end of the last open stretch that suffices: 30 minutes before
    // Tuesday 12:30 (lunch) is 11:30.
    let lunch = local(london, 2026, 12, 29, 12, 30);
    assert_eq!(cal.sub_business_time(lunch, TimeDelta::minutes(30)).unwrap(), local(london, 2026, 12, 29, 11, 30));
    // One hour before 13:30 crosses lunch: 11:30.
    let after = local(london, 2026, 12, 29, 13, 30);
    assert_eq!(cal.sub_business_time(after, TimeDelta::hours(1)).unwrap(), local(london, 2026, 12, 29, 11, 30));
    assert_eq!(cal.sub_business_time(after, TimeDelta::zero()).unwrap(), after);
    assert!(matches!(
        cal.sub_business_time(after, TimeDelta::seconds(-1)),
        Err(CalendarError::InvalidDuration { seconds: -1 })
    ));
    let never = BusinessCalendar::builder(Tz::UTC, WeeklyHours::never()).build().unwrap();
    let e = never.sub_business_time(after, TimeDelta::seconds(1)).unwrap_err();
    assert_eq!(e, CalendarError::NotEnoughBusinessTime { until: after, seconds: 1 });
    assert_eq!(
        e.to_string(),
        "the calendar is open less than 1 s between 1900-01-01T00:00:00Z and 2026-12-29 13:30:00 UTC"
    );
    // Right after the start of the supported range, an always-open calendar has only that much.
    let start = Utc.with_ymd_and_hms(1900, 1, 1, 0, 0, 0).unwrap();
    let open = BusinessCalendar::always_open();
    assert_eq!(open.sub_business_time(start + TimeDelta::hours(1), TimeDelta::hours(1)).unwrap(), start);
    assert!(open.sub_business_time(start + TimeDelta::hours(1), TimeDelta::minutes(61)).is_err());
}

// --- properties ------------------------------------------------------------------------------------------------

const ZONES: [Tz; 7] = [
    chrono_tz::Europe::London,
    chrono_tz::America::New_York,
    chrono_tz::America::Santiago,
    chrono_tz::America::Havana,
    chrono_tz::Australia::Lord_Howe,
    chrono_tz::Asia::Kolkata,
    Tz::UTC,
];

struct Case {
    cal: BusinessCalendar,
    holidays: Vec<NaiveDate>,
    change: NaiveDate,
}

/// Per zone: lunch-break weekdays, an overnight Friday and a Sunday shift ending at 24:00, holidays every 9 days
/// around the change dates, and a schedule change to 24/7 at 14:00 local on 2026-06-01 (a Monday, mid-shift).
fn cases() -> &'static Vec<Case> {
    static CASES: OnceLock<Vec<Case>> = OnceLock::new();
    CASES.get_or_init(|| {
        ZONES
            .iter()
            .map(|&tz| {
                let mut shifts: Vec<Shift> = WeeklyHours::days(
                    &[Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu],
                    &[range("00:30", "02:30"), range("09:00", "12:00"), range("13:00", "17:00")],
                )
                .unwrap()
                .shifts()
                .to_vec();
                shifts
                    .push(Shift::overnight(Weekday::Fri, "22:00".parse().unwrap(), "02:30".parse().unwrap()).unwrap());
                shifts.push(Shift::new(Weekday::Sun, "20:00".parse().unwrap(), "24:00".parse().unwrap()).unwrap());
                let holidays: Vec<NaiveDate> = (0..40).map(|i| d(2026, 1, 1) + TimeDelta::days(i * 9)).collect();
                let change = d(2026, 6, 1);
                let cal = BusinessCalendar::builder(tz, WeeklyHours::new(shifts).unwrap())
                    .holidays(holidays.iter().copied())
                    .change_at(change, "14:00".parse().unwrap(), WeeklyHours::always())
                    .build()
                    .unwrap();
                Case { cal, holidays, change }
            })
            .collect()
    })
}

/// The reference: is the local wall time open?
fn open_at(case: &Case, t: NaiveDateTime) -> bool {
    let date = t.date();
    if case.holidays.contains(&date) {
        return false;
    }
    if t >= case.change.and_hms_opt(14, 0, 0).unwrap() {
        return true;
    }
    let secs = t.time().num_seconds_from_midnight();
    let hm = |h: u32, m: u32| h * 3600 + m * 60;
    match date.weekday() {
        Weekday::Mon | Weekday::Tue | Weekday::Wed | Weekday::Thu => {
            (hm(0, 30)..hm(2, 30)).contains(&secs)
                || (hm(9, 0)..hm(12, 0)).contains(&secs)
                || (hm(13, 0)..hm(17, 0)).contains(&secs)
        }
        Weekday::Fri => secs >= hm(22, 0),
        Weekday::Sat => secs < hm(2, 30),
        Weekday::Sun => secs >= hm(20, 0),
    }
}

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    // 2025-12-01 to 2026-12-31, at 15-minute steps (every offset change in these zones is on a 15-minute mark).
    let start = Utc.with_ymd_and_hms(2025, 12, 1, 0, 0, 0).unwrap();
    (0_i64..(396 * 96)).prop_map(move |q| start + TimeDelta::minutes(15 * q))
}

proptest! {
    #[test]
    fn between_is_additive(zone in 0..ZONES.len(), a in instant(), b in instant(), c in instant()) {
        let mut v = [a, b, c];
        v.sort();
        let cal = &cases()[zone].cal;
        let ab = cal.business_time_between(v[0], v[1]).unwrap();
        let bc = cal.business_time_between(v[1], v[2]).unwrap();
        prop_assert_eq!(ab + bc, cal.business_time_between(v[0], v[2]).unwrap());
        prop_assert!(ab <= v[1] - v[0]);
        prop_assert!(ab >= TimeDelta::zero());
    }

    #[test]
    fn add_then_between_round_trips(zone in 0..ZONES.len(), t in instant(), minutes in 0_i64..20_000, extra_ns in 0_i64..1_000_000_000) {
        let cal = &cases()[zone].cal;
        let d = TimeDelta::minutes(minutes) + TimeDelta::nanoseconds(extra_ns);
        let due = cal.add_business_time(t, d).unwrap();
        prop_assert!(due >= t);
        prop_assert_eq!(cal.business_time_between(t, due).unwrap(), d);
        // Earliest: one nanosecond less is not enough.
        if d > TimeDelta::zero() {
            prop_assert!(cal.business_time_between(t, due - TimeDelta::nanoseconds(1)).unwrap() < d);
        }
        // between then add never overshoots.
        let u = t + TimeDelta::minutes(minutes);
        let back = cal.add_business_time(t, cal.business_time_between(t, u).unwrap()).unwrap();
        prop_assert!(back <= u);
    }

    #[test]
    fn sub_then_between_round_trips(zone in 0..ZONES.len(), t in instant(), minutes in 0_i64..20_000, extra_ns in 0_i64..1_000_000_000) {
        let cal = &cases()[zone].cal;
        let d = TimeDelta::minutes(minutes) + TimeDelta::nanoseconds(extra_ns);
        let start = cal.sub_business_time(t, d).unwrap();
        prop_assert!(start <= t);
        prop_assert_eq!(cal.business_time_between(start, t).unwrap(), d);
        // Latest: one nanosecond later is not enough.
        if d > TimeDelta::zero() {
            prop_assert!(cal.business_time_between(start + TimeDelta::nanoseconds(1), t).unwrap() < d);
        }
        // add after sub never passes the end, and lands on it when the calendar is open just before the end.
        let back = cal.add_business_time(start, d).unwrap();
        prop_assert!(back <= t);
        if cal.is_open(t - TimeDelta::nanoseconds(1)).unwrap() || d.is_zero() {
            prop_assert_eq!(back, t);
        }
        // sub after add never starts before the start.
        let due = cal.add_business_time(t, d).unwrap();
        prop_assert!(cal.sub_business_time(due, d).unwrap() >= t);
    }

    #[test]
    fn matches_the_minute_by_minute_reference(zone in 0..ZONES.len(), a in instant(), hours in 0_i64..60) {
        let case = &cases()[zone];
        let tz = case.cal.zone();
        let b = a + TimeDelta::hours(hours);
        let mut minutes = 0_i64;
        let mut t = a;
        while t < b {
            if open_at(case, tz.from_utc_datetime(&t.naive_utc()).naive_local()) {
                minutes += 1;
            }
            t += TimeDelta::minutes(1);
        }
        prop_assert_eq!(case.cal.business_time_between(a, b).unwrap(), TimeDelta::minutes(minutes));
    }
}

/// A schedule change at chrono's first or last instant, in zones where that instant's local date is not
/// representable (east of UTC at `MAX_UTC`, west of it at `MIN_UTC`): a typed error naming the date (calendars
/// cover 1900–2199), never a panic (the local conversion used to overflow there).
#[test]
fn schedule_change_at_the_ends_of_time_is_a_typed_error() {
    let hours = WeeklyHours::weekdays(&[range("09:00", "17:00")]).unwrap();
    for (zone, at) in [
        (chrono_tz::Asia::Tokyo, DateTime::<Utc>::MAX_UTC),
        (chrono_tz::America::Chicago, DateTime::<Utc>::MIN_UTC),
        (chrono_tz::Asia::Tokyo, DateTime::<Utc>::MIN_UTC),
        (chrono_tz::America::Chicago, DateTime::<Utc>::MAX_UTC),
    ] {
        let built = BusinessCalendar::builder(zone, hours.clone()).change_at_instant(at, WeeklyHours::never()).build();
        let err = built.expect_err("a change outside 1900-2199").to_string();
        let year = if at == DateTime::<Utc>::MAX_UTC { "+262142-12-31" } else { "-262143-01-01" };
        assert!(err.contains(year) && err.contains("outside the supported range"), "{zone} at {at}: {err}");
    }
}
