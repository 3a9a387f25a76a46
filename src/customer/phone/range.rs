//! One range of a numbering plan, and how a number matches it.

use super::kind::PhoneKind;
use super::region::Region;

/// One range of a numbering plan: national significant numbers starting with `pattern` with one of `lengths`
/// digits are of `kind` and belong to `region`. Generated from the libphonenumber metadata (`tables.rs`).
pub(super) struct Range {
    /// Digits and `[...]` classes of digits (`"9[0-46-9]"`), matched at the start of the number.
    pub(super) pattern: &'static str,
    pub(super) lengths: &'static [u8],
    pub(super) kind: PhoneKind,
    pub(super) region: Region,
}

/// Every length of `ranges`, ascending, once.
pub(super) fn sorted_lengths<'a>(ranges: impl Iterator<Item = &'a Range>) -> Vec<u8> {
    let mut all: Vec<u8> = ranges.flat_map(|r| r.lengths.iter().copied()).collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// How many digits of `digits` the pattern matches at its start, or `None`. A pattern is digits and classes
/// such as `[0-46-9]`; a malformed pattern matches nothing.
pub(super) fn prefix_match(pattern: &str, digits: &str) -> Option<usize> {
    let digits = digits.as_bytes();
    let mut pattern = pattern.bytes();
    let mut matched = 0_usize;
    while let Some(p) = pattern.next() {
        let d = *digits.get(matched)?;
        if p == b'[' {
            let mut hit = false;
            let mut previous: Option<u8> = None;
            let mut in_range = false;
            loop {
                match pattern.next()? {
                    b']' => break,
                    b'-' => in_range = true,
                    c => {
                        if in_range {
                            hit |= previous.is_some_and(|lo| (lo..=c).contains(&d));
                            in_range = false;
                        } else {
                            hit |= c == d;
                        }
                        previous = Some(c);
                    }
                }
            }
            if !hit {
                return None;
            }
        } else if p != d {
            return None;
        }
        matched = matched.saturating_add(1);
    }
    Some(matched)
}
