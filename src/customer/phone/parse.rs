//! Reading numbers as people type them: [`PhoneNumber::parse`], its [`ParseOptions`], the E.164 reader, and
//! the pre-2018 Vietnamese prefixes.

use std::borrow::Cow;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::PhoneError;
use super::kind::PhoneKind;
#[cfg(feature = "phonenumber")]
use super::metadata;
use super::number::{E164_MAX_DIGITS, PhoneNumber};
use super::plan::{Miss, PLANS};
use super::region::{CALLING_CODES, Region, region_of};
use crate::text::excerpt;

/// The shortest national significant number accepted for calling codes without a detailed plan.
const FALLBACK_MIN_NSN: u8 = 4;

/// Digits beyond this many (international prefix and stray trunk prefix included) are never a phone number.
const MAX_INPUT_DIGITS: usize = 20;

/// What to do with a pre-2018 11-digit Vietnamese mobile number (0168 xxx xxxx).
///
/// In 2018 the Ministry of Information and Communications renumbered every 11-digit mobile number to 10 digits by
/// replacing its prefix and keeping the last seven digits:
///
/// | Operator | Old → new |
/// |---|---|
/// | Viettel | 0162–0169 → 032–039 |
/// | MobiFone | 0120 → 070, 0121 → 079, 0122 → 077, 0126 → 076, 0128 → 078 |
/// | VinaPhone | 0123 → 083, 0124 → 084, 0125 → 085, 0127 → 081, 0129 → 082 |
/// | Vietnamobile | 0186 → 056, 0188 → 058 |
/// | Gmobile | 0199 → 059 |
///
/// Old numbers still turn up in customer records. The default, [`Map`](Self::Map), stores the new number: the
/// old one no longer rings anyone else, so the mapping is lossless.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LegacyVietnamesePrefix {
    /// Replace the old prefix by the new one: "0168 123 4567" → +84381234567.
    #[default]
    Map,
    /// Reject with [`PhoneError::LegacyVietnamesePrefix`], naming the old and the new prefix.
    Reject,
}

/// Options of [`PhoneNumber::parse_with`]. `ParseOptions::default()` is what [`PhoneNumber::parse`] uses.
///
/// ```
/// use customer_care::customer::phone::{LegacyVietnamesePrefix, ParseOptions, PhoneNumber, Region};
///
/// let strict = ParseOptions::default().legacy_vietnamese_prefix(LegacyVietnamesePrefix::Reject);
/// let err = PhoneNumber::parse_with("0168 123 4567", Some(Region::VN), &strict).unwrap_err();
/// assert!(err.to_string().contains("prefix 0168, renumbered to 038"));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ParseOptions {
    /// The pre-2018 Vietnamese mobile prefix policy.
    pub legacy_vietnamese_prefix: LegacyVietnamesePrefix,
}

impl ParseOptions {
    /// Sets the pre-2018 Vietnamese mobile prefix policy.
    #[must_use]
    pub const fn legacy_vietnamese_prefix(mut self, policy: LegacyVietnamesePrefix) -> Self {
        self.legacy_vietnamese_prefix = policy;
        self
    }
}

impl PhoneNumber {
    /// Reads a phone number as people type it, with [`ParseOptions::default`].
    ///
    /// `default_region` says how to read a number without `+`: its national form ("0903 123 456"), its
    /// international prefix ("0084 903 123 456"). Without a region, a number must start with `+`.
    ///
    /// # Errors
    ///
    /// A [`PhoneError`] naming the input: letters or other characters ([`InvalidCharacter`]), no digits, no
    /// calling code and no region ([`MissingRegion`]), an unassigned calling code, a length or range the plan does
    /// not allocate ([`InvalidLength`], [`InvalidRange`]), a national number in a region without a plan in this
    /// build ([`UnsupportedRegion`]), or, with the `phonenumber` feature, a number the libphonenumber metadata
    /// rejects ([`RejectedByMetadata`]).
    ///
    /// ```
    /// use customer_care::customer::phone::{PhoneNumber, Region};
    ///
    /// let a = PhoneNumber::parse("0084 903 123 456", Some(Region::VN))?;
    /// let b = PhoneNumber::parse("+84 90 312 3456", None)?;
    /// assert_eq!(a, b);
    /// assert_eq!(PhoneNumber::parse("020 7946 0018", Some(Region::GB))?.e164(), "+442079460018");
    /// assert!(PhoneNumber::parse("1-800-FLOWERS", Some(Region::US)).is_err());
    /// # Ok::<(), customer_care::customer::phone::PhoneError>(())
    /// ```
    ///
    /// [`InvalidCharacter`]: PhoneError::InvalidCharacter
    /// [`MissingRegion`]: PhoneError::MissingRegion
    /// [`InvalidLength`]: PhoneError::InvalidLength
    /// [`InvalidRange`]: PhoneError::InvalidRange
    /// [`UnsupportedRegion`]: PhoneError::UnsupportedRegion
    /// [`RejectedByMetadata`]: PhoneError::RejectedByMetadata
    pub fn parse(input: &str, default_region: Option<Region>) -> Result<Self, PhoneError> {
        Self::parse_with(input, default_region, &ParseOptions::default())
    }

