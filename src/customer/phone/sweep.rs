//! The default build's tables against the libphonenumber metadata (`phonenumber` feature, tests only).
//!
//! - An oracle that reads the metadata the way libphonenumber does: a national significant number (NSN) is of a
//!   type when it matches the type's pattern **in full** and has one of its possible lengths; the region of a
//!   shared calling code is the first (main country first) whose leading digits match, or, without leading
//!   digits, for which the number has a type; the type is the first in libphonenumber's order (premium rate,
//!   toll-free, shared cost, VoIP, personal, pager, UAN, voicemail, fixed line/mobile). The `phonenumber` crate
//!   itself only checks that a *prefix* of the number matches (`find` at 0) and is therefore more lenient; the
//!   oracle compiles the crate's patterns into automata over digits instead, and `the_crate_accepts_what_the_oracle
//!   _accepts` checks the two against each other.
//! - A generator that turns the oracle into the prefix tables of `tables.rs` (exact up to a depth per calling code,
//!   see [`DEPTHS`]), and a test that the committed file is what it prints.
//! - The sweeps the issue asks for: every Vietnamese 3- and 4-digit NSN prefix with every length, and every
//!   metadata example number of every region the default build has a detailed plan for, through the default rules
//!   and the oracle, with an explicit allow-list.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::rc::Rc;

use phonenumber::Type;
use phonenumber::metadata::{DATABASE, Descriptor};

use super::{PLANS, PhoneKind, Region};

/// The metadata version, as the `phonenumber` crate's version suffix says.
const METADATA: &str = "libphonenumber metadata v9.0.33 (the phonenumber crate 0.3.10+9.0.33)";

/// How deep the generated prefixes go: `(calling code, prefix, depth)`. Below its depth a prefix is exact; at
/// the depth of the longest entry whose prefix it extends, it stops with the majority answer per length. Where a
/// longer entry extends a prefix, the generator keeps going. A depth must not exceed the shortest valid NSN of its
/// plan (the generator checks). The deeper entries make the kinds exact where the metadata tells them apart
/// beyond the default depth: the Caribbean NANP area codes (fixed line, mobile, VoIP, pager... by exchange),
/// India's 1800, the Cocos and Christmas Islands ranges of +61 and the Vatican's 06698.
const DEPTHS: &[(u16, &str, usize)] = &[
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

// ---------------------------------------------------------------------------------------------------------------
// The patterns: digits, `\d`, classes, `(?:...)`, `|`, `?`, `{n}`, `{n,m}` (all libphonenumber uses).

enum Ast {
    Set(u16),
    Seq(Vec<Self>),
    Alt(Vec<Self>),
    Rep(Box<Self>, u32, u32),
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn next(&mut self) -> u8 {
        let c = self.s[self.i];
        self.i += 1;
        c
    }

    fn number(&mut self) -> u32 {
        let mut n = 0;
        while let Some(c @ b'0'..=b'9') = self.peek() {
            n = n * 10 + u32::from(c - b'0');
            self.i += 1;
        }
        n
    }

    fn alt(&mut self) -> Ast {
        let mut alts = vec![self.seq()];
        while self.peek() == Some(b'|') {
            self.i += 1;
            alts.push(self.seq());
        }
        Ast::Alt(alts)
    }

    fn seq(&mut self) -> Ast {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == b'|' || c == b')' {
                break;
            }
            let atom = self.atom();
            items.push(self.quantifier(atom));
        }
        Ast::Seq(items)
    }

    fn atom(&mut self) -> Ast {
        match self.next() {
            c @ b'0'..=b'9' => Ast::Set(1 << (c - b'0')),
            b'\\' => {
                assert_eq!(self.next(), b'd', "only \\d is supported");
                Ast::Set(0x3FF)
            }
            b'[' => {
                let mut mask = 0u16;
                let mut previous = None;
                loop {
                    match self.next() {
                        b']' => break,
                        b'-' => {
                            let hi = self.next() - b'0';
                            let lo: u8 = previous.expect("range start");
                            for d in lo..=hi {
                                mask |= 1 << d;
                            }
                        }
                        c @ b'0'..=b'9' => {
                            mask |= 1 << (c - b'0');
                            previous = Some(c - b'0');
                        }
                        c => panic!("unsupported class character {:?}", c as char),
                    }
                }
                Ast::Set(mask)
            }
            b'(' => {
                assert_eq!((self.next(), self.next()), (b'?', b':'), "only (?:...) groups are supported");
                let inner = self.alt();
                assert_eq!(self.next(), b')');
                inner
            }
            c => panic!("unsupported pattern character {:?}", c as char),
        }
    }

    fn quantifier(&mut self, atom: Ast) -> Ast {
        match self.peek() {
            Some(b'?') => {
                self.i += 1;
                Ast::Rep(Box::new(atom), 0, 1)
            }
            Some(b'{') => {
                self.i += 1;
                let lo = self.number();
                let hi = if self.peek() == Some(b',') {
                    self.i += 1;
                    self.number()
                } else {
                    lo
                };
                assert_eq!(self.next(), b'}');
                Ast::Rep(Box::new(atom), lo, hi)
            }
            Some(b'*' | b'+') => panic!("unbounded repetition is not supported"),
            _ => atom,
        }
    }
}

