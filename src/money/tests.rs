//! Unit tests of `Money`, `Currency` and the exact wide arithmetic.

use super::*;

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

#[test]
fn constants_match_the_iso_table() {
    for c in ALL_CONSTS {
        assert_eq!(Currency::from_code(c.code()).unwrap(), *c, "{c}");
    }
}

#[test]
fn symbols() {
    assert_eq!(Currency::VND.symbol(), "₫");
    assert_eq!(Currency::USD.symbol(), "$");
    assert_eq!(Currency::EUR.symbol(), "€");
    assert_eq!(Currency::from_code("CLF").unwrap().symbol(), "CLF");
}

#[test]
fn currency_validation() {
    assert_eq!(Currency::from_code("usd").unwrap_err(), MoneyError::UnknownCurrency { code: "usd".into() });
    assert!(Currency::from_code("US").is_err());
    assert!(Currency::from_code("XXX").is_err());
    assert!(Currency::from_code("ĐỒ").is_err());
    assert_eq!(Currency::from_code("CLF").unwrap().minor_units(), 4);
}

#[test]
fn canonical_scale() {
    assert_eq!(m("19.9 USD").to_string(), "19.90 USD");
    assert_eq!(m("19.990 USD"), m("19.99 USD"));
    assert_eq!(m("120000 VND").to_string(), "120000 VND");
    assert_eq!(m("-5 KWD").to_string(), "-5.000 KWD");
    assert_eq!(m("19.99 USD").minor_units(), 1999);
    assert_eq!(
        Money::new(Decimal::new(1, 3), Currency::USD).unwrap_err().to_string(),
        "0.001 has more than 2 decimal places allowed for USD"
    );
    assert_eq!(
        "0.5 VND".parse::<Money>().unwrap_err(),
        MoneyError::TooPrecise { amount: Decimal::new(5, 1), currency: Currency::VND, minor_units: 0 }
    );
}

#[test]
fn syntax_errors() {
    for bad in ["", "VND", "120000", "120,000 VND", "1.2.3 USD", "1e5 USD", " 1 USD", "1  USD", ". USD", "1. USD"] {
        assert!(bad.parse::<Money>().is_err(), "{bad:?}");
    }
    assert_eq!(
        "12 vnd".parse::<Money>().unwrap_err().to_string(),
        "unknown currency \"vnd\": expected an ISO 4217 code with minor units, such as VND or USD"
    );
    assert!("99999999999999999999999999999999 VND".parse::<Money>().is_err());
}

#[test]
fn sign_predicates() {
    let (neg, zero, pos) = (m("-0.01 USD"), m("0 USD"), m("0.01 USD"));
    assert_eq!((neg.is_negative(), neg.is_zero(), neg.is_positive()), (true, false, false));
    assert_eq!((zero.is_negative(), zero.is_zero(), zero.is_positive()), (false, true, false));
    assert_eq!((pos.is_negative(), pos.is_zero(), pos.is_positive()), (false, false, true));
    // Decimal keeps a sign on zero: −0 is still zero, neither positive nor negative.
    let negative_zero = Money::new(Decimal::new(-0, 2), Currency::USD).unwrap().negated();
    assert_eq!(
        (negative_zero.is_negative(), negative_zero.is_zero(), negative_zero.is_positive()),
        (false, true, false)
    );
    assert_eq!(format!("{:?}", Currency::VND), "Currency(VND)");
}

#[test]
fn arithmetic() {
    assert_eq!(m("1.10 USD").checked_add(m("2.05 USD")).unwrap(), m("3.15 USD"));
    assert_eq!(m("1.10 USD").checked_sub(m("2.05 USD")).unwrap(), m("-0.95 USD"));
    assert_eq!(m("1 USD").checked_add(m("1 VND")).unwrap_err().to_string(), "currency mismatch: USD and VND");
    let max = Money::new(Decimal::MAX, Currency::VND).unwrap();
    assert!(matches!(max.checked_add(m("1 VND")), Err(MoneyError::Overflow { .. })));
    assert_eq!(m("2 USD").checked_cmp(&m("1.99 USD")).unwrap(), Ordering::Greater);
    assert!(m("2 USD").checked_cmp(&m("2 EUR")).is_err());
    assert_eq!(m("-3 USD").abs(), m("3 USD"));
    assert_eq!(m("3 USD").negated(), m("-3 USD"));
}