    /// Reads a phone number as people type it, with explicit options.
    ///
    /// # Errors
    ///
    /// As [`parse`](Self::parse), plus [`PhoneError::LegacyVietnamesePrefix`] under
    /// [`LegacyVietnamesePrefix::Reject`].
    pub fn parse_with(input: &str, default_region: Option<Region>, options: &ParseOptions) -> Result<Self, PhoneError> {
        let scanned = scan(input)?;
        let digits = scanned.digits.as_str();
        if scanned.plus {
            return international(input, digits, options, true);
        }
        let Some(region) = default_region else {
            return Err(PhoneError::MissingRegion { input: excerpt(input) });
        };
        let Some(plan) = PLANS.iter().find(|plan| plan.regions.contains(&region)) else {
            return unsupported_region(input, region, digits, options);
        };
        let idd = plan.international_prefixes.iter().filter(|p| digits.starts_with(*p)).max_by_key(|p| p.len());
        if let Some(rest) = idd.and_then(|p| digits.get(p.len()..)) {
            return international(input, rest, options, true);
        }
        let mut attempts: Vec<&str> = Vec::with_capacity(4);
        let national = plan.trunk_prefix.and_then(|t| digits.strip_prefix(t)).unwrap_or(digits);
        attempts.push(national);
        let code = plan.calling_code.to_string();
        if let Some(rest) = digits.strip_prefix(code.as_str()) {
            attempts.push(rest);
            if let Some(stripped) = plan.trunk_prefix.and_then(|t| rest.strip_prefix(t)) {
                attempts.push(stripped);
            }
        }
        first_valid(input, plan.calling_code, &attempts, options)
    }
}

impl FromStr for PhoneNumber {
    type Err = PhoneError;

    /// Reads the E.164 form only (`+` and up to 15 digits); [`PhoneNumber::parse`] reads what people type.
    /// A pre-2018 Vietnamese mobile number is mapped to its new prefix, as by default in `parse`.
    fn from_str(s: &str) -> Result<Self, PhoneError> {
        let digits = s
            .strip_prefix('+')
            .filter(|d| (1..=E164_MAX_DIGITS).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| PhoneError::NotE164 { input: excerpt(s) })?;
        international(s, digits, &ParseOptions::default(), false)
    }
}

/// The digits of an input and whether it started with `+`.
pub(super) struct Scanned {
    pub(super) digits: String,
    pub(super) plus: bool,
}

/// Checks the characters and keeps the digits.
pub(super) fn scan(input: &str) -> Result<Scanned, PhoneError> {
    let mut digits = String::new();
    let mut count = 0_usize;
    let mut plus = false;
    for c in input.chars() {
        match c {
            '0'..='9' => {
                count = count.saturating_add(1);
                if count <= MAX_INPUT_DIGITS {
                    digits.push(c);
                }
            }
            '+' if !plus && count == 0 => plus = true,
            '+' => return Err(PhoneError::MisplacedPlus { input: excerpt(input) }),
            '-' | '.' | '/' | '(' | ')' => {}
            c if c.is_whitespace() => {}
            character => return Err(PhoneError::InvalidCharacter { input: excerpt(input), character }),
        }
    }
    if count == 0 {
        return Err(PhoneError::NoDigits { input: excerpt(input) });
    }
    if count > MAX_INPUT_DIGITS {
        return Err(PhoneError::TooManyDigits { input: excerpt(input), digits: count });
    }
    Ok(Scanned { digits, plus })
}

/// The assigned calling code `digits` start with, and the rest. Calling codes are prefix-free and never start
/// with 0 (so "+041" is not +41).
pub(super) fn split_calling_code(digits: &str) -> Option<(u16, &str)> {
    if digits.starts_with('0') {
        return None;
    }
    (1..=3).find_map(|len| {
        let code: u16 = digits.get(..len)?.parse().ok()?;
        CALLING_CODES.binary_search_by_key(&code, |&(cc, _)| cc).ok()?;
        Some((code, digits.get(len..)?))
    })
}

/// Reads `digits` that follow `+` or an international prefix. `lenient` also tries without a stray trunk prefix
/// after the calling code ("+84 (0) 903...").
pub(super) fn international(
    input: &str,
    digits: &str,
    options: &ParseOptions,
    lenient: bool,
) -> Result<PhoneNumber, PhoneError> {
    let (calling_code, nsn) =
        split_calling_code(digits).ok_or_else(|| PhoneError::UnknownCallingCode { input: excerpt(input) })?;
    let mut attempts = vec![nsn];
    let trunk = PLANS.iter().find(|plan| plan.calling_code == calling_code).and_then(|plan| plan.trunk_prefix);
    if let Some(stripped) = trunk.filter(|_| lenient).and_then(|t| nsn.strip_prefix(t)) {
        attempts.push(stripped);
    }
    first_valid(input, calling_code, &attempts, options)
}

