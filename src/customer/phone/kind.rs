//! What a number is for: [`PhoneKind`].

use serde::{Deserialize, Serialize};

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