#[test]
fn multiplication_rounds_as_named() {
    let x = m("10.05 USD");
    let half = Decimal::new(5, 1);
    assert_eq!(x.checked_mul(half, Rounding::HalfUp).unwrap(), m("5.03 USD"));
    assert_eq!(x.checked_mul(half, Rounding::HalfEven).unwrap(), m("5.02 USD"));
    assert_eq!(x.checked_mul(half, Rounding::HalfDown).unwrap(), m("5.02 USD"));
    assert_eq!(x.checked_mul(half, Rounding::Floor).unwrap(), m("5.02 USD"));
    assert_eq!(x.checked_mul(half, Rounding::Ceiling).unwrap(), m("5.03 USD"));
    let y = m("-10.05 USD");
    assert_eq!(y.checked_mul(half, Rounding::Floor).unwrap(), m("-5.03 USD"));
    assert_eq!(y.checked_mul(half, Rounding::TowardZero).unwrap(), m("-5.02 USD"));
    assert_eq!(y.checked_mul(half, Rounding::AwayFromZero).unwrap(), m("-5.03 USD"));
    assert_eq!(y.checked_mul(half, Rounding::HalfUp).unwrap(), m("-5.03 USD"));
    assert_eq!(m("1000000 VND").checked_mul(Decimal::new(1, 1), Rounding::Floor).unwrap(), m("100000 VND"));
}

#[test]
fn integer_division_rounds_as_named() {
    let cases = [
        ("7 VND", 2, Rounding::HalfEven, "4 VND"),
        ("5 VND", 2, Rounding::HalfEven, "2 VND"),
        ("5 VND", 2, Rounding::HalfUp, "3 VND"),
        ("5 VND", 2, Rounding::HalfDown, "2 VND"),
        ("-5 VND", 2, Rounding::HalfUp, "-3 VND"),
        ("-5 VND", 2, Rounding::Floor, "-3 VND"),
        ("-5 VND", 2, Rounding::Ceiling, "-2 VND"),
        ("-5 VND", 2, Rounding::TowardZero, "-2 VND"),
        ("-5 VND", 2, Rounding::AwayFromZero, "-3 VND"),
        ("10 VND", 3, Rounding::HalfEven, "3 VND"),
        ("11 VND", 3, Rounding::HalfEven, "4 VND"),
        ("6 VND", 3, Rounding::Ceiling, "2 VND"),
        ("7 VND", 2, Rounding::Ceiling, "4 VND"),
        ("7 VND", 2, Rounding::Floor, "3 VND"),
        ("7 VND", 3, Rounding::HalfDown, "2 VND"),
        ("8 VND", 3, Rounding::HalfDown, "3 VND"),
        ("7 VND", 3, Rounding::HalfUp, "2 VND"),
        ("7 VND", 3, Rounding::HalfEven, "2 VND"),
        ("0 VND", 3, Rounding::AwayFromZero, "0 VND"),
    ];
    for (amount, d, rounding, expected) in cases {
        assert_eq!(m(amount).checked_div_int(d, rounding).unwrap(), m(expected), "{amount} / {d} {rounding:?}");
    }
    assert_eq!(
        m("1 USD").checked_div_int(0, Rounding::Floor).unwrap_err().to_string(),
        "cannot divide 1.00 USD by zero"
    );
}

