//! Money properties: allocation keeps totals, arithmetic round-trips.

use std::cmp::Ordering;

use customer_care::{Currency, Money, MoneyError, Rounding};
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::common::strategies::currency;

proptest! {
    #[test]
    fn allocation_keeps_the_total_and_each_share_within_one_unit(
        units in -10_000_000_000i64..10_000_000_000,
        currency in currency(),
        weights in proptest::collection::vec(0u64..1_000_000, 1..12),
    ) {
        let total = Money::from_minor(units, currency);
        let sum_w: u64 = weights.iter().sum();
        prop_assume!(sum_w > 0);
        let parts = total.allocate(&weights).unwrap();
        prop_assert_eq!(parts.len(), weights.len());
        let sum = parts.iter().try_fold(Money::zero(currency), |acc, p| acc.checked_add(*p)).unwrap();
        prop_assert_eq!(sum, total);
        for (part, &w) in parts.iter().zip(&weights) {
            // |part − units·w/Σw| < 1 unit: compare in exact integer arithmetic.
            let exact_num = i128::from(units) * i128::from(w);
            let diff = part.minor_units() * i128::from(sum_w) - exact_num;
            prop_assert!(diff.abs() < i128::from(sum_w), "part {part} weight {w}");
            if w == 0 {
                prop_assert!(part.is_zero());
            }
        }
    }

    #[test]
    fn equal_splits_differ_by_at_most_one_unit(units in 0i64..1_000_000_000, n in 1usize..50) {
        let parts = Money::from_minor(units, Currency::VND).split(n).unwrap();
        let min = parts.iter().map(Money::minor_units).min().unwrap();
        let max = parts.iter().map(Money::minor_units).max().unwrap();
        prop_assert!(max - min <= 1);
        // Earlier parts take the extra units.
        prop_assert!(parts.windows(2).all(|w| w[0].minor_units() >= w[1].minor_units()));
    }

    #[test]
    fn add_then_sub_round_trips(a in -1_000_000_000_000i64..1_000_000_000_000, b in -1_000_000_000_000i64..1_000_000_000_000, currency in currency()) {
        let (a, b) = (Money::from_minor(a, currency), Money::from_minor(b, currency));
        prop_assert_eq!(a.checked_add(b).unwrap().checked_sub(b).unwrap(), a);
    }

    #[test]
    fn division_brackets_the_exact_quotient(units in -1_000_000_000i64..1_000_000_000, d in 1u64..1000) {
        let m = Money::from_minor(units, Currency::USD);
        let floor = m.checked_div_int(d, Rounding::Floor).unwrap().minor_units();
        let ceil = m.checked_div_int(d, Rounding::Ceiling).unwrap().minor_units();
        let d = i128::from(d);
        prop_assert!(floor * d <= i128::from(units) && i128::from(units) <= ceil * d);
        prop_assert!(ceil - floor <= 1);
        let half = m.checked_div_int(d as u64, Rounding::HalfEven).unwrap().minor_units();
        prop_assert!(half == floor || half == ceil);
        prop_assert!((2 * (half * d - i128::from(units))).abs() <= d);
    }
}

/// The largest magnitude of minor units a `Money` holds: 2⁹⁶ − 1.
const MAX_UNITS: i128 = (1 << 96) - 1;

/// Any `Decimal`: arbitrary mantissa, sign and scale (0 to 28), the extremes, and small everyday values.
fn any_decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        4 => (any::<u32>(), any::<u32>(), any::<u32>(), any::<bool>(), 0u32..=28)
            .prop_map(|(lo, mid, hi, negative, scale)| Decimal::from_parts(lo, mid, hi, negative, scale)),
        1 => Just(Decimal::MAX),
        1 => Just(Decimal::MIN),
        1 => (0u32..=28).prop_map(|scale| Decimal::from_i128_with_scale(MAX_UNITS, scale)),
        4 => (any::<i64>(), 0u32..=6).prop_map(|(m, scale)| Decimal::new(m, scale)),
    ]
}

/// Currencies with 0 (JPY, VND), 2 (USD), 3 (BHD, KWD) and 4 (CLF) minor digits.
fn any_currency() -> impl Strategy<Value = Currency> {
    prop_oneof![
        Just(Currency::JPY),
        Just(Currency::VND),
        Just(Currency::USD),
        Just(Currency::KWD),
        Just(Currency::from_code("BHD").unwrap()),
        Just(Currency::from_code("CLF").unwrap()),
    ]
}

