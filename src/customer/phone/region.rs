//! Regions: [`Region`] (ISO 3166-1 alpha-2), the calling codes and which regions share each.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::PhoneError;
use crate::text::excerpt;

/// A region: an officially assigned ISO 3166-1 alpha-2 code ("VN", "US"), the default region of
/// [`PhoneNumber::parse`](super::PhoneNumber::parse).
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
pub struct Region(pub(super) [u8; 2]);

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

/// The region of a valid number of a calling code without a detailed plan, when the calling code tells.
pub(super) fn region_of(calling_code: u16, nsn: &str) -> Option<Region> {
    if calling_code == 7 {
        // Kazakhstan shares +7 with Russia: its numbers start with 6 or 7.
        return Some(if nsn.starts_with(['6', '7']) { Region(*b"KZ") } else { Region(*b"RU") });
    }
    match CALLING_CODES.iter().find(|(cc, _)| *cc == calling_code)? {
        (_, [only]) => Some(*only),
        _ => None,
    }
}

// Generated from the libphonenumber metadata (v9.0.33) and the ISO 3166-1 list; see notes/phone.md.

/// The regions of the North American Numbering Plan (+1), the main one first: the one list the plan of +1 and the
/// calling-code table share.
pub(super) const NANP: &[Region] = &[
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
];

/// Officially assigned ISO 3166-1 alpha-2 codes, sorted.
pub(super) const ISO_3166_ALPHA2: [[u8; 2]; 249] = [
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
pub(super) const CALLING_CODES: &[(u16, &[Region])] = &[
    (1, NANP),
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