fn parse_pattern(pattern: &str) -> Ast {
    let compact: String = pattern.chars().filter(|c| !c.is_whitespace()).collect();
    let mut parser = Parser { s: compact.as_bytes(), i: 0 };
    let ast = parser.alt();
    assert_eq!(parser.i, compact.len(), "trailing characters in {compact}");
    ast
}

/// A nondeterministic automaton over digits; every state has epsilon moves and at most one digit-set move.
#[derive(Default)]
struct Nfa {
    eps: Vec<Vec<usize>>,
    on: Vec<Option<(u16, usize)>>,
}

impl Nfa {
    fn add(&mut self) -> usize {
        self.eps.push(Vec::new());
        self.on.push(None);
        self.eps.len() - 1
    }

    /// Adds `ast` starting at `start`; returns its end state.
    fn build(&mut self, ast: &Ast, start: usize) -> usize {
        match ast {
            Ast::Set(mask) => {
                let from = self.add();
                let to = self.add();
                self.eps[start].push(from);
                self.on[from] = Some((*mask, to));
                to
            }
            Ast::Seq(items) => items.iter().fold(start, |at, item| self.build(item, at)),
            Ast::Alt(alts) => {
                let end = self.add();
                for alt in alts {
                    let e = self.build(alt, start);
                    self.eps[e].push(end);
                }
                end
            }
            Ast::Rep(inner, lo, hi) => {
                let mut at = start;
                for _ in 0..*lo {
                    at = self.build(inner, at);
                }
                let end = self.add();
                self.eps[at].push(end);
                for _ in *lo..*hi {
                    at = self.build(inner, at);
                    self.eps[at].push(end);
                }
                end
            }
        }
    }

    /// Adds a pattern from a fresh start state; returns (start, accept). With `prefix`, the accept state loops on
    /// every digit (the pattern need only match a prefix, as leading digits do).
    fn pattern(&mut self, pattern: &str, prefix: bool) -> (usize, usize) {
        let ast = parse_pattern(pattern);
        let start = self.add();
        let body = self.build(&ast, start);
        let accept = self.add();
        self.eps[body].push(accept);
        if prefix {
            self.on[accept] = Some((0x3FF, accept));
        }
        (start, accept)
    }

    fn close(&self, mut set: Vec<usize>) -> Vec<usize> {
        let mut stack = set.clone();
        while let Some(s) = stack.pop() {
            for &t in &self.eps[s] {
                if !set.contains(&t) {
                    set.push(t);
                    stack.push(t);
                }
            }
        }
        set.sort_unstable();
        set
    }