/// Any valid amount: arbitrary minor units up to the limit, in any currency.
fn any_money() -> impl Strategy<Value = Money> {
    (prop_oneof![-MAX_UNITS..=MAX_UNITS, -1_000_000i128..1_000_000], any_currency())
        .prop_map(|(units, c)| Money::new(Decimal::from_i128_with_scale(units, u32::from(c.minor_units())), c).unwrap())
}

/// `units × 10^-minor_digits == amount`, exactly, and the amount is at the currency's scale.
fn holds_exactly(m: &Money) -> bool {
    let minor = u32::from(m.currency().minor_units());
    m.amount().scale() == minor
        && Decimal::from_i128_with_scale(m.minor_units(), minor) == m.amount()
        && m.minor_units().abs() <= MAX_UNITS
}

/// The amount at exactly `minor` decimal places, if it has no finer digit: its minor units (any size).
fn exact_units(amount: Decimal, minor: u32) -> Option<Option<i128>> {
    let n = amount.normalize();
    let extra = minor.checked_sub(n.scale())?;
    Some(n.mantissa().checked_mul(10i128.pow(extra)))
}

/// The rounding of `p / d` (d > 0) named by `rounding`, written from the floor: an oracle for `checked_mul`.
fn round_oracle(p: i128, d: i128, rounding: Rounding) -> i128 {
    let (floor, rem) = (p.div_euclid(d), p.rem_euclid(d));
    if rem == 0 {
        return floor;
    }
    let up = floor + 1;
    let toward_zero = if p > 0 { floor } else { up };
    let away = if p > 0 { up } else { floor };
    match (rounding, (2 * rem).cmp(&d)) {
        (Rounding::Floor, _) => floor,
        (Rounding::Ceiling, _) => up,
        (Rounding::TowardZero, _) => toward_zero,
        (Rounding::AwayFromZero, _) => away,
        (_, Ordering::Less) => floor,
        (_, Ordering::Greater) => up,
        (Rounding::HalfUp, Ordering::Equal) => away,
        (Rounding::HalfDown, Ordering::Equal) => toward_zero,
        (_, Ordering::Equal) => {
            if floor % 2 == 0 {
                floor
            } else {
                up
            }
        }
    }
}

