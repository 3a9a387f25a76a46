//! Phone numbers, normalised to E.164.
//!
//! [`PhoneNumber::parse`] reads what people type ("0903 123 456", "(+84) 903-123-456", "0084 903 123 456",
//! "(415) 555-2671") and stores the E.164 form (`+84903123456`). The default build validates with its own tables:
//!
//! - **Every assigned country calling code** (ITU-T E.164), so any `+CC…` input is recognised.
//! - **Detailed numbering plans** (trunk prefix, international prefixes, number ranges with their plausible
//!   national significant number (NSN) lengths and their kind: mobile, fixed line, toll-free, ...) for VN, the
//!   North American Numbering Plan (+1: US, CA and the Caribbean), GB, FR, DE, IT, ES, NL, JP, KR, CN, HK, TW, SG,
//!   MY, TH, ID, PH, IN, AU, NZ, KH and LA. A number outside every allocated range of its plan is rejected.
//! - **Other calling codes** fall back to the E.164 length rule: a national number of at least 4 digits and at
//!   most 15 digits in total with the calling code.
//!
//! With the optional cargo feature `phonenumber`, every number that passes the tables is also checked against the
//! full libphonenumber metadata (number type and range), [`PhoneNumber::kind`] and [`PhoneNumber::region`] come
//! from that metadata, and national numbers of regions without a detailed plan are read with it. Both builds share
//! this one [`PhoneNumber`] type and the one [`PhoneError`] enum.
//!
//! # Policies
//!
//! - **A number without `+` needs a default region.** Digits alone are read as a national number of the default
//!   region: "84903123456" without a region is rejected ([`PhoneError::MissingRegion`]), never guessed to be
//!   international. With a region, its international prefix (`00` in VN, `011` in the NANP, `010` in JP, ...)
//!   introduces an international number, its trunk prefix (`0`, `1` in the NANP) is dropped, and a national number
//!   that is only valid once the region's own calling code is removed ("84903123456" in VN, as spreadsheets that
//!   ate the `+` leave it) is read as international.
//! - **Letters are rejected**, vanity numbers ("1-800-FLOWERS") and extensions ("ext. 12") included. Spaces, `-`,
//!   `.`, `/` and parentheses are ignored; one `+` may only come before the first digit.
//! - **Pre-2018 Vietnamese mobile prefixes** (11-digit numbers such as 0168 xxx xxxx) are mapped to their new
//!   prefix (0168 → 038) by default, or rejected with an error naming both prefixes: see
//!   [`LegacyVietnamesePrefix`].
//! - **[`FromStr`] and serde read E.164 only** (`+` and digits, nothing else), for stored values; use
//!   [`PhoneNumber::parse`] for what people type. Both validate alike.
//! - **`Debug` is redacted**: `PhoneNumber(<redacted>)`. A library cannot know the host's log policy. Errors do
//!   name the rejected input (cut to 80 characters), as every error of this crate names its values.
//!
//! ```
//! use customer_care::customer::phone::{PhoneKind, PhoneNumber, Region};
//!
//! let mobile = PhoneNumber::parse("0903 123 456", Some(Region::VN))?;
//! assert_eq!(mobile.e164(), "+84903123456");
//! assert_eq!(mobile.kind(), PhoneKind::Mobile);
//! assert_eq!(mobile, PhoneNumber::parse("(+84) 903-123-456", None)?);
//!
//! let landline = PhoneNumber::parse("028 3823 4567", Some(Region::VN))?;
//! assert_eq!(landline.to_string(), "+842838234567");
//! assert_eq!(format!("{landline:?}"), "PhoneNumber(<redacted>)");
//!
//! let us = PhoneNumber::parse("(415) 555-2671", Some(Region::US))?;
//! assert_eq!((us.country_calling_code(), us.national_number()), (1, "4155552671"));
//!
//! assert!(PhoneNumber::parse("0903 123 456", None).is_err());
//! # Ok::<(), customer_care::customer::phone::PhoneError>(())
//! ```

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::text::excerpt;

#[cfg(all(test, feature = "phonenumber"))]
mod sweep;
mod tables;

/// The most digits E.164 allows in a number, calling code included.
pub const E164_MAX_DIGITS: usize = 15;

/// The shortest national significant number accepted for calling codes without a detailed plan.
const FALLBACK_MIN_NSN: u8 = 4;

/// Digits beyond this many (international prefix and stray trunk prefix included) are never a phone number.
const MAX_INPUT_DIGITS: usize = 20;

/// Why a phone number or region was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
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
    /// A pre-2018 11-digit Vietnamese mobile prefix under [`LegacyVietnamesePrefix::Reject`].
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
    /// The text is not `+` followed by 1 to 15 digits ([`FromStr`] and serde accept E.164 only).
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
fn describe_lengths(lengths: &[u8]) -> String {
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

/// A region: an officially assigned ISO 3166-1 alpha-2 code ("VN", "US"), the default region of
/// [`PhoneNumber::parse`].
///
/// Parsing accepts either case and stores upper case; codes that ISO 3166-1 does not assign (user-assigned ones
/// such as "XK", reserved ones such as "AC") are rejected. Serialized as its code, validated on the way in.
///
/// ```
/// use customer_care::customer::phone::Region;
///
/// let vn: Region = "vn".parse()?;
/// assert_eq!(vn, Region::VN);
/// assert_eq!(vn.to_string(), "VN");
/// assert!("ZZ".parse::<Region>().is_err());
/// # Ok::<(), customer_care::customer::phone::PhoneError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Region([u8; 2]);

macro_rules! region_consts {
    ($($name:ident = $code:literal, $what:literal;)*) => {
        impl Region {
            $(
                #[doc = concat!($what, " (", stringify!($name), ").")]
                pub const $name: Self = Self(*$code);
            )*
        }
    };
}

region_consts! {
    VN = b"VN", "Viet Nam";
    US = b"US", "United States";
    CA = b"CA", "Canada";
    GB = b"GB", "United Kingdom";
    FR = b"FR", "France";
    DE = b"DE", "Germany";
    IT = b"IT", "Italy";
    ES = b"ES", "Spain";
    NL = b"NL", "Netherlands";
    JP = b"JP", "Japan";
    KR = b"KR", "Republic of Korea";
    CN = b"CN", "China";
    HK = b"HK", "Hong Kong";
    TW = b"TW", "Taiwan";
    SG = b"SG", "Singapore";
    MY = b"MY", "Malaysia";
    TH = b"TH", "Thailand";
    ID = b"ID", "Indonesia";
    PH = b"PH", "Philippines";
    IN = b"IN", "India";
    AU = b"AU", "Australia";
    NZ = b"NZ", "New Zealand";
    KH = b"KH", "Cambodia";
    LA = b"LA", "Lao People's Democratic Republic";
}

impl Region {
    /// Validates an ISO 3166-1 alpha-2 code, in either case.
    ///
    /// # Errors
    ///
    /// [`PhoneError::UnknownRegion`] when the code is not officially assigned.
    pub fn parse(code: &str) -> Result<Self, PhoneError> {
        let unknown = || PhoneError::UnknownRegion { input: excerpt(code) };
        let bytes: [u8; 2] = code.as_bytes().try_into().map_err(|_| unknown())?;
        let upper = bytes.map(|b| b.to_ascii_uppercase());
        if ISO_3166_ALPHA2.binary_search(&upper).is_ok() { Ok(Self(upper)) } else { Err(unknown()) }
    }

    /// The code, such as `"VN"`.
    pub fn as_str(&self) -> &str {
        // Built only from ASCII upper-case letters.
        std::str::from_utf8(&self.0).unwrap_or("ZZ")
    }

    /// The country calling code of the region, such as 84 for VN, when it has one (Antarctica, Bouvet Island and
    /// a few other territories have none of their own).
    pub fn calling_code(&self) -> Option<u16> {
        CALLING_CODES.iter().find(|(_, regions)| regions.contains(self)).map(|&(cc, _)| cc)
    }
}

impl fmt::Debug for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Region({})", self.as_str())
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Region {
    type Err = PhoneError;
    fn from_str(s: &str) -> Result<Self, PhoneError> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Region {
    type Error = PhoneError;
    fn try_from(value: String) -> Result<Self, PhoneError> {
        Self::parse(&value)
    }
}

impl From<Region> for String {
    fn from(region: Region) -> Self {
        region.as_str().to_owned()
    }
}

/// What a number is for, as far as the numbering plan tells.
///
/// Without the `phonenumber` feature, the kind comes from this module's tables (per range of the detailed plans,
/// [`Unknown`](Self::Unknown) elsewhere); with it, from the libphonenumber metadata.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PhoneKind {
    /// A mobile number.
    Mobile,
    /// A fixed-line (landline) number.
    FixedLine,
    /// Either; the plan does not tell them apart (the NANP, parts of India).
    FixedLineOrMobile,
    /// Free to the caller (1800 in VN, 800 in the NANP).
    TollFree,
    /// Premium rate (1900 in VN, 900 in the NANP).
    PremiumRate,
    /// Cost shared between caller and recipient.
    SharedCost,
    /// Voice over IP.
    Voip,
    /// A personal number, routed to a mobile or a fixed line.
    PersonalNumber,
    /// A pager.
    Pager,
    /// A universal access ("company") number.
    Uan,
    /// Voicemail access.
    Voicemail,
    /// Valid, but the plan does not say what for.
    Unknown,
}

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

/// A phone number in E.164 form (`+84903123456`), validated as described in the [module docs](self).
///
/// Equality, ordering and hashing are those of the E.164 string, so the number is a de-duplication key:
/// "0903 123 456" in VN and "+84 90 312 3456" are the same customer. `Display` prints E.164, [`FromStr`] reads it
/// back; serde stores the E.164 string and validates it when reading. `Debug` never prints the number.
#[derive(Clone, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber {
    /// `+`, calling code, national significant number.
    e164: Box<str>,
    /// Digits in the calling code (1 to 3).
    calling_code_len: u8,
    kind: PhoneKind,
    region: Option<Region>,
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

    /// The E.164 form: `+`, the country calling code and the national significant number (`"+84903123456"`).
    pub fn e164(&self) -> &str {
        &self.e164
    }

    /// The country calling code (84 for Viet Nam, 1 for the NANP).
    pub fn country_calling_code(&self) -> u16 {
        let end = usize::from(self.calling_code_len).saturating_add(1);
        self.e164.get(1..end).and_then(|cc| cc.parse().ok()).unwrap_or(0)
    }

    /// The national significant number: the digits after the calling code, without trunk prefix
    /// (`"903123456"` for +84903123456).
    pub fn national_number(&self) -> &str {
        self.e164.get(usize::from(self.calling_code_len).saturating_add(1)..).unwrap_or("")
    }

    /// The region the number belongs to, when the calling code or the tables tell (VN for +84, CA for +1 604,
    /// none for NANP toll-free numbers or for calling codes shared by regions the tables do not tell apart).
    pub fn region(&self) -> Option<Region> {
        self.region
    }

    /// What the number is for (mobile, fixed line, toll-free, ...) as far as the tables (or, with the
    /// `phonenumber` feature, the libphonenumber metadata) know; [`PhoneKind::Unknown`] otherwise.
    pub fn kind(&self) -> PhoneKind {
        self.kind
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PhoneNumber(<redacted>)")
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.e164)
    }
}

