//! Money properties: allocation keeps totals, arithmetic round-trips.

use customer_care::{Currency, Money, Rounding};
use proptest::prelude::*;

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
