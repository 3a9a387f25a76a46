//! The sweeps (`phonenumber` feature, tests only): every Vietnamese 3- and 4-digit NSN prefix with every length,
//! and every metadata example number of every region the default build has a detailed plan for, through the
//! default rules and the [oracle](super::oracle), with an explicit allow-list; random numbers wherever the tables
//! are exact.

use std::collections::BTreeMap;

use phonenumber::Type;
use phonenumber::metadata::{DATABASE, Descriptor};

use super::generate::Generator;
use super::kind::PhoneKind;
use super::number::E164_MAX_DIGITS;
use super::oracle::{Model, ORDER, Oracle};
use super::parse::classify;
use super::plan::PLANS;
use super::range::{Range, prefix_match};
use super::region::Region;

/// What the default build's tables say of a national significant number (`None`: rejected).
fn tables(calling_code: u16, nsn: &str) -> Option<(PhoneKind, Option<Region>)> {
    classify(calling_code, nsn).ok()
}

/// The oracle's answer in the default build's terms: NANP toll-free and premium-rate numbers have no region by
/// policy (they serve every NANP member; the metadata files them under the main country, US).
fn expected(oracle: &mut Oracle, calling_code: u16, nsn: &str) -> Option<(PhoneKind, Option<Region>)> {
    oracle.check(calling_code, nsn).map(|(kind, region)| {
        let shared = calling_code == 1 && matches!(kind, PhoneKind::TollFree | PhoneKind::PremiumRate);
        (kind, if shared { None } else { Some(region) })
    })
}

/// Deliberate differences between the tables and the metadata: `(calling code, NSN, why)`. Each is a number the
/// sweeps reach; everything else must agree exactly (validity, kind and region).
const ALLOWED: &[(u16, &str, &str)] = &[];

/// The crate's own reading of an NSN with its regular expressions (`Descriptor::is_match`: possible length and
/// a match at the start), in libphonenumber's order of regions and types, as the crate's validator does.
fn the_crate(calling_code: u16, nsn: &str) -> Option<(PhoneKind, Option<Region>)> {
    let metas = DATABASE.by_code(&calling_code)?;
    let kind_in = |meta: &phonenumber::Metadata| -> Option<PhoneKind> {
        let d = meta.descriptors();
        let is = |ty| d.get(ty).is_some_and(|desc: &Descriptor| desc.is_match(nsn));
        if !is(Type::Unknown) {
            return None;
        }
        let (_, kind) = ORDER.iter().find(|(ty, _)| is(*ty))?;
        let same = d.get(Type::FixedLine).map(|x| x.national_number().as_str())
            == d.get(Type::Mobile).map(|x| x.national_number().as_str());
        Some(match kind {
            PhoneKind::FixedLine if same || is(Type::Mobile) => PhoneKind::FixedLineOrMobile,
            other => *other,
        })
    };
    let chosen = if let [only] = metas.as_slice() {
        *only
    } else {
        *metas.iter().find(|meta| match meta.leading_digits() {
            Some(ld) => ld.find(nsn).is_some_and(|m| m.start() == 0),
            None => kind_in(meta).is_some(),
        })?
    };
    kind_in(chosen).map(|kind| (kind, Region::parse(chosen.id()).ok()))
}

/// Checks one number; returns a description of the difference, if any.
fn compare(oracle: &mut Oracle, calling_code: u16, nsn: &str) -> Option<String> {
    let want = expected(oracle, calling_code, nsn);
    let got = tables(calling_code, nsn);
    (want != got && !ALLOWED.iter().any(|(cc, n, _)| *cc == calling_code && *n == nsn))
        .then(|| format!("+{calling_code} {nsn}: tables {got:?}, metadata {want:?}"))
}

/// A national number of `length` digits: `prefix` then `filler` repeated.
fn padded(prefix: &str, filler: &str, length: usize) -> Option<String> {
    (length >= prefix.len()).then(|| prefix.chars().chain(filler.chars().cycle()).take(length).collect())
}

const FILLERS: [&str; 3] = ["0", "9", "2718281828459045"];

