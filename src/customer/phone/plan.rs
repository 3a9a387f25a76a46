//! The detailed numbering plans: calling code, regions, trunk and international prefixes, and the allocated
//! ranges of [`tables`](super::tables).

use super::error::PhoneError;
use super::kind::PhoneKind;
use super::range::{Range, prefix_match, sorted_lengths};
use super::region::{NANP, Region};
use super::tables;
use crate::text::excerpt;

/// A detailed numbering plan.
pub(super) struct Plan {
    pub(super) calling_code: u16,
    /// The regions whose national numbers this plan reads (the main one first).
    pub(super) regions: &'static [Region],
    /// The prefix dialled before national numbers inside the country ("0"), if any.
    pub(super) trunk_prefix: Option<&'static str>,
    /// The prefixes dialled before an international number ("00", "011").
    pub(super) international_prefixes: &'static [&'static str],
    /// The allocated ranges; the longest matching pattern decides, then the length (one pattern may be listed
    /// once per kind, with different lengths).
    pub(super) ranges: &'static [Range],
}

/// Why a national significant number failed its plan.
pub(super) enum Miss {
    Range,
    Length(Vec<u8>),
}

impl Miss {
    pub(super) fn into_error(self, input: &str, calling_code: u16, length: usize) -> PhoneError {
        match self {
            Self::Range => PhoneError::InvalidRange { input: excerpt(input), calling_code },
            Self::Length(expected) => {
                PhoneError::InvalidLength { input: excerpt(input), calling_code, length, expected }
            }
        }
    }
}

impl Plan {
    /// The kind and region of a national significant number, or why the plan rejects it.
    pub(super) fn classify(&self, nsn: &str) -> Result<(PhoneKind, Region), Miss> {
        let mut longest: Option<usize> = None;
        for range in self.ranges {
            if let Some(n) = prefix_match(range.pattern, nsn) {
                longest = longest.max(Some(n));
            }
        }
        let Some(longest) = longest else {
            // Too short to reach any pattern: a length problem, not a range problem.
            let shortest = self.ranges.iter().flat_map(|r| r.lengths).min().copied().unwrap_or(0);
            return if nsn.len() < usize::from(shortest) {
                Err(Miss::Length(sorted_lengths(self.ranges.iter())))
            } else {
                Err(Miss::Range)
            };
        };
        let best = || self.ranges.iter().filter(move |r| prefix_match(r.pattern, nsn) == Some(longest));
        match best().find(|r| r.lengths.iter().any(|&l| usize::from(l) == nsn.len())) {
            Some(range) => Ok((range.kind, range.region)),
            None => Err(Miss::Length(sorted_lengths(best()))),
        }
    }
}