    fn step(&self, set: &[usize], digit: u8) -> Vec<usize> {
        let next: Vec<usize> = set
            .iter()
            .filter_map(|&s| self.on[s])
            .filter(|(mask, _)| mask & (1 << digit) != 0)
            .map(|(_, to)| to)
            .collect();
        let mut next = next;
        next.sort_unstable();
        next.dedup();
        self.close(next)
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The oracle: one automaton set per calling code.

/// A type's automaton: its accept state and its possible lengths (empty: any).
struct Auto {
    accept: usize,
    lengths: Vec<u16>,
}

struct RegionModel {
    region: Region,
    /// Accept state of the leading-digits automaton (prefix semantics).
    leading: Option<usize>,
    general: Auto,
    /// In libphonenumber's order; fixed line and mobile last.
    types: Vec<(PhoneKind, Auto)>,
    fixed_is_mobile: bool,
}

/// What the metadata says of a complete NSN: its kind and region, or `None` (invalid).
type Outcome = Option<(PhoneKind, Region)>;

struct Model {
    calling_code: u16,
    nfa: Nfa,
    start: Vec<usize>,
    regions: Vec<RegionModel>,
    /// Every possible length of the descriptions, ascending.
    lengths: Vec<u16>,
}

const ORDER: [(Type, PhoneKind); 10] = [
    (Type::PremiumRate, PhoneKind::PremiumRate),
    (Type::TollFree, PhoneKind::TollFree),
    (Type::SharedCost, PhoneKind::SharedCost),
    (Type::Voip, PhoneKind::Voip),
    (Type::PersonalNumber, PhoneKind::PersonalNumber),
    (Type::Pager, PhoneKind::Pager),
    (Type::Uan, PhoneKind::Uan),
    (Type::Voicemail, PhoneKind::Voicemail),
    (Type::FixedLine, PhoneKind::FixedLine),
    (Type::Mobile, PhoneKind::Mobile),
];

impl Model {
    fn new(calling_code: u16) -> Self {
        let mut nfa = Nfa::default();
        let mut starts = Vec::new();
        let auto = |nfa: &mut Nfa, desc: &Descriptor, starts: &mut Vec<usize>| {
            let (start, accept) = nfa.pattern(desc.national_number().as_str(), false);
            starts.push(start);
            Auto { accept, lengths: desc.possible_length().to_vec() }
        };
        let mut regions = Vec::new();
        let mut lengths = Vec::new();
        for meta in DATABASE.by_code(&calling_code).expect("calling code in the metadata") {
            let region = Region::parse(meta.id()).expect("an ISO region");
            let leading = meta.leading_digits().map(|ld| {
                let (start, accept) = nfa.pattern(ld.as_str(), true);
                starts.push(start);
                accept
            });
            let general = auto(&mut nfa, meta.descriptors().get(Type::Unknown).expect("general"), &mut starts);
            lengths.extend(general.lengths.iter().copied());
            let mut types = Vec::new();
            for (ty, kind) in ORDER {
                if let Some(desc) = meta.descriptors().get(ty) {
                    let a = auto(&mut nfa, desc, &mut starts);
                    lengths.extend(a.lengths.iter().copied());
                    types.push((kind, a));
                }
            }
            let pattern = |ty| meta.descriptors().get(ty).map(|d: &Descriptor| d.national_number().as_str().to_owned());
            let fixed_is_mobile =
                pattern(Type::FixedLine).is_some() && pattern(Type::FixedLine) == pattern(Type::Mobile);
            regions.push(RegionModel { region, leading, general, types, fixed_is_mobile });
        }
        lengths.sort_unstable();
        lengths.dedup();
        let start = nfa.close(starts);
        Self { calling_code, nfa, start, regions, lengths }
    }

    fn kind_in(region: &RegionModel, set: &[usize], len: usize) -> Option<PhoneKind> {
        let matches = |a: &Auto| {
            set.binary_search(&a.accept).is_ok()
                && (a.lengths.is_empty() || a.lengths.iter().any(|&l| usize::from(l) == len))
        };
        if !matches(&region.general) {
            return None;
        }
        let fixed = region.types.iter().find(|(k, _)| *k == PhoneKind::FixedLine);
        let mobile = region.types.iter().find(|(k, _)| *k == PhoneKind::Mobile);
        for (kind, a) in &region.types {
            if !matches(a) {
                continue;
            }
            return Some(match kind {
                PhoneKind::FixedLine if region.fixed_is_mobile || mobile.is_some_and(|(_, m)| matches(m)) => {
                    PhoneKind::FixedLineOrMobile
                }
                PhoneKind::Mobile if fixed.is_some_and(|(_, f)| matches(f)) => PhoneKind::FixedLineOrMobile,
                other => *other,
            });
        }
        None
    }

    /// The outcome of a complete NSN of `len` digits whose automaton states are `set`.
    fn outcome(&self, set: &[usize], len: usize) -> Outcome {
        if let [only] = self.regions.as_slice() {
            return Self::kind_in(only, set, len).map(|k| (k, only.region));
        }
        for region in &self.regions {
            let chosen = match region.leading {
                Some(accept) => set.binary_search(&accept).is_ok(),
                None => Self::kind_in(region, set, len).is_some(),
            };
            if chosen {
                return Self::kind_in(region, set, len).map(|k| (k, region.region));
            }
        }
        None
    }

    fn run(&self, nsn: &str) -> Vec<usize> {
        nsn.bytes().fold(self.start.clone(), |set, b| self.nfa.step(&set, b - b'0'))
    }

    fn check(&self, nsn: &str) -> Outcome {
        self.outcome(&self.run(nsn), nsn.len())
    }
}

/// The oracle for any calling code, built once per code.
#[derive(Default)]
struct Oracle {
    models: BTreeMap<u16, Model>,
}

impl Oracle {
    fn check(&mut self, calling_code: u16, nsn: &str) -> Outcome {
        self.models.entry(calling_code).or_insert_with(|| Model::new(calling_code)).check(nsn)
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The generator.

/// How many complete numbers of each outcome extend a prefix.
type Counts = Rc<BTreeMap<Outcome, u128>>;

struct Generator<'a> {
    model: &'a Model,
    /// `(prefix pattern, depth)` of the model's calling code.
    depths: Vec<(&'static str, usize)>,
    memo: BTreeMap<(Vec<usize>, usize, usize), Counts>,
}

/// One generated range: prefix pattern, one length, outcome (valid).
type Entry = (String, u16, PhoneKind, Region);

impl Generator<'_> {
    fn counts(&mut self, set: &[usize], len: usize, remaining: usize) -> Counts {
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
            .filter(|(p, _)| super::prefix_match(p, digits).is_some())
            .max_by_key(|(p, _)| super::prefix_match(p, digits));
        let deeper_below = self.depths.iter().any(|(p, d)| {
            // An entry whose pattern `digits` has not reached the end of yet, but has not contradicted.
            let n = digits.len().min(pattern_len(p));
            pattern_len(p) > digits.len() && super::prefix_match(&truncate(p, n), digits).is_some() && *d > depth
        });
        covering.is_some_and(|(_, d)| depth >= *d) && !deeper_below
    }

    fn emit(&mut self, set: &[usize], digits: &mut String) -> Vec<Entry> {
        let depth = digits.len();
        // E.164 allows 15 digits with the calling code: longer national numbers are never accepted.
        let most = super::E164_MAX_DIGITS - self.model.calling_code.to_string().len();
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
fn pattern_len(pattern: &str) -> usize {
    pattern.split(['[', ']']).enumerate().map(|(i, part)| if i % 2 == 1 { 1 } else { part.len() }).sum()
}

/// The first `n` digit positions of a pattern.
fn truncate(pattern: &str, n: usize) -> String {
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
fn digit_class(digits: &[usize]) -> String {
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
fn generate(calling_code: u16) -> Vec<(String, Vec<u16>, PhoneKind, Region)> {
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
fn print_tables() -> String {
    let mut out = String::new();
    writeln!(out, "//! Number ranges of the detailed numbering plans, generated from the\n//! {METADATA}.").ok();
    out.push_str(
        "//!\n//! Do not edit: regenerate with\n//! `cargo test --features phonenumber --lib \
         customer::phone::sweep::generate_tables -- --ignored --nocapture`\n//! (printed between the marker \
         lines) and keep `DEPTHS` in `sweep.rs` in step. Each range: a prefix of the national\n//! significant \
         number (digits and classes), its lengths, kind and region. Prefixes of one calling code do not\n//! \
         overlap; a prefix is exact up to its depth in `DEPTHS`, beyond it the lengths are those where some\n//! \
         number is valid and the kind and region those of most numbers.\n\n",
    );
    out.push_str("use super::PhoneKind::*;\nuse super::{Range, Region};\n");
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
        "\nconst fn r(pattern: &'static str, lengths: &'static [u8], kind: super::PhoneKind, region: Region) -> \
         Range {\n    Range { pattern, lengths, kind, region }\n}\n",
    );
    out.push_str(&bodies);
    out
}

#[test]
#[ignore = "prints tables.rs; run by hand after a metadata update"]
fn generate_tables() {
    println!("----- tables.rs -----\n{}----- end -----", print_tables());
}

#[test]
fn tables_are_generated_from_the_metadata() {
    // Token by token: rustfmt may lay the committed file out differently.
    let generated = print_tables();
    let committed = include_str!("tables.rs");
    let first = generated.split_whitespace().zip(committed.split_whitespace()).position(|(a, b)| a != b);
    assert_eq!(first, None, "tables.rs is not what the generator prints; regenerate it");
    assert_eq!(generated.split_whitespace().count(), committed.split_whitespace().count());
}

// ---------------------------------------------------------------------------------------------------------------
// The sweeps.

/// What the default build's tables say of a national significant number (`None`: rejected).
fn tables(calling_code: u16, nsn: &str) -> Option<(PhoneKind, Option<Region>)> {
    super::classify(calling_code, nsn).ok()
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
fn near_a_range(ranges: &[super::Range], seed: u64, fill: &str) -> String {
    let range = &ranges[(seed % ranges.len() as u64) as usize];
    let mut seed = seed / ranges.len() as u64;
    let mut prefix = String::new();
    for part in range.pattern.split_inclusive(['[', ']']) {
        if let Some(class) = part.strip_suffix(']') {
            let choices: Vec<char> =
                ('0'..='9').filter(|c| super::prefix_match(&format!("[{class}]"), &c.to_string()).is_some()).collect();
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
        if nsn.len() + cc.to_string().len() > super::E164_MAX_DIGITS {
            return Ok(());
        }
        let got = tables(cc, &nsn);
        let want = expected(&mut oracle.borrow_mut(), cc, &nsn);
        let Some(depth) = plan.ranges.iter().filter_map(|r| super::prefix_match(r.pattern, &nsn)).max() else {
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
