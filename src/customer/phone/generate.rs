//! The generator of `tables.rs` (`phonenumber` feature, tests only): it turns the [oracle](super::oracle) into the
//! prefix tables of the default build, exact up to a depth per calling code (see [`DEPTHS`]).
//!
//! Regenerate after a metadata update (a new `phonenumber` crate) with `scripts/phone-tables.sh`, which runs the
//! ignored test [`generate_tables`], writes what it prints between the marker lines to `tables.rs`, formats it,
//! and runs [`tables_are_generated_from_the_metadata`], the test that keeps the committed file what the generator
//! prints. Keep [`DEPTHS`] and [`METADATA`] in step with the metadata.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::rc::Rc;

use super::kind::PhoneKind;
use super::number::E164_MAX_DIGITS;
use super::oracle::{Model, Outcome};
use super::plan::PLANS;
use super::range::prefix_match;
use super::region::Region;

/// The metadata version, as the `phonenumber` crate's version suffix says.
pub(super) const METADATA: &str = "libphonenumber metadata v9.0.33 (the phonenumber crate 0.3.10+9.0.33)";

/// How deep the generated prefixes go: `(calling code, prefix, depth)`. Below its depth a prefix is exact; at
/// the depth of the longest entry whose prefix it extends, it stops with the majority answer per length. Where a
/// longer entry extends a prefix, the generator keeps going. A depth must not exceed the shortest valid NSN of its
/// plan (the generator checks). The deeper entries make the kinds exact where the metadata tells them apart
/// beyond the default depth: the Caribbean NANP area codes (fixed line, mobile, VoIP, pager... by exchange),
/// India's 1800, the Cocos and Christmas Islands ranges of +61 and the Vatican's 06698.
pub(super) const DEPTHS: &[(u16, &str, usize)] = &[
    (84, "", 7),
    (1, "", 4),
    (1, "2[4-68]", 7),
    (1, "34", 7),
    (1, "441", 7),
    (1, "473", 7),
    (1, "6[4-8]", 7),
    (1, "7[2-8]", 7),
    (1, "8[0-8]", 7),
    (1, "939", 7),
    (44, "", 5),
    (33, "", 4),
    (49, "", 4),
    (39, "", 5),
    (34, "", 4),
    (31, "", 4),
    (81, "", 3),
    (82, "", 4),
    (86, "", 3),
    (852, "", 4),
    (886, "", 4),
    (65, "", 4),
    (60, "", 3),
    (66, "", 4),
    (62, "", 3),
    (63, "", 3),
    (91, "", 3),
    (91, "1", 4),
    (61, "", 4),
    (61, "8", 5),
    (64, "", 4),
    (855, "", 4),
    (856, "", 4),
];

/// How many complete numbers of each outcome extend a prefix.
pub(super) type Counts = Rc<BTreeMap<Outcome, u128>>;

pub(super) struct Generator<'a> {
    pub(super) model: &'a Model,
    /// `(prefix pattern, depth)` of the model's calling code.
    pub(super) depths: Vec<(&'static str, usize)>,
    pub(super) memo: BTreeMap<(Vec<usize>, usize, usize), Counts>,
}

/// One generated range: prefix pattern, one length, outcome (valid).
pub(super) type Entry = (String, u16, PhoneKind, Region);

