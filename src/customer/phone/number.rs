//! The validated value: [`PhoneNumber`], its E.164 form and what the tables know about it.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};

use super::error::PhoneError;
use super::kind::PhoneKind;
use super::region::Region;

/// The most digits E.164 allows in a number, calling code included.
pub const E164_MAX_DIGITS: usize = 15;

/// A phone number in E.164 form (`+84903123456`), validated as described in the [module docs](super).
///
/// Equality, ordering and hashing are those of the E.164 string, so the number is a de-duplication key:
/// "0903 123 456" in VN and "+84 90 312 3456" are the same customer. `Display` prints E.164, [`FromStr`](std::str::FromStr) reads it
/// back; serde stores the E.164 string and validates it when reading. `Debug` never prints the number.
#[derive(Clone, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber {
    /// `+`, calling code, national significant number.
    pub(super) e164: Box<str>,
    /// Digits in the calling code (1 to 3).
    pub(super) calling_code_len: u8,
    pub(super) kind: PhoneKind,
    pub(super) region: Option<Region>,
}

impl PhoneNumber {
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