#[test]
fn every_vietnamese_prefix_agrees_with_the_metadata() {
    let mut oracle = Oracle::default();
    let mut differences = Vec::new();
    let mut checked = 0usize;
    for width in [3u32, 4] {
        for p in 0..10u32.pow(width) {
            let prefix = format!("{p:0w$}", w = width as usize);
            // Every length libphonenumber knows for +84 (7 to 10) and one either side.
            for length in 6..=11 {
                for filler in FILLERS {
                    let Some(nsn) = padded(&prefix, filler, length) else { continue };
                    checked += 1;
                    differences.extend(compare(&mut oracle, 84, &nsn));
                }
            }
        }
    }
    assert_eq!(checked, 11_000 * 6 * 3);
    assert!(differences.is_empty(), "{} differences:\n{}", differences.len(), differences.join("\n"));
}

/// Every example number of every region of every calling code with a detailed plan.
fn example_numbers() -> Vec<(u16, Region, PhoneKind, String)> {
    let mut out = Vec::new();
    for plan in PLANS {
        for meta in DATABASE.by_code(&plan.calling_code).expect("in the metadata") {
            let region = Region::parse(meta.id()).expect("an ISO region");
            for (ty, kind) in ORDER {
                if let Some(example) = meta.descriptors().get(ty).and_then(Descriptor::example) {
                    out.push((plan.calling_code, region, kind, example.to_owned()));
                }
            }
        }
    }
    out
}

#[test]
fn every_example_number_agrees_with_the_metadata() {
    let mut oracle = Oracle::default();
    let examples = example_numbers();
    // 23 plans, 40 regions, most with 3 to 9 typed examples.
    assert!(examples.len() > 250, "{}", examples.len());
    let differences: Vec<String> =
        examples.iter().filter_map(|(cc, _, _, nsn)| compare(&mut oracle, *cc, nsn)).collect();
    assert!(differences.is_empty(), "{} differences:\n{}", differences.len(), differences.join("\n"));
    for (cc, region, kind, nsn) in &examples {
        // The examples are valid: the metadata (so the tables) accept them, in their region.
        let Some((found, home)) = oracle.check(*cc, nsn) else { panic!("+{cc} {nsn} ({region} {kind:?}) is invalid") };
        assert!(found == *kind || found == PhoneKind::FixedLineOrMobile || home != *region, "+{cc} {nsn}: {found:?}");
    }
}

/// The oracle reads the crate's patterns in full, the crate only checks a prefix: whatever the oracle accepts the
/// crate accepts alike, and whatever only the crate accepts matched its pattern only in part.
#[test]
fn the_crate_accepts_what_the_oracle_accepts() {
    let mut oracle = Oracle::default();
    let mut numbers: Vec<(u16, String)> = example_numbers().into_iter().map(|(cc, _, _, nsn)| (cc, nsn)).collect();
    for p in 0..10_000u32 {
        for length in 7..=10 {
            numbers.extend(FILLERS.iter().filter_map(|f| padded(&format!("{p:04}"), f, length)).map(|n| (84, n)));
        }
    }
    let mut lenient = Vec::new();
    for (cc, nsn) in &numbers {
        let strict = oracle.check(*cc, nsn);
        let crate_says = the_crate(*cc, nsn);
        match (strict, crate_says) {
            (Some((kind, region)), Some(found)) => assert_eq!((kind, Some(region)), found, "+{cc} {nsn}"),
            (Some(_), None) => panic!("+{cc} {nsn}: the oracle accepts what the crate rejects"),
            (None, Some(_)) => lenient.push((*cc, nsn.clone())),
            (None, None) => {}
        }
    }
    // Only the crate's prefix matching lets these through: every type pattern that "matches" them leaves digits
    // over, for example the 9- and 10-digit readings of the 8-digit toll-free ranges 120[13] and 1228
    // (+84 120 1234 5: "1201 2345" matches, "5" is left over) and 8-digit readings of the 7-digit UAN [17]99.
    for (cc, nsn) in &lenient {
        for meta in DATABASE.by_code(cc).expect("in the metadata") {
            for (ty, _) in ORDER {
                let Some(desc) = meta.descriptors().get(ty).filter(|d| d.is_match(nsn)) else { continue };
                let end = desc.national_number().find(nsn).map(|m| m.end());
                assert_ne!(end, Some(nsn.len()), "+{cc} {nsn} matches {ty:?} of {} in full", meta.id());
            }
        }
    }
    assert_eq!(lenient.len(), 78, "{lenient:?}");
}

