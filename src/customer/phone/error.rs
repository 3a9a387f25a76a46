//! Why a phone number or region was rejected: [`PhoneError`].

use serde::{Deserialize, Serialize};

use super::region::Region;

/// Why a phone number or region was rejected.
#[derive(Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum PhoneError {
    /// The text holds no digit.
    #[error("phone number {input:?} has no digits")]
    NoDigits {
        /// The rejected text (at most 80 characters of it).
        input: String,
    },
    /// The text holds a character that is neither a digit nor a separator (letters included: vanity numbers and
    /// extensions are rejected).
    #[error(
        "phone number {input:?} contains {character:?}: only digits, spaces, '-', '.', '/', parentheses and a leading '+' are allowed"
    )]
    InvalidCharacter {
        /// The rejected text (at most 80 characters of it).
        input: String,
        /// The first offending character.
        character: char,
    },
    /// A `+` after the first digit, or more than one `+`.
    #[error("phone number {input:?} has a '+' that is not before the first digit")]
    MisplacedPlus {
        /// The rejected text (at most 80 characters of it).
        input: String,
    },
    /// More digits than any phone number has.
    #[error("phone number {input:?} has {digits} digits: E.164 allows at most 15 with the country calling code")]
    TooManyDigits {
        /// The rejected text (at most 80 characters of it).
        input: String,
        /// How many digits the number would have, calling code included.
        digits: usize,
    },
    /// No `+` and no default region: the country is unknown.
    #[error("phone number {input:?} has no country calling code: write it as +CC... or give a default region")]
    MissingRegion {
        /// The rejected text (at most 80 characters of it).
        input: String,
    },
    /// The digits after `+` (or after the international prefix) start with no assigned country calling code.
    #[error("phone number {input:?} does not start with an assigned country calling code")]
    UnknownCallingCode {
        /// The rejected text (at most 80 characters of it).
        input: String,
    },
    /// A national number in a region this build has no numbering plan for (without the `phonenumber` feature:
    /// regions outside the detailed list, see the module docs).
    #[error(
        "phone number {input:?} is national but region {region} has no numbering plan in this build: write it as +CC..."
    )]
    UnsupportedRegion {
        /// The rejected text (at most 80 characters of it).
        input: String,
        /// The default region given.
        region: Region,
    },
    /// The national significant number is too short or too long for its range.
    #[error(
        "phone number {input:?} has a national number of {length} digit{}: +{calling_code} numbers in that range have {}",
        if *length == 1 { "" } else { "s" },
        describe_lengths(expected)
    )]
    InvalidLength {
        /// The rejected text (at most 80 characters of it).
        input: String,
        /// The country calling code.
        calling_code: u16,
        /// Digits in the national significant number.
        length: usize,
        /// The accepted lengths, ascending.
        expected: Vec<u8>,
    },
    /// The national significant number is in no range its numbering plan allocates.
    #[error("phone number {input:?} is in no number range allocated by the +{calling_code} numbering plan")]
    InvalidRange {
        /// The rejected text (at most 80 characters of it).
        input: String,
        /// The country calling code.
        calling_code: u16,
    },
    /// A pre-2018 11-digit Vietnamese mobile prefix under
    /// [`LegacyVietnamesePrefix::Reject`](super::LegacyVietnamesePrefix::Reject).
    #[error("phone number {input:?} uses the pre-2018 vietnamese mobile prefix {old}, renumbered to {new} in 2018")]
    LegacyVietnamesePrefix {
        /// The rejected text (at most 80 characters of it).
        input: String,
        /// The old prefix with its trunk zero ("0168").
        old: String,
        /// The prefix that replaced it ("038").
        new: String,
    },
    /// The libphonenumber metadata does not know the number (only returned with the `phonenumber` feature).
    #[error("phone number {input:?} (read as {e164}) is not valid according to the libphonenumber metadata")]
    RejectedByMetadata {
        /// The rejected text (at most 80 characters of it).
        input: String,
        /// The E.164 form the tables accepted.
        e164: String,
    },
    /// The text is not `+` followed by 1 to 15 digits ([`FromStr`](std::str::FromStr) and serde accept E.164 only).
    #[error("phone number {input:?} is not in E.164 form: expected '+' and up to 15 digits, such as \"+84903123456\"")]
    NotE164 {
        /// The rejected text (at most 80 characters of it).
        input: String,
    },
    /// The text is not an officially assigned ISO 3166-1 alpha-2 code.
    #[error("unknown region {input:?}: expected an ISO 3166-1 alpha-2 code such as VN or US")]
    UnknownRegion {
        /// The rejected text (at most 80 characters of it).
        input: String,
    },
}

/// "9", "9 or 10", "8 to 10", "6 or 8 to 10": the accepted lengths, for an error message.
pub(super) fn describe_lengths(lengths: &[u8]) -> String {
    let mut runs: Vec<(u8, u8)> = Vec::new();
    for &n in lengths {
        match runs.last_mut() {
            Some((_, hi)) if hi.checked_add(1) == Some(n) => *hi = n,
            _ => runs.push((n, n)),
        }
    }
    let mut items: Vec<String> = Vec::new();
    for (lo, hi) in runs {
        if hi.saturating_sub(lo) >= 2 {
            items.push(format!("{lo} to {hi}"));
        } else {
            items.extend((lo..=hi).map(|n| n.to_string()));
        }
    }
    match items.split_last() {
        None => "no valid length".to_owned(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}