#[test]
fn allocation_keeps_the_total() {
    let parts = m("100000 VND").split(3).unwrap();
    assert_eq!(parts, [m("33334 VND"), m("33333 VND"), m("33333 VND")]);
    let parts = m("-100000 VND").split(3).unwrap();
    assert_eq!(parts, [m("-33334 VND"), m("-33333 VND"), m("-33333 VND")]);
    // Largest remainder: 5 units by (1, 2, 2) → exact shares 1, 2, 2.
    assert_eq!(m("0.05 USD").allocate(&[1, 2, 2]).unwrap(), [m("0.01 USD"), m("0.02 USD"), m("0.02 USD")]);
    // 10 units by (1, 1, 4): shares 1.67, 1.67, 6.67 → 1, 1, 6 and two units to the largest remainders.
    assert_eq!(m("10 VND").allocate(&[1, 1, 4]).unwrap(), [m("2 VND"), m("2 VND"), m("6 VND")]);
    assert_eq!(m("1 VND").allocate(&[0, 5]).unwrap(), [m("0 VND"), m("1 VND")]);
    assert!(matches!(m("1 VND").allocate(&[]), Err(MoneyError::InvalidWeights { parts: 0, .. })));
    assert!(matches!(m("1 VND").allocate(&[0, 0]), Err(MoneyError::InvalidWeights { parts: 2, .. })));
    assert!(m("1 VND").split(0).is_err());
}

/// The largest USD amount: 2⁹⁶ − 1 cents.
fn max_usd() -> Money {
    Money::new(Decimal::from_i128_with_scale((1 << 96) - 1, 2), Currency::USD).unwrap()
}