/// The first reading that validates; otherwise the error of the first reading, unless a later one hit a legacy
/// Vietnamese prefix (the more useful message).
pub(super) fn first_valid(
    input: &str,
    calling_code: u16,
    attempts: &[&str],
    options: &ParseOptions,
) -> Result<PhoneNumber, PhoneError> {
    let mut first_error = None;
    for nsn in attempts {
        match build(input, calling_code, nsn, options) {
            Ok(number) => return Ok(number),
            Err(e @ PhoneError::LegacyVietnamesePrefix { .. }) => return Err(e),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or_else(|| PhoneError::InvalidRange { input: excerpt(input), calling_code }))
}

/// A national number in a region without a detailed plan: only the `phonenumber` feature can read it.
pub(super) fn unsupported_region(
    input: &str,
    region: Region,
    digits: &str,
    options: &ParseOptions,
) -> Result<PhoneNumber, PhoneError> {
    #[cfg(feature = "phonenumber")]
    if let Some((calling_code, nsn)) = metadata::national(region, digits) {
        return build(input, calling_code, &nsn, options);
    }
    let _ = (digits, options);
    Err(PhoneError::UnsupportedRegion { input: excerpt(input), region })
}

/// Validates a calling code and national significant number and builds the number.
pub(super) fn build(
    input: &str,
    calling_code: u16,
    nsn: &str,
    options: &ParseOptions,
) -> Result<PhoneNumber, PhoneError> {
    let mut nsn = Cow::Borrowed(nsn);
    if calling_code == 84
        && let Some((old, new)) = legacy_vietnamese(&nsn)
    {
        match options.legacy_vietnamese_prefix {
            LegacyVietnamesePrefix::Map => {
                nsn = Cow::Owned(format!("{new}{}", nsn.get(old.len()..).unwrap_or("")));
            }
            LegacyVietnamesePrefix::Reject => {
                return Err(PhoneError::LegacyVietnamesePrefix {
                    input: excerpt(input),
                    old: format!("0{old}"),
                    new: format!("0{new}"),
                });
            }
        }
    }
    let code = calling_code.to_string();
    let total = code.len().saturating_add(nsn.len());
    if total > E164_MAX_DIGITS {
        return Err(PhoneError::TooManyDigits { input: excerpt(input), digits: total });
    }
    let (kind, region) =
        classify(calling_code, &nsn).map_err(|miss| miss.into_error(input, calling_code, nsn.len()))?;
    let e164 = format!("+{code}{nsn}");
    #[cfg(feature = "phonenumber")]
    let (kind, region) = {
        // The metadata's kind replaces the tables' (they agree on the plans' examples; see `sweep`).
        let _ = kind;
        let (kind, found) = metadata::check(&e164)
            .ok_or_else(|| PhoneError::RejectedByMetadata { input: excerpt(input), e164: e164.clone() })?;
        (kind, found.or(region))
    };
    let calling_code_len = u8::try_from(code.len()).unwrap_or(0);
    Ok(PhoneNumber { e164: e164.into(), calling_code_len, kind, region })
}

/// The kind and region the tables give a national significant number: by its plan's ranges, else by the E.164
/// length rule.
pub(super) fn classify(calling_code: u16, nsn: &str) -> Result<(PhoneKind, Option<Region>), Miss> {
    match PLANS.iter().find(|plan| plan.calling_code == calling_code) {
        Some(plan) => {
            let (kind, region) = plan.classify(nsn)?;
            // NANP toll-free and premium-rate numbers serve every member: no region (the metadata says US).
            let shared = calling_code == 1 && matches!(kind, PhoneKind::TollFree | PhoneKind::PremiumRate);
            Ok((kind, if shared { None } else { Some(region) }))
        }
        None if nsn.len() >= usize::from(FALLBACK_MIN_NSN) => Ok((PhoneKind::Unknown, region_of(calling_code, nsn))),
        None => {
            let digits = calling_code.to_string().len();
            let max = u8::try_from(E164_MAX_DIGITS.saturating_sub(digits)).unwrap_or(u8::MAX);
            Err(Miss::Length((FALLBACK_MIN_NSN..=max).collect()))
        }
    }
}

/// The pre-2018 Vietnamese mobile prefixes (without the trunk zero) and their replacements.
pub(super) const LEGACY_VN_MOBILE: [(&str, &str); 21] = [
    ("120", "70"),
    ("121", "79"),
    ("122", "77"),
    ("123", "83"),
    ("124", "84"),
    ("125", "85"),
    ("126", "76"),
    ("127", "81"),
    ("128", "78"),
    ("129", "82"),
    ("162", "32"),
    ("163", "33"),
    ("164", "34"),
    ("165", "35"),
    ("166", "36"),
    ("167", "37"),
    ("168", "38"),
    ("169", "39"),
    ("186", "56"),
    ("188", "58"),
    ("199", "59"),
];

/// The old and new prefix when `nsn` is a pre-2018 11-digit (with trunk zero) Vietnamese mobile number.
pub(super) fn legacy_vietnamese(nsn: &str) -> Option<(&'static str, &'static str)> {
    if nsn.len() != 10 {
        return None;
    }
    LEGACY_VN_MOBILE.iter().find(|(old, _)| nsn.starts_with(old)).copied()
}