impl PartialEq for PhoneNumber {
    fn eq(&self, other: &Self) -> bool {
        self.e164 == other.e164
    }
}

impl Eq for PhoneNumber {}

impl PartialOrd for PhoneNumber {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PhoneNumber {
    fn cmp(&self, other: &Self) -> Ordering {
        self.e164.cmp(&other.e164)
    }
}

impl Hash for PhoneNumber {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.e164.hash(state);
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

impl TryFrom<String> for PhoneNumber {
    type Error = PhoneError;
    fn try_from(value: String) -> Result<Self, PhoneError> {
        value.parse()
    }
}

impl From<PhoneNumber> for String {
    fn from(number: PhoneNumber) -> Self {
        number.e164.into()
    }
}

/// The digits of an input and whether it started with `+`.
struct Scanned {
    digits: String,
    plus: bool,
}

/// Checks the characters and keeps the digits.
fn scan(input: &str) -> Result<Scanned, PhoneError> {
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
fn split_calling_code(digits: &str) -> Option<(u16, &str)> {
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
fn international(input: &str, digits: &str, options: &ParseOptions, lenient: bool) -> Result<PhoneNumber, PhoneError> {
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
fn first_valid(
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
fn unsupported_region(
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
fn build(input: &str, calling_code: u16, nsn: &str, options: &ParseOptions) -> Result<PhoneNumber, PhoneError> {
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
fn classify(calling_code: u16, nsn: &str) -> Result<(PhoneKind, Option<Region>), Miss> {
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
const LEGACY_VN_MOBILE: [(&str, &str); 21] = [
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
fn legacy_vietnamese(nsn: &str) -> Option<(&'static str, &'static str)> {
    if nsn.len() != 10 {
        return None;
    }
    LEGACY_VN_MOBILE.iter().find(|(old, _)| nsn.starts_with(old)).copied()
}

/// One range of a numbering plan: national significant numbers starting with `pattern` with one of `lengths`
/// digits are of `kind` and belong to `region`. Generated from the libphonenumber metadata (`tables.rs`).
struct Range {
    /// Digits and `[...]` classes of digits (`"9[0-46-9]"`), matched at the start of the number.
    pattern: &'static str,
    lengths: &'static [u8],
    kind: PhoneKind,
    region: Region,
}

/// A detailed numbering plan.
struct Plan {
    calling_code: u16,
    /// The regions whose national numbers this plan reads (the main one first).
    regions: &'static [Region],
    /// The prefix dialled before national numbers inside the country ("0"), if any.
    trunk_prefix: Option<&'static str>,
    /// The prefixes dialled before an international number ("00", "011").
    international_prefixes: &'static [&'static str],
    /// The allocated ranges; the longest matching pattern decides, then the length (one pattern may be listed
    /// once per kind, with different lengths).
    ranges: &'static [Range],
}

/// Why a national significant number failed its plan.
enum Miss {
    Range,
    Length(Vec<u8>),
}

impl Miss {
    fn into_error(self, input: &str, calling_code: u16, length: usize) -> PhoneError {
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
    fn classify(&self, nsn: &str) -> Result<(PhoneKind, Region), Miss> {
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

/// Every length of `ranges`, ascending, once.
fn sorted_lengths<'a>(ranges: impl Iterator<Item = &'a Range>) -> Vec<u8> {
    let mut all: Vec<u8> = ranges.flat_map(|r| r.lengths.iter().copied()).collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// How many digits of `digits` the pattern matches at its start, or `None`. A pattern is digits and classes
/// such as `[0-46-9]`; a malformed pattern matches nothing.
fn prefix_match(pattern: &str, digits: &str) -> Option<usize> {
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

/// The region of a valid number of a calling code without a detailed plan, when the calling code tells.
fn region_of(calling_code: u16, nsn: &str) -> Option<Region> {
    if calling_code == 7 {
        // Kazakhstan shares +7 with Russia: its numbers start with 6 or 7.
        return Some(if nsn.starts_with(['6', '7']) { Region(*b"KZ") } else { Region(*b"RU") });
    }
    match CALLING_CODES.iter().find(|(cc, _)| *cc == calling_code)? {
        (_, [only]) => Some(*only),
        _ => None,
    }
}

/// The detailed plans: trunk and international prefixes (from the libphonenumber metadata v9.0.33 and the
/// national regulators), number ranges generated from the metadata into `tables.rs`.
const PLANS: &[Plan] = &[
    Plan {
        calling_code: 84,
        regions: &[Region::VN],
        trunk_prefix: Some("0"),
        international_prefixes: &["00"],
        ranges: tables::CC_84,
    },
    Plan {
        calling_code: 1,
        regions: &[
            Region::US,
            Region::CA,
            Region(*b"AG"),
            Region(*b"AI"),
            Region(*b"AS"),
            Region(*b"BB"),
            Region(*b"BM"),
            Region(*b"BS"),
            Region(*b"DM"),
            Region(*b"DO"),
            Region(*b"GD"),
            Region(*b"GU"),
            Region(*b"JM"),
            Region(*b"KN"),
            Region(*b"KY"),
            Region(*b"LC"),
            Region(*b"MP"),
            Region(*b"MS"),
            Region(*b"PR"),
            Region(*b"SX"),
            Region(*b"TC"),
            Region(*b"TT"),
            Region(*b"VC"),
            Region(*b"VG"),
            Region(*b"VI"),
        ],
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

/// The libphonenumber path, behind the `phonenumber` feature. Only digit strings this module built are handed to
/// the `phonenumber` crate, never raw input.
#[cfg(feature = "phonenumber")]
mod metadata {
    use phonenumber::Type;

    use super::{PhoneKind, Region};

    /// The kind and region of a valid E.164 number; `None` when the metadata rejects it.
    pub(super) fn check(e164: &str) -> Option<(PhoneKind, Option<Region>)> {
        let number = phonenumber::parse(None, e164).ok()?;
        if !number.is_valid() {
            return None;
        }
        let kind = match number.number_type(&phonenumber::metadata::DATABASE) {
            Type::Mobile => PhoneKind::Mobile,
            Type::FixedLine => PhoneKind::FixedLine,
            Type::FixedLineOrMobile => PhoneKind::FixedLineOrMobile,
            Type::TollFree => PhoneKind::TollFree,
            Type::PremiumRate => PhoneKind::PremiumRate,
            Type::SharedCost => PhoneKind::SharedCost,
            Type::Voip => PhoneKind::Voip,
            Type::PersonalNumber => PhoneKind::PersonalNumber,
            Type::Pager => PhoneKind::Pager,
            Type::Uan => PhoneKind::Uan,
            Type::Voicemail => PhoneKind::Voicemail,
            _ => PhoneKind::Unknown,
        };
        let region = number.country().id().and_then(|id| Region::parse(id.as_ref()).ok());
        Some((kind, region))
    }

    /// Reads national `digits` of a region without a detailed plan: its calling code and national significant
    /// number.
    pub(super) fn national(region: Region, digits: &str) -> Option<(u16, String)> {
        let id: phonenumber::country::Id = region.as_str().parse().ok()?;
        let number = phonenumber::parse(Some(id), digits).ok()?;
        Some((number.code().value(), number.national().to_string()))
    }
}

// Generated from the libphonenumber metadata (v9.0.33) and the ISO 3166-1 list; see notes/phone.md.

/// Officially assigned ISO 3166-1 alpha-2 codes, sorted.
const ISO_3166_ALPHA2: [[u8; 2]; 249] = [
    *b"AD", *b"AE", *b"AF", *b"AG", *b"AI", *b"AL", *b"AM", *b"AO", *b"AQ", *b"AR", *b"AS", *b"AT", *b"AU", *b"AW",
    *b"AX", *b"AZ", *b"BA", *b"BB", *b"BD", *b"BE", *b"BF", *b"BG", *b"BH", *b"BI", *b"BJ", *b"BL", *b"BM", *b"BN",
    *b"BO", *b"BQ", *b"BR", *b"BS", *b"BT", *b"BV", *b"BW", *b"BY", *b"BZ", *b"CA", *b"CC", *b"CD", *b"CF", *b"CG",
    *b"CH", *b"CI", *b"CK", *b"CL", *b"CM", *b"CN", *b"CO", *b"CR", *b"CU", *b"CV", *b"CW", *b"CX", *b"CY", *b"CZ",
    *b"DE", *b"DJ", *b"DK", *b"DM", *b"DO", *b"DZ", *b"EC", *b"EE", *b"EG", *b"EH", *b"ER", *b"ES", *b"ET", *b"FI",
    *b"FJ", *b"FK", *b"FM", *b"FO", *b"FR", *b"GA", *b"GB", *b"GD", *b"GE", *b"GF", *b"GG", *b"GH", *b"GI", *b"GL",
    *b"GM", *b"GN", *b"GP", *b"GQ", *b"GR", *b"GS", *b"GT", *b"GU", *b"GW", *b"GY", *b"HK", *b"HM", *b"HN", *b"HR",
    *b"HT", *b"HU", *b"ID", *b"IE", *b"IL", *b"IM", *b"IN", *b"IO", *b"IQ", *b"IR", *b"IS", *b"IT", *b"JE", *b"JM",
    *b"JO", *b"JP", *b"KE", *b"KG", *b"KH", *b"KI", *b"KM", *b"KN", *b"KP", *b"KR", *b"KW", *b"KY", *b"KZ", *b"LA",
    *b"LB", *b"LC", *b"LI", *b"LK", *b"LR", *b"LS", *b"LT", *b"LU", *b"LV", *b"LY", *b"MA", *b"MC", *b"MD", *b"ME",
    *b"MF", *b"MG", *b"MH", *b"MK", *b"ML", *b"MM", *b"MN", *b"MO", *b"MP", *b"MQ", *b"MR", *b"MS", *b"MT", *b"MU",
    *b"MV", *b"MW", *b"MX", *b"MY", *b"MZ", *b"NA", *b"NC", *b"NE", *b"NF", *b"NG", *b"NI", *b"NL", *b"NO", *b"NP",
    *b"NR", *b"NU", *b"NZ", *b"OM", *b"PA", *b"PE", *b"PF", *b"PG", *b"PH", *b"PK", *b"PL", *b"PM", *b"PN", *b"PR",
    *b"PS", *b"PT", *b"PW", *b"PY", *b"QA", *b"RE", *b"RO", *b"RS", *b"RU", *b"RW", *b"SA", *b"SB", *b"SC", *b"SD",
    *b"SE", *b"SG", *b"SH", *b"SI", *b"SJ", *b"SK", *b"SL", *b"SM", *b"SN", *b"SO", *b"SR", *b"SS", *b"ST", *b"SV",
    *b"SX", *b"SY", *b"SZ", *b"TC", *b"TD", *b"TF", *b"TG", *b"TH", *b"TJ", *b"TK", *b"TL", *b"TM", *b"TN", *b"TO",
    *b"TR", *b"TT", *b"TV", *b"TW", *b"TZ", *b"UA", *b"UG", *b"UM", *b"US", *b"UY", *b"UZ", *b"VA", *b"VC", *b"VE",
    *b"VG", *b"VI", *b"VN", *b"VU", *b"WF", *b"WS", *b"YE", *b"YT", *b"ZA", *b"ZM", *b"ZW",
];

/// Every assigned country calling code with its regions (main region first), sorted by code.
const CALLING_CODES: &[(u16, &[Region])] = &[
    (
        1,
        &[
            Region(*b"US"),
            Region(*b"AG"),
            Region(*b"AI"),
            Region(*b"AS"),
            Region(*b"BB"),
            Region(*b"BM"),
            Region(*b"BS"),
            Region(*b"CA"),
            Region(*b"DM"),
            Region(*b"DO"),
            Region(*b"GD"),
            Region(*b"GU"),
            Region(*b"JM"),
            Region(*b"KN"),
            Region(*b"KY"),
            Region(*b"LC"),
            Region(*b"MP"),
            Region(*b"MS"),
            Region(*b"PR"),
            Region(*b"SX"),
            Region(*b"TC"),
            Region(*b"TT"),
            Region(*b"VC"),
            Region(*b"VG"),
            Region(*b"VI"),
        ],
    ),
    (7, &[Region(*b"RU"), Region(*b"KZ")]),
    (20, &[Region(*b"EG")]),
    (27, &[Region(*b"ZA")]),
    (30, &[Region(*b"GR")]),
    (31, &[Region(*b"NL")]),
    (32, &[Region(*b"BE")]),
    (33, &[Region(*b"FR")]),
    (34, &[Region(*b"ES")]),
    (36, &[Region(*b"HU")]),
    (39, &[Region(*b"IT"), Region(*b"VA")]),
    (40, &[Region(*b"RO")]),
    (41, &[Region(*b"CH")]),
    (43, &[Region(*b"AT")]),
    (44, &[Region(*b"GB"), Region(*b"GG"), Region(*b"IM"), Region(*b"JE")]),
    (45, &[Region(*b"DK")]),
    (46, &[Region(*b"SE")]),
    (47, &[Region(*b"NO"), Region(*b"SJ")]),
    (48, &[Region(*b"PL")]),
    (49, &[Region(*b"DE")]),
    (51, &[Region(*b"PE")]),
    (52, &[Region(*b"MX")]),
    (53, &[Region(*b"CU")]),
    (54, &[Region(*b"AR")]),
    (55, &[Region(*b"BR")]),
    (56, &[Region(*b"CL")]),
    (57, &[Region(*b"CO")]),
    (58, &[Region(*b"VE")]),
    (60, &[Region(*b"MY")]),
    (61, &[Region(*b"AU"), Region(*b"CC"), Region(*b"CX")]),
    (62, &[Region(*b"ID")]),
    (63, &[Region(*b"PH")]),
    (64, &[Region(*b"NZ")]),
    (65, &[Region(*b"SG")]),
    (66, &[Region(*b"TH")]),
    (81, &[Region(*b"JP")]),
    (82, &[Region(*b"KR")]),
    (84, &[Region(*b"VN")]),
    (86, &[Region(*b"CN")]),
    (90, &[Region(*b"TR")]),
    (91, &[Region(*b"IN")]),
    (92, &[Region(*b"PK")]),
    (93, &[Region(*b"AF")]),
    (94, &[Region(*b"LK")]),
    (95, &[Region(*b"MM")]),
    (98, &[Region(*b"IR")]),
    (211, &[Region(*b"SS")]),
    (212, &[Region(*b"MA"), Region(*b"EH")]),
    (213, &[Region(*b"DZ")]),
    (216, &[Region(*b"TN")]),
    (218, &[Region(*b"LY")]),
    (220, &[Region(*b"GM")]),
    (221, &[Region(*b"SN")]),
    (222, &[Region(*b"MR")]),
    (223, &[Region(*b"ML")]),
    (224, &[Region(*b"GN")]),
    (225, &[Region(*b"CI")]),
    (226, &[Region(*b"BF")]),
    (227, &[Region(*b"NE")]),
    (228, &[Region(*b"TG")]),
    (229, &[Region(*b"BJ")]),
    (230, &[Region(*b"MU")]),
    (231, &[Region(*b"LR")]),
    (232, &[Region(*b"SL")]),
    (233, &[Region(*b"GH")]),
    (234, &[Region(*b"NG")]),
    (235, &[Region(*b"TD")]),
    (236, &[Region(*b"CF")]),
    (237, &[Region(*b"CM")]),
    (238, &[Region(*b"CV")]),
    (239, &[Region(*b"ST")]),
    (240, &[Region(*b"GQ")]),
    (241, &[Region(*b"GA")]),
    (242, &[Region(*b"CG")]),
    (243, &[Region(*b"CD")]),
    (244, &[Region(*b"AO")]),
    (245, &[Region(*b"GW")]),
    (246, &[Region(*b"IO")]),
    (247, &[]),
    (248, &[Region(*b"SC")]),
    (249, &[Region(*b"SD")]),
    (250, &[Region(*b"RW")]),
    (251, &[Region(*b"ET")]),
    (252, &[Region(*b"SO")]),
    (253, &[Region(*b"DJ")]),
    (254, &[Region(*b"KE")]),
    (255, &[Region(*b"TZ")]),
    (256, &[Region(*b"UG")]),
    (257, &[Region(*b"BI")]),
    (258, &[Region(*b"MZ")]),
    (260, &[Region(*b"ZM")]),
    (261, &[Region(*b"MG")]),
    (262, &[Region(*b"RE"), Region(*b"YT")]),
    (263, &[Region(*b"ZW")]),
    (264, &[Region(*b"NA")]),
    (265, &[Region(*b"MW")]),
    (266, &[Region(*b"LS")]),
    (267, &[Region(*b"BW")]),
    (268, &[Region(*b"SZ")]),
    (269, &[Region(*b"KM")]),
    (290, &[Region(*b"SH")]),
    (291, &[Region(*b"ER")]),
    (297, &[Region(*b"AW")]),
    (298, &[Region(*b"FO")]),
    (299, &[Region(*b"GL")]),
    (350, &[Region(*b"GI")]),
    (351, &[Region(*b"PT")]),
    (352, &[Region(*b"LU")]),
    (353, &[Region(*b"IE")]),
    (354, &[Region(*b"IS")]),
    (355, &[Region(*b"AL")]),
    (356, &[Region(*b"MT")]),
    (357, &[Region(*b"CY")]),
    (358, &[Region(*b"FI"), Region(*b"AX")]),
    (359, &[Region(*b"BG")]),
    (370, &[Region(*b"LT")]),
    (371, &[Region(*b"LV")]),
    (372, &[Region(*b"EE")]),
    (373, &[Region(*b"MD")]),
    (374, &[Region(*b"AM")]),
    (375, &[Region(*b"BY")]),
    (376, &[Region(*b"AD")]),
    (377, &[Region(*b"MC")]),
    (378, &[Region(*b"SM")]),
    (380, &[Region(*b"UA")]),
    (381, &[Region(*b"RS")]),
    (382, &[Region(*b"ME")]),
    (383, &[]),
    (385, &[Region(*b"HR")]),
    (386, &[Region(*b"SI")]),
    (387, &[Region(*b"BA")]),
    (389, &[Region(*b"MK")]),
    (420, &[Region(*b"CZ")]),
    (421, &[Region(*b"SK")]),
    (423, &[Region(*b"LI")]),
    (500, &[Region(*b"FK")]),
    (501, &[Region(*b"BZ")]),
    (502, &[Region(*b"GT")]),
    (503, &[Region(*b"SV")]),
    (504, &[Region(*b"HN")]),
    (505, &[Region(*b"NI")]),
    (506, &[Region(*b"CR")]),
    (507, &[Region(*b"PA")]),
    (508, &[Region(*b"PM")]),
    (509, &[Region(*b"HT")]),
    (590, &[Region(*b"GP"), Region(*b"BL"), Region(*b"MF")]),
    (591, &[Region(*b"BO")]),
    (592, &[Region(*b"GY")]),
    (593, &[Region(*b"EC")]),
    (594, &[Region(*b"GF")]),
    (595, &[Region(*b"PY")]),
    (596, &[Region(*b"MQ")]),
    (597, &[Region(*b"SR")]),
    (598, &[Region(*b"UY")]),
    (599, &[Region(*b"CW"), Region(*b"BQ")]),
    (670, &[Region(*b"TL")]),
    (672, &[Region(*b"NF")]),
    (673, &[Region(*b"BN")]),
    (674, &[Region(*b"NR")]),
    (675, &[Region(*b"PG")]),
    (676, &[Region(*b"TO")]),
    (677, &[Region(*b"SB")]),
    (678, &[Region(*b"VU")]),
    (679, &[Region(*b"FJ")]),
    (680, &[Region(*b"PW")]),
    (681, &[Region(*b"WF")]),
    (682, &[Region(*b"CK")]),
    (683, &[Region(*b"NU")]),
    (685, &[Region(*b"WS")]),
    (686, &[Region(*b"KI")]),
    (687, &[Region(*b"NC")]),
    (688, &[Region(*b"TV")]),
    (689, &[Region(*b"PF")]),
    (690, &[Region(*b"TK")]),
    (691, &[Region(*b"FM")]),
    (692, &[Region(*b"MH")]),
    (800, &[]),
    (808, &[]),
    (850, &[Region(*b"KP")]),
    (852, &[Region(*b"HK")]),
    (853, &[Region(*b"MO")]),
    (855, &[Region(*b"KH")]),
    (856, &[Region(*b"LA")]),
    (870, &[]),
    (878, &[]),
    (880, &[Region(*b"BD")]),
    (881, &[]),
    (882, &[]),
    (883, &[]),
    (886, &[Region(*b"TW")]),
    (888, &[]),
    (960, &[Region(*b"MV")]),
    (961, &[Region(*b"LB")]),
    (962, &[Region(*b"JO")]),
    (963, &[Region(*b"SY")]),
    (964, &[Region(*b"IQ")]),
    (965, &[Region(*b"KW")]),
    (966, &[Region(*b"SA")]),
    (967, &[Region(*b"YE")]),
    (968, &[Region(*b"OM")]),
    (970, &[Region(*b"PS")]),
    (971, &[Region(*b"AE")]),
    (972, &[Region(*b"IL")]),
    (973, &[Region(*b"BH")]),
    (974, &[Region(*b"QA")]),
    (975, &[Region(*b"BT")]),
    (976, &[Region(*b"MN")]),
    (977, &[Region(*b"NP")]),
    (979, &[]),
    (991, &[]),
    (992, &[Region(*b"TJ")]),
    (993, &[Region(*b"TM")]),
    (994, &[Region(*b"AZ")]),
    (995, &[Region(*b"GE")]),
    (996, &[Region(*b"KG")]),
    (998, &[Region(*b"UZ")]),
];

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::*;

    fn vn(input: &str) -> Result<PhoneNumber, PhoneError> {
        PhoneNumber::parse(input, Some(Region::VN))
    }

    fn e164(input: &str, region: Option<Region>) -> String {
        match PhoneNumber::parse(input, region) {
            Ok(number) => number.e164().to_owned(),
            Err(e) => panic!("{input:?} in {region:?}: {e}"),
        }
    }

    fn message(input: &str, region: Option<Region>) -> String {
        PhoneNumber::parse(input, region).unwrap_err().to_string()
    }

    #[test]
    fn vietnamese_mobiles_in_every_spelling() {
        let expected = "+84903123456";
        for input in [
            "0903 123 456",
            "0903123456",
            "903 123 456",
            "+84 90 312 3456",
            "+84903123456",
            "(+84) 903-123-456",
            "0084 903 123 456",
            "84903123456",
            "+84 (0) 903 123 456",
            "090.312.3456",
            "\u{a0}0903\t123 456 ",
        ] {
            assert_eq!(e164(input, Some(Region::VN)), expected, "{input}");
        }
        let n = vn("0903 123 456").unwrap();
        assert_eq!(n.country_calling_code(), 84);
        assert_eq!(n.national_number(), "903123456");
        assert_eq!(n.region(), Some(Region::VN));
        assert_eq!(n.kind(), PhoneKind::Mobile);
        // International input needs no region; a region of another country does not change it.
        assert_eq!(e164("+84 90 312 3456", None), expected);
        assert_eq!(e164("+84 90 312 3456", Some(Region::US)), expected);
        assert_eq!(e164("011 84 903 123 456", Some(Region::US)), expected);
    }

    #[test]
    fn vietnamese_mobile_prefixes() {
        // The mobile ranges of the libphonenumber metadata (v9.0.33): whole 3-digit blocks...
        let blocks = ["030", "031", "032", "033", "034", "035", "036", "037", "038", "039", "051", "056", "058", "059"]
            .into_iter()
            .chain(["070", "076", "077", "078", "079", "081", "082", "083", "084", "085", "086", "087", "088"])
            .chain(["090", "091", "092", "093", "094", "095", "096", "097", "098"]);
        // ...and parts of others.
        let parts = ["0522", "0523", "0528", "0559", "0896", "0897", "0898", "0899", "0990", "0991", "0993", "0999"];
        for prefix in blocks.chain(parts) {
            let rest = &"1234567"[prefix.len() - 3..];
            let n = vn(&format!("{prefix}{rest}")).unwrap();
            assert_eq!(n.e164(), format!("+84{}{rest}", &prefix[1..]));
            assert_eq!(n.kind(), PhoneKind::Mobile, "{prefix}");
        }
        for unallocated in ["040", "050", "0521", "0550", "071", "080", "0890", "0992"] {
            let rest = &"1234567"[unallocated.len() - 3..];
            let err = vn(&format!("{unallocated}{rest}")).unwrap_err();
            assert!(matches!(err, PhoneError::InvalidRange { calling_code: 84, .. }), "{unallocated}: {err}");
        }
    }

    /// Issue 14: the Vietnamese ranges disagreed with the metadata both ways.
    #[test]
    fn newly_allocated_vietnamese_prefixes_are_accepted_and_unallocated_ones_rejected() {
        // 095 is allocated (mobile); the old tables rejected it.
        let n = vn("095 123 4567").unwrap();
        assert_eq!((n.e164(), n.kind()), ("+84951234567", PhoneKind::Mobile));
        // 0992 is not (099 is allocated except 0992); the old tables accepted it as mobile.
        assert_eq!(
            vn("0992 123 456").unwrap_err(),
            PhoneError::InvalidRange { input: "0992 123 456".into(), calling_code: 84 }
        );
    }

    /// Issue 14: +1 600 is Canada's non-geographic (VoIP) range, not a US area code.
    #[test]
    fn nanp_600_is_canadian() {
        let n = PhoneNumber::parse("+1 600 201 2345", None).unwrap();
        assert_eq!((n.region(), n.kind()), (Some(Region::CA), PhoneKind::Voip));
        assert_eq!(PhoneNumber::parse("(600) 201-2345", Some(Region::US)).unwrap(), n);
    }

    /// Issue 14: rare number types of AU, CN, DE, IN, IT and KR were rejected.
    #[test]
    fn rare_number_types_are_accepted_with_their_kind() {
        for (input, kind) in [
            ("+61 163 1234", PhoneKind::Pager),
            ("+86 1681 2345", PhoneKind::PremiumRate),
            ("+49 177 991 234 567", PhoneKind::Voicemail),
            ("+91 1861 123 456 789", PhoneKind::PremiumRate),
            ("+39 331 012 34501", PhoneKind::Voicemail),
            ("+82 15 2345 6789", PhoneKind::Pager),
        ] {
            let n = PhoneNumber::parse(input, None).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(n.kind(), kind, "{input}");
        }
    }

    #[test]
    fn vietnamese_landlines_and_services() {
        for (input, expected) in [
            ("028 3823 4567", "+842838234567"),
            ("024 3825 7777", "+842438257777"),
            ("2438257777", "+842438257777"),
            ("+84 24 3825 7777", "+842438257777"),
            ("0084 28 3823 4567", "+842838234567"),
            ("0236 3822 222", "+842363822222"),
        ] {
            let n = vn(input).unwrap();
            assert_eq!(n.e164(), expected, "{input}");
            assert_eq!(n.kind(), PhoneKind::FixedLine, "{input}");
        }
        assert_eq!(vn("1800 1234").unwrap().kind(), PhoneKind::TollFree);
        assert_eq!(vn("1800 1234").unwrap().e164(), "+8418001234");
        assert_eq!(vn("1900 6600").unwrap().kind(), PhoneKind::PremiumRate);
    }

    #[test]
    fn legacy_vietnamese_prefixes_are_mapped_by_default() {
        assert_eq!(e164("0168 123 4567", Some(Region::VN)), "+84381234567");
        assert_eq!(e164("+84 168 123 4567", None), "+84381234567");
        assert_eq!(e164("0084 1681234567", Some(Region::VN)), "+84381234567");
        assert_eq!("+841681234567".parse::<PhoneNumber>().unwrap().e164(), "+84381234567");
        for (old, new) in LEGACY_VN_MOBILE {
            let n = vn(&format!("0{old}1234567")).unwrap();
            assert_eq!(n.e164(), format!("+84{new}1234567"));
            assert_eq!(n.kind(), PhoneKind::Mobile, "{old}");
        }
        // The full 2018 table: Viettel, MobiFone, VinaPhone, Vietnamobile, Gmobile.
        let pairs: Vec<String> = LEGACY_VN_MOBILE.iter().map(|(o, n)| format!("0{o}>0{n}")).collect();
        assert_eq!(
            pairs.join(" "),
            "0120>070 0121>079 0122>077 0123>083 0124>084 0125>085 0126>076 0127>081 0128>078 0129>082 \
             0162>032 0163>033 0164>034 0165>035 0166>036 0167>037 0168>038 0169>039 0186>056 0188>058 0199>059"
        );
    }

    #[test]
    fn legacy_vietnamese_prefixes_can_be_rejected() {
        let reject = ParseOptions::default().legacy_vietnamese_prefix(LegacyVietnamesePrefix::Reject);
        let err = PhoneNumber::parse_with("0168 123 4567", Some(Region::VN), &reject).unwrap_err();
        assert_eq!(
            err,
            PhoneError::LegacyVietnamesePrefix { input: "0168 123 4567".into(), old: "0168".into(), new: "038".into() }
        );
        assert_eq!(
            err.to_string(),
            "phone number \"0168 123 4567\" uses the pre-2018 vietnamese mobile prefix 0168, renumbered to 038 in 2018"
        );
        let err = PhoneNumber::parse_with("+84 (0) 123 456 7890", None, &reject).unwrap_err();
        assert!(
            matches!(err, PhoneError::LegacyVietnamesePrefix { ref old, ref new, .. } if old == "0123" && new == "083")
        );
        // New numbers and 10-digit toll-free numbers are untouched.
        assert_eq!(PhoneNumber::parse_with("038 123 4567", Some(Region::VN), &reject).unwrap().e164(), "+84381234567");
        assert_eq!(PhoneNumber::parse_with("1800 123 456", Some(Region::VN), &reject).unwrap().e164(), "+841800123456");
        assert_eq!(serde_json::to_string(&reject).unwrap(), r#"{"legacy_vietnamese_prefix":"reject"}"#);
        assert_eq!(serde_json::from_str::<ParseOptions>("{}").unwrap(), ParseOptions::default());
    }

    #[test]
    fn international_known_answers() {
        use PhoneKind::*;
        let cases: &[(&str, Region, &str, PhoneKind, Option<Region>)] = &[
            ("(415) 555-2671", Region::US, "+14155552671", FixedLineOrMobile, Some(Region::US)),
            ("1 415 555 2671", Region::US, "+14155552671", FixedLineOrMobile, Some(Region::US)),
            ("+1 604 555 0100", Region::US, "+16045550100", FixedLineOrMobile, Some(Region::CA)),
            // The metadata tells Jamaican mobiles from landlines by exchange.
            ("(876) 555-0100", Region::US, "+18765550100", Mobile, Some(Region(*b"JM"))),
            ("1-800-555-0199", Region::CA, "+18005550199", TollFree, None),
            ("020 7946 0018", Region::GB, "+442079460018", FixedLine, Some(Region::GB)),
            ("07400 123456", Region::GB, "+447400123456", Mobile, Some(Region::GB)),
            ("01481 256789", Region::GB, "+441481256789", FixedLine, Some(Region(*b"GG"))),
            ("06 12 34 56 78", Region::FR, "+33612345678", Mobile, Some(Region::FR)),
            ("01 42 68 53 00", Region::FR, "+33142685300", FixedLine, Some(Region::FR)),
            ("030 123456", Region::DE, "+4930123456", FixedLine, Some(Region::DE)),
            ("0151 23456789", Region::DE, "+4915123456789", Mobile, Some(Region::DE)),
            ("06 6982 1234", Region::IT, "+390669821234", FixedLine, Some(Region(*b"VA"))),
            ("02 1234 5678", Region::IT, "+390212345678", FixedLine, Some(Region::IT)),
            ("312 345 6789", Region::IT, "+393123456789", Mobile, Some(Region::IT)),
            ("612 34 56 78", Region::ES, "+34612345678", Mobile, Some(Region::ES)),
            ("91 123 45 67", Region::ES, "+34911234567", FixedLine, Some(Region::ES)),
            ("06 12345678", Region::NL, "+31612345678", Mobile, Some(Region::NL)),
            ("020 123 4567", Region::NL, "+31201234567", FixedLine, Some(Region::NL)),
            ("090-1234-5678", Region::JP, "+819012345678", Mobile, Some(Region::JP)),
            ("03-1234-5678", Region::JP, "+81312345678", FixedLine, Some(Region::JP)),
            ("010-1234-5678", Region::KR, "+821012345678", Mobile, Some(Region::KR)),
            ("02-123-4567", Region::KR, "+8221234567", FixedLine, Some(Region::KR)),
            ("138 0013 8000", Region::CN, "+8613800138000", Mobile, Some(Region::CN)),
            ("010 1234 5678", Region::CN, "+861012345678", FixedLine, Some(Region::CN)),
            ("5123 4567", Region::HK, "+85251234567", Mobile, Some(Region::HK)),
            ("2123 4567", Region::HK, "+85221234567", FixedLine, Some(Region::HK)),
            ("0912 345 678", Region::TW, "+886912345678", Mobile, Some(Region::TW)),
            ("02 2345 6789", Region::TW, "+886223456789", FixedLine, Some(Region::TW)),
            ("8123 4567", Region::SG, "+6581234567", Mobile, Some(Region::SG)),
            ("6123 4567", Region::SG, "+6561234567", FixedLine, Some(Region::SG)),
            ("012-345 6789", Region::MY, "+60123456789", Mobile, Some(Region::MY)),
            ("03-2123 4567", Region::MY, "+60321234567", FixedLine, Some(Region::MY)),
            ("081 234 5678", Region::TH, "+66812345678", Mobile, Some(Region::TH)),
            ("02 123 4567", Region::TH, "+6621234567", FixedLine, Some(Region::TH)),
            ("0812 3456 7890", Region::ID, "+6281234567890", Mobile, Some(Region::ID)),
            ("021 1234 5678", Region::ID, "+622112345678", FixedLine, Some(Region::ID)),
            ("0917 123 4567", Region::PH, "+639171234567", Mobile, Some(Region::PH)),
            ("02 8123 4567", Region::PH, "+63281234567", FixedLine, Some(Region::PH)),
            ("098765 43210", Region::IN, "+919876543210", Mobile, Some(Region::IN)),
            ("011 2345 6789", Region::IN, "+911123456789", FixedLine, Some(Region::IN)),
            ("0412 345 678", Region::AU, "+61412345678", Mobile, Some(Region::AU)),
            ("(02) 9876 5432", Region::AU, "+61298765432", FixedLine, Some(Region::AU)),
            ("021 123 4567", Region::NZ, "+64211234567", Mobile, Some(Region::NZ)),
            ("09 234 5678", Region::NZ, "+6492345678", FixedLine, Some(Region::NZ)),
            ("012 345 678", Region::KH, "+85512345678", Mobile, Some(Region::KH)),
            ("023 212 345", Region::KH, "+85523212345", FixedLine, Some(Region::KH)),
            ("020 5555 1234", Region::LA, "+8562055551234", Mobile, Some(Region::LA)),
            ("021 212 345", Region::LA, "+85621212345", FixedLine, Some(Region::LA)),
        ];
        let failures: Vec<String> = cases
            .iter()
            .filter_map(|(input, region, ..)| PhoneNumber::parse(input, Some(*region)).err())
            .map(|e| e.to_string())
            .collect();
        assert!(failures.is_empty(), "{failures:#?}");
        for (input, region, expected, kind, found) in cases {
            let n = PhoneNumber::parse(input, Some(*region)).unwrap();
            assert_eq!(n.e164(), *expected, "{input}");
            #[cfg(not(feature = "phonenumber"))]
            assert_eq!((n.kind(), n.region()), (*kind, *found), "{input}");
            let _ = (kind, found);
            // The international form reads back the same without a region.
            assert_eq!(PhoneNumber::parse(&format!("+{}", &expected[1..]), None).unwrap(), n);
        }
    }

    #[test]
    fn other_calling_codes_fall_back_to_e164_lengths() {
        let ru = PhoneNumber::parse("+7 912 345 67 89", None).unwrap();
        assert_eq!((ru.e164(), ru.country_calling_code(), ru.national_number()), ("+79123456789", 7, "9123456789"));
        assert_eq!(ru.region(), Some(Region(*b"RU")));
        assert_eq!(PhoneNumber::parse("+7 701 234 5678", None).unwrap().region(), Some(Region(*b"KZ")));
        let ae = PhoneNumber::parse("+971 50 123 4567", None).unwrap();
        assert_eq!((ae.country_calling_code(), ae.region()), (971, Some(Region(*b"AE"))));
        #[cfg(not(feature = "phonenumber"))]
        assert_eq!(ae.kind(), PhoneKind::Unknown);
        // Shared calling codes without rules to tell their regions apart: no region.
        #[cfg(not(feature = "phonenumber"))]
        assert_eq!(PhoneNumber::parse("+262 262 12 34 56", None).unwrap().region(), None);
        assert_eq!(
            message("+971 123", None),
            "phone number \"+971 123\" has a national number of 3 digits: +971 numbers in that range have 4 to 12"
        );
        assert_eq!(
            message("+971 1234 5678 9012 3", None),
            "phone number \"+971 1234 5678 9012 3\" has 16 digits: E.164 allows at most 15 with the country calling code"
        );
    }

    #[test]
    fn rejections_name_the_input() {
        let cases: &[(&str, Option<Region>, &str)] = &[
            ("", Some(Region::VN), "phone number \"\" has no digits"),
            ("+ ( )", None, "phone number \"+ ( )\" has no digits"),
            (
                "0903 ABC 456",
                Some(Region::VN),
                "phone number \"0903 ABC 456\" contains 'A': only digits, spaces, '-', '.', '/', parentheses and a leading '+' are allowed",
            ),
            (
                "1-800-FLOWERS",
                Some(Region::US),
                "phone number \"1-800-FLOWERS\" contains 'F': only digits, spaces, '-', '.', '/', parentheses and a leading '+' are allowed",
            ),
            ("84+903123456", None, "phone number \"84+903123456\" has a '+' that is not before the first digit"),
            ("++84903123456", None, "phone number \"++84903123456\" has a '+' that is not before the first digit"),
            (
                "0903 123 456",
                None,
                "phone number \"0903 123 456\" has no country calling code: write it as +CC... or give a default region",
            ),
            (
                "84903123456",
                None,
                "phone number \"84903123456\" has no country calling code: write it as +CC... or give a default region",
            ),
            (
                "+999 123 4567",
                None,
                "phone number \"+999 123 4567\" does not start with an assigned country calling code",
            ),
            (
                "+041 22 123 4567",
                None,
                "phone number \"+041 22 123 4567\" does not start with an assigned country calling code",
            ),
            (
                "0903 123 45",
                Some(Region::VN),
                "phone number \"0903 123 45\" has a national number of 8 digits: +84 numbers in that range have 9",
            ),
            (
                "0903 123 4567",
                Some(Region::VN),
                "phone number \"0903 123 4567\" has a national number of 10 digits: +84 numbers in that range have 9",
            ),
            (
                "+84 9",
                None,
                "phone number \"+84 9\" has a national number of 1 digit: +84 numbers in that range have 7 to 10",
            ),
            (
                "0403 123 456",
                Some(Region::VN),
                "phone number \"0403 123 456\" is in no number range allocated by the +84 numbering plan",
            ),
            (
                "0203 123 456",
                Some(Region::VN),
                "phone number \"0203 123 456\" has a national number of 9 digits: +84 numbers in that range have 10",
            ),
            (
                "(211) 555-1234",
                Some(Region::US),
                "phone number \"(211) 555-1234\" is in no number range allocated by the +1 numbering plan",
            ),
            (
                "(415) 155-2671",
                Some(Region::US),
                "phone number \"(415) 155-2671\" is in no number range allocated by the +1 numbering plan",
            ),
            (
                "0 1234 5678 9012 3456 7890",
                Some(Region::VN),
                "phone number \"0 1234 5678 9012 3456 7890\" has 21 digits: E.164 allows at most 15 with the country calling code",
            ),
        ];
        for (input, region, expected) in cases {
            assert_eq!(message(input, *region), *expected, "{input}");
        }
        #[cfg(not(feature = "phonenumber"))]
        assert_eq!(
            message("050 123 4567", Some(Region(*b"AE"))),
            "phone number \"050 123 4567\" is national but region AE has no numbering plan in this build: write it as +CC..."
        );
        let long = format!("0903{}", "x".repeat(200));
        match vn(&long).unwrap_err() {
            PhoneError::InvalidCharacter { input, character } => {
                assert_eq!((input.chars().count(), character), (80, 'x'));
            }
            other => panic!("{other}"),
        }
    }

    #[test]
    fn from_str_reads_e164_only_and_round_trips() {
        for input in ["+84903123456", "+842838234567", "+14155552671", "+442079460018", "+79123456789"] {
            let n: PhoneNumber = input.parse().unwrap();
            assert_eq!(n.to_string(), input);
            assert_eq!(n.to_string().parse::<PhoneNumber>().unwrap(), n);
        }
        for bad in ["+84 903 123 456", "84903123456", "0903123456", "+", "+1234567890123456", "+８４９０３"] {
            assert_eq!(bad.parse::<PhoneNumber>().unwrap_err(), PhoneError::NotE164 { input: bad.into() }, "{bad}");
        }
        assert_eq!(
            "+84 903".parse::<PhoneNumber>().unwrap_err().to_string(),
            "phone number \"+84 903\" is not in E.164 form: expected '+' and up to 15 digits, such as \"+84903123456\""
        );
        // Strict: no stray trunk prefix.
        assert!("+840903123456".parse::<PhoneNumber>().is_err());
    }

    #[test]
    fn serde_is_the_validated_e164_string() {
        let n = vn("0903 123 456").unwrap();
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(json, "\"+84903123456\"");
        assert_eq!(serde_json::from_str::<PhoneNumber>(&json).unwrap(), n);
        assert!(serde_json::from_str::<PhoneNumber>("\"0903123456\"").is_err());
        assert!(serde_json::from_str::<PhoneNumber>("\"+84403123456\"").is_err());
        assert_eq!(serde_json::to_string(&Region::VN).unwrap(), "\"VN\"");
        assert_eq!(serde_json::from_str::<Region>("\"us\"").unwrap(), Region::US);
        assert!(serde_json::from_str::<Region>("\"XK\"").is_err());
        assert_eq!(serde_json::to_string(&PhoneKind::FixedLine).unwrap(), "\"fixed_line\"");
        let err = vn("0903 ABC").unwrap_err();
        let json = serde_json::to_string(&err).unwrap();
        assert_eq!(json, r#"{"type":"invalid_character","input":"0903 ABC","character":"A"}"#);
        assert_eq!(serde_json::from_str::<PhoneError>(&json).unwrap(), err);
    }

    #[test]
    fn debug_is_redacted() {
        let n = vn("0903 123 456").unwrap();
        assert_eq!(format!("{n:?}"), "PhoneNumber(<redacted>)");
        assert_eq!(format!("{:?}", Some(&n)), "Some(PhoneNumber(<redacted>))");
        assert!(!format!("{n:#?}").contains("903"));
        assert_eq!(format!("{:?}", Region::VN), "Region(VN)");
    }

    #[test]
    fn equality_is_on_e164_for_deduplication() {
        let spellings = ["0903 123 456", "+84 90 312 3456", "(+84) 903-123-456", "0084 903 123 456", "84903123456"];
        let set: BTreeSet<PhoneNumber> = spellings.iter().map(|s| vn(s).unwrap()).collect();
        assert_eq!(set.len(), 1);
        assert!(vn("0903 123 456").unwrap() < vn("0913 123 456").unwrap());
    }

    #[test]
    fn regions_are_iso_3166_alpha2() {
        assert_eq!("vn".parse::<Region>().unwrap(), Region::VN);
        assert_eq!(Region::parse("Gb").unwrap().as_str(), "GB");
        for bad in ["", "V", "VNM", "XK", "ZZ", "AC", "1A", "ÉÉ"] {
            assert!(matches!(Region::parse(bad), Err(PhoneError::UnknownRegion { .. })), "{bad}");
        }
        assert_eq!(
            Region::parse("XK").unwrap_err().to_string(),
            "unknown region \"XK\": expected an ISO 3166-1 alpha-2 code such as VN or US"
        );
        assert_eq!(Region::VN.calling_code(), Some(84));
        assert_eq!(Region::CA.calling_code(), Some(1));
        assert_eq!(Region(*b"BV").calling_code(), None);
        assert_eq!(ISO_3166_ALPHA2.len(), 249);
    }

    #[test]
    fn tables_are_consistent() {
        assert!(ISO_3166_ALPHA2.windows(2).all(|w| w[0] < w[1]));
        assert!(CALLING_CODES.windows(2).all(|w| w[0].0 < w[1].0));
        // Calling codes are prefix-free, so the first match is the only one.
        for (a, _) in CALLING_CODES {
            for (b, _) in CALLING_CODES {
                assert!(a == b || !b.to_string().starts_with(&a.to_string()), "{a} is a prefix of {b}");
            }
        }
        for (_, regions) in CALLING_CODES {
            assert!(regions.iter().all(|r| ISO_3166_ALPHA2.contains(&r.0)));
        }
        for plan in PLANS {
            for region in plan.regions {
                assert_eq!(region.calling_code(), Some(plan.calling_code), "{region}");
            }
            for range in plan.ranges {
                // Well-formed patterns match a number made of what they allow.
                let probe: String = range
                    .pattern
                    .split(['[', ']'])
                    .enumerate()
                    .map(|(i, part)| if i % 2 == 1 { part[..1].to_owned() } else { part.to_owned() })
                    .collect();
                assert!(prefix_match(range.pattern, &probe).is_some(), "{}", range.pattern);
                assert!(range.lengths.windows(2).all(|w| w[0] < w[1]), "{}", range.pattern);
                assert!(range.lengths.iter().all(|&l| usize::from(l) + plan.calling_code.to_string().len() <= 15));
            }
        }
        assert_eq!(CALLING_CODES.len(), 216);
    }

    #[test]
    fn patterns_and_lengths_helpers() {
        assert_eq!(prefix_match("9[0-46-9]", "97"), Some(2));
        assert_eq!(prefix_match("9[0-46-9]", "95"), None);
        assert_eq!(prefix_match("9[0-46-9]", "9"), None);
        assert_eq!(prefix_match("[1-", "1"), None);
        assert_eq!(prefix_match("", "1"), Some(0));
        assert_eq!(describe_lengths(&[9]), "9");
        assert_eq!(describe_lengths(&[9, 10]), "9 or 10");
        assert_eq!(describe_lengths(&[8, 9, 10]), "8 to 10");
        assert_eq!(describe_lengths(&[6, 8, 9, 10]), "6 or 8 to 10");
        assert_eq!(describe_lengths(&[6, 8, 10, 12]), "6, 8, 10 or 12");
        assert_eq!(describe_lengths(&[]), "no valid length");
    }

    // Case count: proptest's default, or PROPTEST_CASES (CI states 256 in .ci/run).
    proptest! {
        #[test]
        fn arbitrary_strings_never_panic(s in "\\PC*", region in proptest::option::of(0..ISO_3166_ALPHA2.len())) {
            let region = region.and_then(|i| ISO_3166_ALPHA2.get(i)).map(|&code| Region(code));
            let _ = PhoneNumber::parse(&s, region);
            let _ = s.parse::<PhoneNumber>();
            let _ = Region::parse(&s);
        }

        #[test]
        fn vietnamese_spellings_agree(
            prefix in proptest::sample::select(vec!["32", "39", "56", "70", "79", "81", "86", "90", "98", "28", "24"]),
            rest in "[0-9]{7}",
        ) {
            let subscriber = if prefix.starts_with('2') { format!("3{rest}") } else { rest };
            let canonical = format!("+84{prefix}{subscriber}");
            let spellings = [
                format!("0{prefix} {subscriber}"),
                format!("{prefix}{subscriber}"),
                format!("+84 {prefix} {subscriber}"),
                format!("(+84) 0{prefix}-{subscriber}"),
                format!("0084 {prefix} {subscriber}"),
                format!("84{prefix}{subscriber}"),
            ];
            for spelling in &spellings {
                let n = vn(spelling);
                #[cfg(feature = "phonenumber")]
                if matches!(n, Err(PhoneError::RejectedByMetadata { .. })) {
                    continue;
                }
                prop_assert_eq!(n.map(|n| n.to_string()), Ok(canonical.clone()), "{}", spelling);
            }
        }

        #[test]
        fn phone_like_strings_round_trip(
            s in "\\+?[0-9 ()./-]{0,24}",
            region in proptest::sample::select(vec![None, Some(Region::VN), Some(Region::US), Some(Region::GB), Some(Region::AU), Some(Region::IT)]),
        ) {
            if let Ok(n) = PhoneNumber::parse(&s, region) {
                prop_assert!(n.e164().len() <= 16);
                let back: PhoneNumber = n.to_string().parse().unwrap();
                prop_assert_eq!(&back, &n);
                prop_assert_eq!(back.kind(), n.kind());
                prop_assert_eq!(back.region(), n.region());
                let json = serde_json::to_string(&n).unwrap();
                prop_assert_eq!(serde_json::from_str::<PhoneNumber>(&json).unwrap(), n);
            }
        }
    }

    #[cfg(feature = "phonenumber")]
    mod with_metadata {
        use super::*;

        #[test]
        fn kind_and_region_come_from_libphonenumber() {
            let mobile = vn("0903 123 456").unwrap();
            assert_eq!((mobile.kind(), mobile.region()), (PhoneKind::Mobile, Some(Region::VN)));
            let landline = vn("028 3823 4567").unwrap();
            assert_eq!(landline.kind(), PhoneKind::FixedLine);
            let us = PhoneNumber::parse("(415) 555-2671", Some(Region::US)).unwrap();
            assert_eq!((us.e164(), us.region()), ("+14155552671", Some(Region::US)));
            let gb = PhoneNumber::parse("020 7946 0018", Some(Region::GB)).unwrap();
            assert_eq!((gb.e164(), gb.kind()), ("+442079460018", PhoneKind::FixedLine));
            assert_eq!(vn("0168 123 4567").unwrap().e164(), "+84381234567");
        }

        #[test]
        fn metadata_rejects_what_the_tables_let_through() {
            // +971 has no detailed plan: the tables check the E.164 length only, the metadata the range.
            let err = PhoneNumber::parse("+971 1234", None).unwrap_err();
            assert_eq!(err, PhoneError::RejectedByMetadata { input: "+971 1234".into(), e164: "+9711234".into() });
            assert_eq!(
                err.to_string(),
                "phone number \"+971 1234\" (read as +9711234) is not valid according to the libphonenumber metadata"
            );
            // The tables reject first, with the more precise error (0521: the 052 block is only 0522, 0523, 0528).
            assert!(matches!(vn("0521 234 567").unwrap_err(), PhoneError::InvalidRange { .. }));
            assert!(matches!(vn("0403 123 456").unwrap_err(), PhoneError::InvalidRange { .. }));
        }

        #[test]
        fn national_numbers_of_other_regions_are_read_with_the_metadata() {
            let ae = PhoneNumber::parse("050 123 4567", Some(Region(*b"AE"))).unwrap();
            assert_eq!((ae.e164(), ae.kind(), ae.region()), ("+971501234567", PhoneKind::Mobile, Some(Region(*b"AE"))));
            assert!(PhoneNumber::parse("12", Some(Region(*b"AE"))).is_err());
        }
    }
}