#[test]
fn amounts_that_cannot_take_the_currency_scale_are_rejected() {
    // Regression (issue 14): Decimal::MAX USD was accepted at scale 0, its minor units 100 times the amount.
    let too_large = MoneyError::TooLarge { amount: Decimal::MAX, currency: Currency::USD, minor_units: 2 };
    assert_eq!(Money::new(Decimal::MAX, Currency::USD), Err(too_large.clone()));
    assert_eq!(too_large.to_string(), "79228162514264337593543950335 USD does not fit at the 2 decimal places of USD");
    assert_eq!(
        Money::new(Decimal::MIN, Currency::KWD),
        Err(MoneyError::TooLarge { amount: Decimal::MIN, currency: Currency::KWD, minor_units: 3 })
    );
    let json = format!(r#"{{"amount":"{}","currency":"USD"}}"#, Decimal::MAX);
    let err = serde_json::from_str::<Money>(&json).unwrap_err().to_string();
    assert!(err.contains("does not fit at the 2 decimal places of USD"), "{err}");
    assert!(format!("{} USD", Decimal::MAX).parse::<Money>().is_err());
    // The largest amounts that fit are held exactly, at the currency's scale.
    assert_eq!(max_usd().minor_units(), (1 << 96) - 1);
    assert_eq!(max_usd().amount().scale(), 2);
    assert_eq!(Money::new(Decimal::MAX, Currency::VND).unwrap().minor_units(), (1 << 96) - 1);
    // One decimal place less than the maximum still rescales.
    let tenth = Decimal::from_i128_with_scale(((1 << 96) - 1) / 10, 1);
    assert_eq!(Money::new(tenth, Currency::USD).unwrap().minor_units(), ((1 << 96) - 1) / 10 * 10);
    // Exact rescaling only: 1.005 USD is an error, not rounded; trailing zeros at any scale are fine.
    assert!(matches!(Money::new(Decimal::new(1005, 3), Currency::USD), Err(MoneyError::TooPrecise { .. })));
    let padded = Decimal::from_i128_with_scale(10i128.pow(27), 27);
    assert_eq!(Money::new(padded, Currency::KWD).unwrap(), m("1 KWD"));
}

#[test]
fn arithmetic_near_the_top_of_the_range_is_exact_or_an_error() {
    // Regression (issue 14): Decimal's addition dropped a decimal place to make room (…503.4 USD).
    let (max, cent) = (max_usd(), m("0.01 USD"));
    assert!(matches!(max.checked_add(cent), Err(MoneyError::Overflow { .. })));
    assert!(matches!(max.negated().checked_sub(cent), Err(MoneyError::Overflow { .. })));
    assert_eq!(max.checked_sub(cent).unwrap().checked_add(cent).unwrap(), max);
    // Regression: a product past the range came back at scale 1 (871509787656907713528983453.7 USD).
    assert!(matches!(max.checked_mul(Decimal::new(11, 1), Rounding::Floor), Err(MoneyError::Overflow { .. })));
    assert_eq!(max.checked_mul(Decimal::ONE, Rounding::Floor).unwrap(), max);
    assert_eq!(max.checked_mul(Decimal::NEGATIVE_ONE, Rounding::Floor).unwrap(), max.negated());
    // A product of more than 128 bits whose rounded value fits: (2⁹⁶ − 1) × 0.5000000000000000000000000001
    // = 2⁹⁵ − 0.5 + 7.9228162514264337593543950335 = 2⁹⁵ + 7.42….
    let just_over_half = Decimal::from_i128_with_scale(5 * 10i128.pow(27) + 1, 28);
    assert_eq!(max.checked_mul(just_over_half, Rounding::Floor).unwrap().minor_units(), (1 << 95) + 7);
    assert_eq!(max.checked_mul(just_over_half, Rounding::Ceiling).unwrap().minor_units(), (1 << 95) + 8);
    assert_eq!(max.checked_mul(just_over_half, Rounding::HalfEven).unwrap().minor_units(), (1 << 95) + 7);
    assert!(matches!(max.checked_div_int(1, Rounding::Ceiling), Ok(x) if x == max));
}

#[test]
fn multiplication_rounds_once() {
    // Regression (issue 14): 0.01 × 0.4999999999999999999999999999 = 0.004999… was first rounded by Decimal to
    // 0.005, then half-up to 0.01.
    let just_under_half = Decimal::from_i128_with_scale(5 * 10i128.pow(27) - 1, 28);
    assert_eq!(m("0.01 USD").checked_mul(just_under_half, Rounding::HalfUp).unwrap(), m("0 USD"));
    assert_eq!(m("0.01 USD").checked_mul(just_under_half, Rounding::Ceiling).unwrap(), m("0.01 USD"));
    assert_eq!(m("-0.01 USD").checked_mul(just_under_half, Rounding::HalfUp).unwrap(), m("0 USD"));
    assert_eq!(m("0.03 USD").checked_mul(Decimal::new(5, 1), Rounding::HalfEven).unwrap(), m("0.02 USD"));
    assert_eq!(m("0.05 USD").checked_mul(Decimal::new(5, 1), Rounding::HalfEven).unwrap(), m("0.02 USD"));
    assert_eq!(m("0.05 USD").checked_mul(Decimal::new(-5, 1), Rounding::HalfDown).unwrap(), m("-0.02 USD"));
    assert_eq!(m("0.05 USD").checked_mul(Decimal::new(-5, 1), Rounding::Ceiling).unwrap(), m("-0.02 USD"));
    assert_eq!(m("0.05 USD").checked_mul(Decimal::new(-5, 1), Rounding::Floor).unwrap(), m("-0.03 USD"));
}

/// `a × b` as eight 32-bit limbs, least significant first: schoolbook, independent of `mul_div_rem`.
fn product_limbs(a: u128, b: u128) -> [u64; 8] {
    let limbs = |x: u128| [0, 32, 64, 96].map(|s| u64::try_from((x >> s) & 0xffff_ffff).unwrap());
    let (a, b) = (limbs(a), limbs(b));
    let mut out = [0u64; 8];
    for i in 0..4 {
        let mut carry = 0u64;
        for j in 0..4 {
            let t = out[i + j] + a[i] * b[j] + carry;
            out[i + j] = t & 0xffff_ffff;
            carry = t >> 32;
        }
        out[i + 4] += carry;
    }
    out
}

/// `q × d + r` as eight 32-bit limbs.
fn recombined(q: u128, d: u128, r: u128) -> [u64; 8] {
    let mut out = product_limbs(q, d);
    let mut carry = r;
    for limb in &mut out {
        let t = u128::from(*limb) + (carry & 0xffff_ffff);
        *limb = u64::try_from(t & 0xffff_ffff).unwrap();
        carry = (carry >> 32) + (t >> 32);
    }
    out
}

#[test]
fn wide_multiply_divide_known_values() {
    assert_eq!(mul_div_rem(u128::MAX, u128::MAX, u128::MAX), Some((u128::MAX, 0)));
    assert_eq!(mul_div_rem(u128::MAX, 2, 3), Some((u128::MAX / 3 * 2, 0)));
    assert_eq!(mul_div_rem(1 << 127, 4, 8), Some((1 << 126, 0)));
    assert_eq!(mul_div_rem(1 << 127, 2, 1), None);
    assert_eq!(mul_div_rem(1 << 127, 2, 2), Some((1 << 127, 0)));
    assert_eq!(mul_div_rem(7, 3, 0), None);
    assert_eq!(mul_div_rem(7, 3, 4), Some((5, 1)));
    assert_eq!(mul_div_rem(u128::MAX, 3, 1 << 127), Some((5, (1 << 127) - 3)));
}

proptest::proptest! {
    #[test]
    fn wide_multiply_divide_is_exact(a: u128, b: u128, d in 1u128.., small: bool) {
        let d = if small { d % 1_000_000 + 1 } else { d };
        match mul_div_rem(a, b, d) {
            Some((q, r)) => {
                proptest::prop_assert!(r < d);
                proptest::prop_assert_eq!(recombined(q, d, r), product_limbs(a, b));
            }
            // No 128-bit quotient: a × b ≥ 2¹²⁸ × d, that is (u128::MAX) × d + (d − 1) < a × b.
            None => {
                let (bound, product) = (recombined(u128::MAX, d, d - 1), product_limbs(a, b));
                proptest::prop_assert_eq!(product.iter().rev().cmp(bound.iter().rev()), Ordering::Greater);
            }
        }
    }
}

#[test]
fn serde_is_a_string_amount_and_validates() {
    let json = serde_json::to_string(&m("19.90 USD")).unwrap();
    assert_eq!(json, r#"{"amount":"19.90","currency":"USD"}"#);
    assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m("19.9 USD"));
    assert!(serde_json::from_str::<Money>(r#"{"amount":"0.001","currency":"USD"}"#).is_err());
    assert!(serde_json::from_str::<Money>(r#"{"amount":"1","currency":"XAU"}"#).is_err());
}
#[test]
fn roundings_name_their_decimal_strategy_and_minor_units_are_one_unit() {
    // Each direction, checked against Decimal's own rounding of ±2.5 and ±1.1 to whole units.
    let cases = [
        (Rounding::Floor, RoundingStrategy::ToNegativeInfinity, ["2", "-3", "1", "-2"]),
        (Rounding::Ceiling, RoundingStrategy::ToPositiveInfinity, ["3", "-2", "2", "-1"]),
        (Rounding::TowardZero, RoundingStrategy::ToZero, ["2", "-2", "1", "-1"]),
        (Rounding::AwayFromZero, RoundingStrategy::AwayFromZero, ["3", "-3", "2", "-2"]),
        (Rounding::HalfUp, RoundingStrategy::MidpointAwayFromZero, ["3", "-3", "1", "-1"]),
        (Rounding::HalfDown, RoundingStrategy::MidpointTowardZero, ["2", "-2", "1", "-1"]),
        (Rounding::HalfEven, RoundingStrategy::MidpointNearestEven, ["2", "-2", "1", "-1"]),
    ];
    for (rounding, strategy, expected) in cases {
        assert_eq!(rounding.strategy(), strategy, "{rounding:?}");
        let rounded = ["2.5", "-2.5", "1.1", "-1.1"]
            .map(|x| x.parse::<Decimal>().unwrap().round_dp_with_strategy(0, rounding.strategy()).to_string());
        assert_eq!(rounded, expected, "{rounding:?}");
    }
    assert_eq!(Currency::USD.minor_unit(), m("0.01 USD"));
    assert_eq!(Currency::VND.minor_unit(), m("1 VND"));
    assert_eq!(Currency::KWD.minor_unit().to_string(), "0.001 KWD");
}

#[test]
fn amounts_are_plain_digits_even_where_decimal_would_accept_more() {
    // Decimal's parser skips underscores and takes a missing integer part; money text does not.
    assert_eq!("1_000".parse::<Decimal>().unwrap(), Decimal::new(1000, 0));
    assert_eq!(".5".parse::<Decimal>().unwrap(), Decimal::new(5, 1));
    for bad in ["1_000 USD", "1.0_0 USD", ".5 USD", "-.5 USD", "1._5 USD"] {
        assert_eq!(bad.parse::<Money>(), Err(MoneyError::InvalidSyntax { input: bad.into() }), "{bad:?}");
    }
    assert_eq!("+1.5 USD".parse::<Money>(), Ok(m("1.50 USD")));
    assert_eq!("-0.5 USD".parse::<Money>(), Ok(m("0.50 USD").negated()));
}
#[test]
fn ratios_are_exact_and_rounded_once() {
    // 0.90 × 1 ÷ 30 is 0.03 exactly: no rounding direction moves it.
    for rounding in [Rounding::Floor, Rounding::Ceiling, Rounding::HalfEven, Rounding::AwayFromZero] {
        assert_eq!(m("0.90 USD").checked_mul_ratio(1, 30, rounding).unwrap(), m("0.03 USD"), "{rounding:?}");
    }
    // 1.00 × 2 ÷ 3 = 0.666…: down, up and to nearest; the sign goes with the numerator and the amount.
    let r = |amount: &str, n, d, rounding| m(amount).checked_mul_ratio(n, d, rounding).unwrap().to_string();
    assert_eq!(r("1 USD", 2, 3, Rounding::Floor), "0.66 USD");
    assert_eq!(r("1 USD", 2, 3, Rounding::Ceiling), "0.67 USD");
    assert_eq!(r("1 USD", 2, 3, Rounding::HalfDown), "0.67 USD");
    assert_eq!(r("1 USD", -2, 3, Rounding::Floor), "-0.67 USD");
    assert_eq!(r("-1 USD", 2, 3, Rounding::Ceiling), "-0.66 USD");
    assert_eq!(r("-1 USD", -2, 3, Rounding::Floor), "0.66 USD");
    // Halves: 0.05 × 1 ÷ 2 = 0.025.
    assert_eq!(r("0.05 USD", 1, 2, Rounding::HalfEven), "0.02 USD");
    assert_eq!(r("0.05 USD", 1, 2, Rounding::HalfUp), "0.03 USD");
    assert_eq!(r("0 USD", -5, 7, Rounding::AwayFromZero), "0.00 USD");
    // The product may exceed 128 bits on the way: (2⁹⁶ − 1) cents × i64::MAX ÷ i64::MAX.
    let max = i64::MAX.unsigned_abs();
    assert_eq!(max_usd().checked_mul_ratio(i64::MAX, max, Rounding::Floor).unwrap(), max_usd());
    assert_eq!(
        m("1 USD").checked_mul_ratio(1, 0, Rounding::Floor),
        Err(MoneyError::DivisionByZero { amount: m("1 USD") })
    );
    assert_eq!(
        max_usd().checked_mul_ratio(2, 1, Rounding::Floor),
        Err(MoneyError::Overflow { operation: format!("{} × 2 ÷ 1", max_usd()) })
    );
    assert!(max_usd().checked_mul_ratio(i64::MAX, 1, Rounding::Floor).is_err());
}