impl Generator<'_> {
    pub(super) fn counts(&mut self, set: &[usize], len: usize, remaining: usize) -> Counts {
        if remaining == 0 {
            return Rc::new(BTreeMap::from([(self.model.outcome(set, len), 1)]));
        }
        if set.is_empty() {
            return Rc::new(BTreeMap::from([(None, 10u128.pow(u32::try_from(remaining).unwrap_or(0)))]));
        }
        let key = (set.to_vec(), len, remaining);
        if let Some(c) = self.memo.get(&key) {
            return c.clone();
        }
        let mut total: BTreeMap<Outcome, u128> = BTreeMap::new();
        for d in 0..10 {
            let next = self.model.nfa.step(set, d);
            for (o, n) in self.counts(&next, len, remaining - 1).iter() {
                *total.entry(*o).or_default() += n;
            }
        }
        let total = Rc::new(total);
        self.memo.insert(key, total.clone());
        total
    }

    /// The valid outcome most numbers of this prefix and length have (fixed line and mobile mixed: either).
    fn majority(counts: &BTreeMap<Outcome, u128>) -> Option<(PhoneKind, Region)> {
        let valid: Vec<((PhoneKind, Region), u128)> = counts.iter().filter_map(|(o, n)| o.map(|o| (o, *n))).collect();
        let &((_, region), _) = valid.iter().max_by_key(|(_, n)| *n)?;
        let mut kinds: BTreeMap<PhoneKind, u128> = BTreeMap::new();
        for ((k, _), n) in &valid {
            *kinds.entry(*k).or_default() += n;
        }
        let mobile_or_fixed = [PhoneKind::FixedLine, PhoneKind::Mobile, PhoneKind::FixedLineOrMobile];
        let kind = if kinds.len() > 1 && kinds.keys().all(|k| mobile_or_fixed.contains(k)) {
            PhoneKind::FixedLineOrMobile
        } else {
            kinds.iter().max_by_key(|(_, n)| **n).map(|(k, _)| *k)?
        };
        Some((kind, region))
    }

    /// Whether the prefix `digits` may stop with the majority answer.
    fn may_stop(&self, digits: &str) -> bool {
        let depth = digits.len();
        let covering = self
            .depths
            .iter()
            .filter(|(p, _)| prefix_match(p, digits).is_some())
            .max_by_key(|(p, _)| prefix_match(p, digits));
        let deeper_below = self.depths.iter().any(|(p, d)| {
            // An entry whose pattern `digits` has not reached the end of yet, but has not contradicted.
            let n = digits.len().min(pattern_len(p));
            pattern_len(p) > digits.len() && prefix_match(&truncate(p, n), digits).is_some() && *d > depth
        });
        covering.is_some_and(|(_, d)| depth >= *d) && !deeper_below
    }

    fn emit(&mut self, set: &[usize], digits: &mut String) -> Vec<Entry> {
        let depth = digits.len();
        // E.164 allows 15 digits with the calling code: longer national numbers are never accepted.
        let most = E164_MAX_DIGITS - self.model.calling_code.to_string().len();
        let lengths: Vec<u16> =
            self.model.lengths.iter().copied().filter(|&l| usize::from(l) >= depth && usize::from(l) <= most).collect();
        let per_length: Vec<(u16, Counts)> =
            lengths.iter().map(|&l| (l, self.counts(set, usize::from(l), usize::from(l) - depth))).collect();
        let uniform = per_length.iter().all(|(_, c)| c.len() == 1);
        if uniform || self.may_stop(digits) || set.is_empty() {
            return per_length
                .iter()
                .filter_map(|(l, c)| Self::majority(c).map(|(k, r)| (String::new(), *l, k, r)))
                .collect();
        }
        let mut children: Vec<Vec<Entry>> = Vec::new();
        for d in 0..10u8 {
            digits.push(char::from(b'0' + d));
            children.push(self.emit(&self.model.nfa.step(set, d), digits));
            digits.pop();
        }
        let mut out = Vec::new();
        let mut done = [false; 10];
        for d in 0..10 {
            if done[d] || children[d].is_empty() {
                continue;
            }
            let mut digits = Vec::new();
            for (e, child) in children.iter().enumerate().skip(d) {
                if !done[e] && *child == children[d] {
                    done[e] = true;
                    digits.push(e);
                }
            }
            let class = digit_class(&digits);
            out.extend(children[d].iter().map(|(p, l, k, r)| (format!("{class}{p}"), *l, *k, *r)));
        }
        out
    }
}

/// Digits a prefix pattern stands for: "2[4-68]" is 3.
pub(super) fn pattern_len(pattern: &str) -> usize {
    pattern.split(['[', ']']).enumerate().map(|(i, part)| if i % 2 == 1 { 1 } else { part.len() }).sum()
}

/// The first `n` digit positions of a pattern.
pub(super) fn truncate(pattern: &str, n: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut chars = pattern.chars();
    while count < n {
        let Some(c) = chars.next() else { break };
        out.push(c);
        if c == '[' {
            for c in chars.by_ref() {
                out.push(c);
                if c == ']' {
                    break;
                }
            }
        }
        count += 1;
    }
    out
}

/// "5", "[1689]", "[0-46-9]".
pub(super) fn digit_class(digits: &[usize]) -> String {
    if let [one] = digits {
        return one.to_string();
    }
    let mut out = String::from("[");
    let mut i = 0;
    while i < digits.len() {
        let mut j = i;
        while j + 1 < digits.len() && digits[j + 1] == digits[j] + 1 {
            j += 1;
        }
        match j - i {
            0 => write!(out, "{}", digits[i]),
            1 => write!(out, "{}{}", digits[i], digits[j]),
            _ => write!(out, "{}-{}", digits[i], digits[j]),
        }
        .ok();
        i = j + 1;
    }
    out.push(']');
    out
}

