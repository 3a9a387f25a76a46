//! An oracle that reads the libphonenumber metadata the way libphonenumber does (`phonenumber` feature, tests
//! only): a national significant number (NSN) is of a type when it matches the type's pattern **in full** and has
//! one of its possible lengths; the region of a shared calling code is the first (main country first) whose leading
//! digits match, or, without leading digits, for which the number has a type; the type is the first in
//! libphonenumber's order (premium rate, toll-free, shared cost, VoIP, personal, pager, UAN, voicemail, fixed
//! line/mobile). The `phonenumber` crate itself only checks that a *prefix* of the number matches (`find` at 0)
//! and is therefore more lenient; the oracle compiles the crate's patterns into automata over digits instead, and
//! `sweep::the_crate_accepts_what_the_oracle_accepts` checks the two against each other.
//!
//! The generator (`generate.rs`) turns the oracle into `tables.rs`; the sweeps (`sweep.rs`) check the tables
//! against it.

use std::collections::BTreeMap;

use phonenumber::Type;
use phonenumber::metadata::{DATABASE, Descriptor};

use super::kind::PhoneKind;
use super::region::Region;

// The patterns: digits, `\d`, classes, `(?:...)`, `|`, `?`, `{n}`, `{n,m}` (all libphonenumber uses).

pub(super) enum Ast {
    Set(u16),
    Seq(Vec<Self>),
    Alt(Vec<Self>),
    Rep(Box<Self>, u32, u32),
}

pub(super) struct Parser<'a> {
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

pub(super) fn parse_pattern(pattern: &str) -> Ast {
    let compact: String = pattern.chars().filter(|c| !c.is_whitespace()).collect();
    let mut parser = Parser { s: compact.as_bytes(), i: 0 };
    let ast = parser.alt();
    assert_eq!(parser.i, compact.len(), "trailing characters in {compact}");
    ast
}

/// A nondeterministic automaton over digits; every state has epsilon moves and at most one digit-set move.
#[derive(Default)]
pub(super) struct Nfa {
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

    pub(super) fn step(&self, set: &[usize], digit: u8) -> Vec<usize> {
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

// The oracle: one automaton set per calling code.

/// A type's automaton: its accept state and its possible lengths (empty: any).
pub(super) struct Auto {
    accept: usize,
    lengths: Vec<u16>,
}

pub(super) struct RegionModel {
    region: Region,
    /// Accept state of the leading-digits automaton (prefix semantics).
    leading: Option<usize>,
    general: Auto,
    /// In libphonenumber's order; fixed line and mobile last.
    types: Vec<(PhoneKind, Auto)>,
    fixed_is_mobile: bool,
}

/// What the metadata says of a complete NSN: its kind and region, or `None` (invalid).
pub(super) type Outcome = Option<(PhoneKind, Region)>;

pub(super) struct Model {
    pub(super) calling_code: u16,
    pub(super) nfa: Nfa,
    pub(super) start: Vec<usize>,
    pub(super) regions: Vec<RegionModel>,
    /// Every possible length of the descriptions, ascending.
    pub(super) lengths: Vec<u16>,
}

pub(super) const ORDER: [(Type, PhoneKind); 10] = [
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
    pub(super) fn new(calling_code: u16) -> Self {
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
    pub(super) fn outcome(&self, set: &[usize], len: usize) -> Outcome {
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

    pub(super) fn run(&self, nsn: &str) -> Vec<usize> {
        nsn.bytes().fold(self.start.clone(), |set, b| self.nfa.step(&set, b - b'0'))
    }

    pub(super) fn check(&self, nsn: &str) -> Outcome {
        self.outcome(&self.run(nsn), nsn.len())
    }
}

/// The oracle for any calling code, built once per code.
#[derive(Default)]
pub(super) struct Oracle {
    models: BTreeMap<u16, Model>,
}

impl Oracle {
    pub(super) fn check(&mut self, calling_code: u16, nsn: &str) -> Outcome {
        self.models.entry(calling_code).or_insert_with(|| Model::new(calling_code)).check(nsn)
    }
}