fn any_rounding() -> impl Strategy<Value = Rounding> {
    prop_oneof![
        Just(Rounding::Floor),
        Just(Rounding::Ceiling),
        Just(Rounding::TowardZero),
        Just(Rounding::AwayFromZero),
        Just(Rounding::HalfUp),
        Just(Rounding::HalfDown),
        Just(Rounding::HalfEven),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Every constructor and `Deserialize` either hold the amount exactly at the currency's scale or refuse it with
    /// the reason: finer than the minor unit, or too many minor units for a `Decimal`.
    #[test]
    fn any_decimal_is_held_exactly_or_refused(amount in any_decimal(), currency in any_currency()) {
        let minor = u32::from(currency.minor_units());
        let new = Money::new(amount, currency);
        match (&new, exact_units(amount, minor)) {
            (Ok(m), Some(Some(units))) => {
                prop_assert!(holds_exactly(m), "{m:?}");
                prop_assert_eq!(m.amount(), amount);
                prop_assert_eq!(m.minor_units(), units);
                prop_assert_eq!(m.currency(), currency);
            }
            (Err(MoneyError::TooPrecise { amount: a, currency: c, .. }), None) => {
                prop_assert_eq!((*a, *c), (amount, currency));
            }
            (Err(MoneyError::TooLarge { amount: a, currency: c, minor_units }), Some(units)) => {
                prop_assert_eq!((*a, *c, u32::from(*minor_units)), (amount, currency, minor));
                prop_assert!(units.is_none_or(|u| u.abs() > MAX_UNITS));
            }
            (other, units) => prop_assert!(false, "{amount} {currency}: {other:?}, exact units {units:?}"),
        }
        // JSON and text reach the same constructor.
        let json = format!(r#"{{"amount":"{amount}","currency":"{currency}"}}"#);
        let parsed = serde_json::from_str::<Money>(&json);
        prop_assert_eq!(parsed.as_ref().ok(), new.as_ref().ok());
        let text = format!("{amount} {currency}").parse::<Money>();
        prop_assert_eq!(text.as_ref(), new.as_ref());
        if let Ok(m) = new {
            prop_assert_eq!(serde_json::from_str::<Money>(&serde_json::to_string(&m).unwrap()).unwrap(), m);
        }
    }

    /// Sums and differences are the exact sums of minor units, or an overflow when those leave the range.
    #[test]
    fn sums_are_exact_or_overflow(a in any_money(), units in prop_oneof![-MAX_UNITS..=MAX_UNITS, -1000i128..1000]) {
        let b = Money::new(Decimal::from_i128_with_scale(units, u32::from(a.currency().minor_units())), a.currency())
            .unwrap();
        for (result, exact) in [
            (a.checked_add(b), a.minor_units() + b.minor_units()),
            (a.checked_sub(b), a.minor_units() - b.minor_units()),
        ] {
            match result {
                Ok(r) => {
                    prop_assert!(holds_exactly(&r), "{r:?}");
                    prop_assert_eq!(r.minor_units(), exact);
                }
                Err(e) => {
                    prop_assert!(matches!(e, MoneyError::Overflow { .. }), "{:?}", e);
                    prop_assert!(exact.abs() > MAX_UNITS);
                }
            }
        }
    }

    /// A product is rounded once, from the exact value, in the named direction; any product keeps the amount at
    /// the currency's scale.
    #[test]
    fn products_round_once_from_the_exact_value(
        a in any_money(),
        factor in any_decimal(),
        small in (-(1i128 << 30)..(1i128 << 30), 0u32..=28).prop_map(|(m, s)| Decimal::from_i128_with_scale(m, s)),
        rounding in any_rounding(),
    ) {
        if let Ok(r) = a.checked_mul(factor, rounding) {
            prop_assert!(holds_exactly(&r), "{a} × {factor}: {r:?}");
        }
        // |units| < 2⁹⁶ and |mantissa| < 2³⁰: the exact product fits an i128, so the oracle can compute it.
        let expected = round_oracle(a.minor_units() * small.mantissa(), 10i128.pow(small.scale()), rounding);
        match a.checked_mul(small, rounding) {
            Ok(r) => {
                prop_assert!(holds_exactly(&r));
                prop_assert_eq!(r.minor_units(), expected, "{} × {} {:?}", a, small, rounding);
            }
            Err(e) => {
                prop_assert!(matches!(e, MoneyError::Overflow { .. }), "{:?}", e);
                prop_assert!(expected.abs() > MAX_UNITS);
            }
        }
    }

    /// Division, allocation and splitting keep every part at the currency's scale, and the parts add up exactly.
    #[test]
    fn divisions_and_allocations_hold_exactly(
        a in any_money(),
        d in prop_oneof![1u64..10, any::<u64>().prop_map(|d| d.max(1))],
        weights in proptest::collection::vec(prop_oneof![0u64..10, any::<u64>()], 1..6),
        rounding in any_rounding(),
    ) {
        let q = a.checked_div_int(d, rounding).unwrap();
        prop_assert!(holds_exactly(&q));
        prop_assert_eq!(q.minor_units(), round_oracle(a.minor_units(), i128::from(d), rounding));
        if let Ok(parts) = a.allocate(&weights) {
            prop_assert!(parts.iter().all(holds_exactly));
            prop_assert_eq!(parts.iter().map(Money::minor_units).sum::<i128>(), a.minor_units());
        }
        let parts = a.split(weights.len()).unwrap();
        prop_assert!(parts.iter().all(holds_exactly));
        prop_assert_eq!(parts.iter().map(Money::minor_units).sum::<i128>(), a.minor_units());
    }
}

#[test]
fn codes_without_minor_units_are_not_currencies() {
    for code in ["XAU", "XAG", "XDR", "XTS", "XXX", "XBA"] {
        assert!(matches!(Currency::from_code(code), Err(MoneyError::UnknownCurrency { .. })), "{code}");
        let json = format!(r#"{{"amount":"1","currency":"{code}"}}"#);
        assert!(serde_json::from_str::<Money>(&json).is_err(), "{code}");
    }
}