/// The detailed plans: trunk and international prefixes (from the libphonenumber metadata v9.0.33 and the
/// national regulators), number ranges generated from the metadata into `tables.rs`.
pub(super) const PLANS: &[Plan] = &[
    Plan {
        calling_code: 84,
        regions: &[Region::VN],
        trunk_prefix: Some("0"),
        international_prefixes: &["00"],
        ranges: tables::CC_84,
    },
    Plan {
        calling_code: 1,
        regions: NANP,
        trunk_prefix: Some("1"),
        international_prefixes: &["011"],
        ranges: tables::CC_1,
    },
    Plan {
        calling_code: 44,
        regions: &[Region::GB, Region(*b"GG"), Region(*b"IM"), Region(*b"JE")],
        trunk_prefix: Some("0"),
        international_prefixes: &["00"],
        ranges: tables::CC_44,
    },
    Plan {
        calling_code: 33,
        regions: &[Region::FR],
        trunk_prefix: Some("0"),
        international_prefixes: &["00"],
        ranges: tables::CC_33,
    },
    Plan {
        calling_code: 49,
        regions: &[Region::DE],
        trunk_prefix: Some("0"),
        international_prefixes: &["00"],
        ranges: tables::CC_49,
    },
    Plan {
        calling_code: 39,
        regions: &[Region::IT, Region(*b"VA")],
        // The leading 0 of Italian landlines is part of the number, also from abroad.
        trunk_prefix: None,
        international_prefixes: &["00"],
        ranges: tables::CC_39,
    },
    Plan {
        calling_code: 34,
        regions: &[Region::ES],
        trunk_prefix: None,
        international_prefixes: &["00"],
        ranges: tables::CC_34,
    },
    Plan {
        calling_code: 31,
        regions: &[Region::NL],
        trunk_prefix: Some("0"),
        international_prefixes: &["00"],
        ranges: tables::CC_31,
    },
    Plan {
        calling_code: 81,
        regions: &[Region::JP],
        trunk_prefix: Some("0"),
        international_prefixes: &["010"],
        ranges: tables::CC_81,
    },
    Plan {
        calling_code: 82,
        regions: &[Region::KR],
        trunk_prefix: Some("0"),
        international_prefixes: &["001", "002", "005", "006", "008", "00700"],
        ranges: tables::CC_82,
    },
    Plan {
        calling_code: 86,
        regions: &[Region::CN],
        trunk_prefix: Some("0"),
        international_prefixes: &["00"],
        ranges: tables::CC_86,
    },
    Plan {
        calling_code: 852,
        regions: &[Region::HK],
        trunk_prefix: None,
        international_prefixes: &["001", "002", "006", "007", "008", "009"],
        ranges: tables::CC_852,
    },
    Plan {
        calling_code: 886,
        regions: &[Region::TW],
        trunk_prefix: Some("0"),
        international_prefixes: &["002", "005", "006", "007", "009", "019"],
        ranges: tables::CC_886,
    },
    Plan {
        calling_code: 65,
        regions: &[Region::SG],
        trunk_prefix: None,
        international_prefixes: &["001", "002", "008", "012", "013", "018", "019"],
        ranges: tables::CC_65,
    },
    Plan {
        calling_code: 60,
        regions: &[Region::MY],
        trunk_prefix: Some("0"),
        international_prefixes: &["00"],
        ranges: tables::CC_60,
    },
    Plan {
        calling_code: 66,
        regions: &[Region::TH],
        trunk_prefix: Some("0"),
        international_prefixes: &["001", "007", "008", "009"],
        ranges: tables::CC_66,
    },
    Plan {
        calling_code: 62,
        regions: &[Region::ID],
        trunk_prefix: Some("0"),
        international_prefixes: &["001", "007", "008", "009"],
        ranges: tables::CC_62,
    },
    Plan {
        calling_code: 63,
        regions: &[Region::PH],
        trunk_prefix: Some("0"),
        international_prefixes: &["00"],
        ranges: tables::CC_63,
    },
    Plan {
        calling_code: 91,
        regions: &[Region::IN],
        trunk_prefix: Some("0"),
        international_prefixes: &["00"],
        ranges: tables::CC_91,
    },
    Plan {
        calling_code: 61,
        regions: &[Region::AU, Region(*b"CC"), Region(*b"CX")],
        trunk_prefix: Some("0"),
        international_prefixes: &["0011", "0014", "0015", "0016", "0018", "0019"],
        ranges: tables::CC_61,
    },
    Plan {
        calling_code: 64,
        regions: &[Region::NZ],
        trunk_prefix: Some("0"),
        international_prefixes: &["00"],
        ranges: tables::CC_64,
    },
    Plan {
        calling_code: 855,
        regions: &[Region::KH],
        trunk_prefix: Some("0"),
        international_prefixes: &["001", "004", "005", "006", "007", "008", "009"],
        ranges: tables::CC_855,
    },
    Plan {
        calling_code: 856,
        regions: &[Region::LA],
        trunk_prefix: Some("0"),
        international_prefixes: &["00"],
        ranges: tables::CC_856,
    },
];
