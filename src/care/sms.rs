//! SMS length: GSM-7 or UCS-2, and how many segments a message takes.

use serde::{Deserialize, Serialize};

/// How an SMS is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmsEncoding {
    /// The GSM 03.38 7-bit alphabet: 160 characters in one segment, 153 per segment when concatenated.
    Gsm7,
    /// UCS-2 (UTF-16): 70 code units in one segment, 67 per segment when concatenated. Any character outside
    /// the GSM alphabet forces it — Vietnamese diacritics ("ễ", "ơ", "ư") do.
    Ucs2,
}

/// The length of a message as an SMS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SmsLength {
    /// The encoding the text needs.
    pub encoding: SmsEncoding,
    /// Length in the encoding's units: septets for GSM-7 (an extension character counts 2), UTF-16 code units for
    /// UCS-2.
    pub units: usize,
    /// Segments the carrier bills (0 for an empty text).
    pub segments: usize,
}

/// GSM 03.38 basic character set.
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// GSM 03.38 extension table: each costs an escape plus the character (2 septets).
const GSM7_EXTENSION: &str = "\u{c}^{}\\[~]|€";

/// Measures `text` as an SMS.
///
/// ```
/// use customer_care::care::{SmsEncoding, sms_length};
///
/// let en = sms_length("Happy birthday, Lan! Show this SMS for a free drink.");
/// assert_eq!((en.encoding, en.segments), (SmsEncoding::Gsm7, 1));
/// let vi = sms_length("Chúc mừng sinh nhật chị Lan!");
/// assert_eq!(vi.encoding, SmsEncoding::Ucs2);
/// assert_eq!(sms_length(&"a".repeat(161)).segments, 2);
/// ```
pub fn sms_length(text: &str) -> SmsLength {
    let mut septets = 0usize;
    let mut gsm = true;
    for c in text.chars() {
        if GSM7_BASIC.contains(c) {
            septets += 1;
        } else if GSM7_EXTENSION.contains(c) {
            septets += 2;
        } else {
            gsm = false;
            break;
        }
    }
    let (encoding, units, single, multi) = if gsm {
        (SmsEncoding::Gsm7, septets, 160, 153)
    } else {
        (SmsEncoding::Ucs2, text.encode_utf16().count(), 70, 67)
    };
    let segments = match units {
        0 => 0,
        n if n <= single => 1,
        n => n.div_ceil(multi),
    };
    SmsLength { encoding, units, segments }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gsm7_boundaries() {
        assert_eq!(sms_length(""), SmsLength { encoding: SmsEncoding::Gsm7, units: 0, segments: 0 });
        assert_eq!(sms_length(&"x".repeat(160)).segments, 1);
        assert_eq!(sms_length(&"x".repeat(161)).segments, 2);
        assert_eq!(sms_length(&"x".repeat(306)).segments, 2);
        assert_eq!(sms_length(&"x".repeat(307)).segments, 3);
        // Extension characters count twice.
        assert_eq!(sms_length("€5 {ok}").units, 10);
        assert_eq!(sms_length(&"€".repeat(80)).segments, 1);
        assert_eq!(sms_length(&"€".repeat(81)).segments, 2);
    }

    #[test]
    fn ucs2_boundaries() {
        let vi = "ư".repeat(70);
        assert_eq!(sms_length(&vi), SmsLength { encoding: SmsEncoding::Ucs2, units: 70, segments: 1 });
        assert_eq!(sms_length(&"ư".repeat(71)).segments, 2);
        assert_eq!(sms_length(&"ư".repeat(134)).segments, 2);
        assert_eq!(sms_length(&"ư".repeat(135)).segments, 3);
        // Outside the BMP: two UTF-16 units.
        assert_eq!(sms_length("🎂").units, 2);
        // One Vietnamese letter turns a GSM text into UCS-2.
        assert_eq!(sms_length("Cam on ban!").encoding, SmsEncoding::Gsm7);
        assert_eq!(sms_length("Cảm ơn bạn!").encoding, SmsEncoding::Ucs2);
    }
}
