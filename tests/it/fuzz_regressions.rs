//! Fuzz findings, each replayed as a plain test without libFuzzer. The minimised input is committed under
//! `fuzz/regressions/<target>/`; the test builds the same situation from ordinary values. Findings in code another
//! helper owns are `#[ignore]`d naming the owner until their fix lands, then the `ignore` goes.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use customer_care::care::{CareKind, CarePolicy, CarePolicySpec, CareSubject, CareWindow};
use customer_care::customer::{Customer, CustomerCommand, NewProfile};
use customer_care::{Command, CommandId, CustomerId, Decision};

/// A customer registered (walk-in, no contact points) with `registered_at` as the joining instant.
fn registered(registered_at: DateTime<Utc>) -> Customer {
    let mut customer = Customer::new(CustomerId::from_u128(1).unwrap());
    let body = CustomerCommand::Register { profile: NewProfile::default().build(), registered_at: Some(registered_at) };
    let command = Command::new(CommandId::from_u128(1).unwrap(), registered_at, body);
    match customer.decide(&command).unwrap() {
        Decision::Accepted(commit) => customer.apply(&commit),
        Decision::Duplicate { .. } => unreachable!("a first command is never a duplicate"),
    }
    customer
}

/// `fuzz/regressions/care_plan/crash-54fd1711…` (the one-byte input `g`): the membership anniversary of a
/// customer who joined at an instant whose local date lies outside chrono's range in the policy's zone
/// (`MAX_UTC` in UTC+7, `MIN_UTC` in UTC-8) panicked in `local_day::local_date` ("Local time out of range")
/// instead of planning nothing for it.
#[test]
#[ignore = "fuzz finding, owner: time"]
fn care_plan_membership_anniversary_of_a_customer_who_joined_at_either_end_of_time() {
    for (zone, joined) in [
        (Tz::Asia__Ho_Chi_Minh, DateTime::<Utc>::MAX_UTC),
        (Tz::America__Los_Angeles, DateTime::<Utc>::MIN_UTC),
        (Tz::Pacific__Kiritimati, DateTime::<Utc>::MAX_UTC),
    ] {
        let mut spec = CarePolicySpec::example("Cà phê Sáng", zone, "50000 VND".parse().unwrap());
        spec.kinds.retain(|k, _| *k == CareKind::MembershipAnniversary);
        let policy = CarePolicy::new(spec).unwrap();
        let customer = registered(joined);
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let plan = policy.plan(CareWindow::local_day(day, zone).unwrap(), [CareSubject::new(&customer)]);
        // Joined at the end of time: no anniversary falls in 2026.
        assert!(plan.actions.is_empty(), "{zone}: {:?}", plan.actions);
    }
}