/// A number under a range of `ranges` picked by `seed`: a digit of each class, then `fill`, at one of the range's
/// lengths or one more or less.
fn near_a_range(ranges: &[Range], seed: u64, fill: &str) -> String {
    let range = &ranges[(seed % ranges.len() as u64) as usize];
    let mut seed = seed / ranges.len() as u64;
    let mut prefix = String::new();
    for part in range.pattern.split_inclusive(['[', ']']) {
        if let Some(class) = part.strip_suffix(']') {
            let choices: Vec<char> =
                ('0'..='9').filter(|c| prefix_match(&format!("[{class}]"), &c.to_string()).is_some()).collect();
            prefix.push(choices[(seed % choices.len() as u64) as usize]);
            seed /= 10;
        } else {
            prefix.push_str(part.trim_end_matches('['));
        }
    }
    let length = usize::from(range.lengths[(seed % range.lengths.len() as u64) as usize]);
    let length = (length + (seed / 16 % 3) as usize).saturating_sub(1).max(prefix.len());
    prefix.chars().chain(fill.chars().cycle()).take(length).collect()
}

/// The class property over every plan: for a random NSN, the tables and the metadata agree wherever the prefix the
/// tables decide by is exact for the NSN's length (one outcome for every number of that prefix and length); where
/// it is not (past a depth limit), whatever the tables accept has some valid number of that prefix and length.
#[test]
fn random_numbers_agree_wherever_the_tables_are_exact() {
    use std::cell::RefCell;

    use proptest::test_runner::{Config, TestCaseError, TestRunner};

    let models: Vec<Model> = PLANS.iter().map(|plan| Model::new(plan.calling_code)).collect();
    let generators: Vec<RefCell<Generator<'_>>> = models
        .iter()
        .map(|model| RefCell::new(Generator { model, depths: Vec::new(), memo: BTreeMap::new() }))
        .collect();
    let oracle = RefCell::new(Oracle::default());
    // Half the cases are random digits, half a random range's prefix at one of its lengths (or one off).
    let digits = proptest::string::string_regex("[0-9]{1,13}").expect("a pattern");
    let strategy = (0..PLANS.len(), digits, proptest::bool::ANY, proptest::num::u64::ANY);
    let mut runner = TestRunner::new(Config::default());
    let result = runner.run(&strategy, |(i, random, in_range, seed)| {
        let plan = &PLANS[i];
        let cc = plan.calling_code;
        let nsn = if in_range { near_a_range(plan.ranges, seed, &random) } else { random };
        if nsn.len() + cc.to_string().len() > E164_MAX_DIGITS {
            return Ok(());
        }
        let got = tables(cc, &nsn);
        let want = expected(&mut oracle.borrow_mut(), cc, &nsn);
        let Some(depth) = plan.ranges.iter().filter_map(|r| prefix_match(r.pattern, &nsn)).max() else {
            // No range: the prefix is in no allocated block, or the number is shorter than every valid one.
            return if want.is_none() {
                Ok(())
            } else {
                Err(TestCaseError::fail(format!("+{cc} {nsn}: no range, metadata {want:?}")))
            };
        };
        let set = models[i].run(&nsn[..depth]);
        let counts = generators[i].borrow_mut().counts(&set, nsn.len(), nsn.len() - depth);
        if counts.len() == 1 {
            if got != want {
                return Err(TestCaseError::fail(format!("+{cc} {nsn}: tables {got:?}, metadata {want:?}")));
            }
        } else if got.is_some() && counts.keys().all(Option::is_none) {
            return Err(TestCaseError::fail(format!("+{cc} {nsn}: accepted, but nothing valid under its prefix")));
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