/// The ranges of one calling code: patterns in order, each with its lengths grouped per kind and region.
pub(super) fn generate(calling_code: u16) -> Vec<(String, Vec<u16>, PhoneKind, Region)> {
    let model = Model::new(calling_code);
    let depths: Vec<(&str, usize)> =
        DEPTHS.iter().filter(|(cc, ..)| *cc == calling_code).map(|&(_, p, d)| (p, d)).collect();
    let deepest = depths.iter().map(|(_, d)| *d).max().expect("a depth for every plan");
    let mut generator = Generator { model: &model, depths, memo: BTreeMap::new() };
    let start = model.start.clone();
    let entries = generator.emit(&start, &mut String::new());
    let shortest = entries.iter().map(|(_, l, ..)| usize::from(*l)).min().unwrap_or(0);
    assert!(deepest <= shortest, "+{calling_code}: depth {deepest} exceeds the shortest valid length {shortest}");
    let mut ranges: Vec<(String, Vec<u16>, PhoneKind, Region)> = Vec::new();
    for (pattern, length, kind, region) in entries {
        match ranges.iter_mut().find(|(p, _, k, r)| *p == pattern && *k == kind && *r == region) {
            Some((_, lengths, ..)) => lengths.push(length),
            None => ranges.push((pattern, vec![length], kind, region)),
        }
    }
    for (_, lengths, ..) in &mut ranges {
        lengths.sort_unstable();
    }
    ranges
}

/// The whole `tables.rs`.
pub(super) fn print_tables() -> String {
    let mut out = String::new();
    writeln!(out, "//! Number ranges of the detailed numbering plans, generated from the\n//! {METADATA}.").ok();
    out.push_str(
        "//!\n//! Do not edit: regenerate with `scripts/phone-tables.sh` (it runs the ignored test\n//! \
         `customer::phone::generate::generate_tables`) and keep `DEPTHS` in `generate.rs` in step. Each range: a \
         prefix\n//! of the national significant number (digits and classes), its lengths, kind and region. \
         Prefixes of one calling\n//! code do not overlap; a prefix is exact up to its depth in `DEPTHS`, beyond \
         it the lengths are those where some\n//! number is valid and the kind and region those of most \
         numbers.\n\n",
    );
    out.push_str("use super::kind::PhoneKind::*;\nuse super::range::Range;\nuse super::region::Region;\n");
    let mut regions: Vec<Region> = Vec::new();
    let mut bodies = String::new();
    for plan in PLANS {
        let ranges = generate(plan.calling_code);
        writeln!(bodies, "\n/// +{} ({} ranges).", plan.calling_code, ranges.len()).ok();
        writeln!(bodies, "pub(super) const CC_{}: &[Range] = &[", plan.calling_code).ok();
        for (pattern, lengths, kind, region) in ranges {
            if !regions.contains(&region) {
                regions.push(region);
            }
            let lengths: Vec<String> = lengths.iter().map(u16::to_string).collect();
            writeln!(bodies, "    r(\"{pattern}\", &[{}], {kind:?}, {region}),", lengths.join(", ")).ok();
        }
        bodies.push_str("];\n");
    }
    regions.sort_unstable();
    out.push('\n');
    for region in regions {
        writeln!(out, "const {region}: Region = Region(*b\"{region}\");").ok();
    }
    out.push_str(
        "\nconst fn r(pattern: &'static str, lengths: &'static [u8], kind: super::kind::PhoneKind, region: Region) \
         -> Range {\n    Range { pattern, lengths, kind, region }\n}\n",
    );
    out.push_str(&bodies);
    out
}

#[test]
#[ignore = "prints tables.rs; run by hand after a metadata update"]
pub(super) fn generate_tables() {
    println!("----- tables.rs -----\n{}----- end -----", print_tables());
}

#[test]
pub(super) fn tables_are_generated_from_the_metadata() {
    // Token by token: rustfmt may lay the committed file out differently.
    let generated = print_tables();
    let committed = include_str!("tables.rs");
    let first = generated.split_whitespace().zip(committed.split_whitespace()).position(|(a, b)| a != b);
    assert_eq!(first, None, "tables.rs is not what the generator prints; regenerate it");
    assert_eq!(generated.split_whitespace().count(), committed.split_whitespace().count());
}
