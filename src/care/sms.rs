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

/// One part of a message as a sender splits it: a slice of the text and its length in the encoding's units.
///
/// Senders never split a GSM-7 escape pair (an extension character such as `€`, which costs 2 septets) or a
/// UTF-16 surrogate pair (an emoji in UCS-2) across two parts: a pair that does not fit opens the next part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct SmsPart<'a> {
    /// The characters of the message carried by this part.
    pub text: &'a str,
    /// Length of `text` in the message's units: septets for GSM-7 (an extension character counts 2), UTF-16 code
    /// units for UCS-2.
    pub units: usize,
}

/// The encoding `text` needs and the length of each character in that encoding's units.
fn encoding_of(text: &str) -> SmsEncoding {
    let gsm = text.chars().all(|c| GSM7_BASIC.contains(c) || GSM7_EXTENSION.contains(c));
    if gsm { SmsEncoding::Gsm7 } else { SmsEncoding::Ucs2 }
}

/// Units of one character: septets (1, or 2 for the extension table) or UTF-16 code units (1, or 2 outside the
/// BMP).
fn char_units(encoding: SmsEncoding, c: char) -> usize {
    match encoding {
        SmsEncoding::Gsm7 if GSM7_EXTENSION.contains(c) => 2,
        SmsEncoding::Gsm7 => 1,
        SmsEncoding::Ucs2 => c.len_utf16(),
    }
}

/// Units in one part of a single-part message and per part of a concatenated one (the user data header takes
/// the rest).
const fn limits(encoding: SmsEncoding) -> (usize, usize) {
    match encoding {
        SmsEncoding::Gsm7 => (160, 153),
        SmsEncoding::Ucs2 => (70, 67),
    }
}

/// Splits `text` as a sender does: `(byte end, units)` of each part, never cutting a character (so never an
/// escape pair or a surrogate pair).
fn split(text: &str, encoding: SmsEncoding) -> (usize, Vec<(usize, usize)>) {
    let (single, multi) = limits(encoding);
    let total: usize = text.chars().map(|c| char_units(encoding, c)).sum();
    let mut parts = Vec::new();
    if total == 0 {
        return (0, parts);
    }
    if total <= single {
        parts.push((text.len(), total));
        return (total, parts);
    }
    let mut units = 0usize;
    for (at, c) in text.char_indices() {
        let cost = char_units(encoding, c);
        if units.saturating_add(cost) > multi {
            parts.push((at, units));
            units = 0;
        }
        units = units.saturating_add(cost);
    }
    parts.push((text.len(), units));
    (total, parts)
}

/// Measures `text` as an SMS. `segments` is the number of parts [`sms_parts`] returns.
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
    let encoding = encoding_of(text);
    let (units, parts) = split(text, encoding);
    SmsLength { encoding, units, segments: parts.len() }
}

/// Splits `text` into the parts a sender transmits: GSM-7 carries 160 septets in a single part and 153 per part
/// of a concatenated message, UCS-2 70 and 67 UTF-16 code units. An escape pair (`^{}\[~]|€` and form feed, 2
/// septets) or a surrogate pair (an emoji, 2 UTF-16 units) is never split: when it does not fit, it opens the next
/// part. The parts concatenate to `text`; an empty text has none. Their number is
/// [`sms_length`]`(text).segments`.
///
/// ```
/// use customer_care::care::{sms_length, sms_parts};
///
/// let text = format!("{}€{}", "a".repeat(152), "a".repeat(10));
/// let parts = sms_parts(&text);
/// assert_eq!(parts.iter().map(|p| p.units).collect::<Vec<_>>(), [152, 12]);
/// assert!(parts[1].text.starts_with('€'));
/// assert_eq!(parts.len(), sms_length(&text).segments);
/// ```
pub fn sms_parts(text: &str) -> Vec<SmsPart<'_>> {
    let (_, parts) = split(text, encoding_of(text));
    let mut start = 0usize;
    parts
        .into_iter()
        .map(|(end, units)| {
            let part = SmsPart { text: text.get(start..end).unwrap_or(""), units };
            start = end;
            part
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

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
    fn pairs_are_not_split_so_counts_change_at_boundaries() {
        // 152 septets then `€` (escape + character): the pair does not fit the 153 left in part one, so it opens
        // part two, which then overflows: 3 parts, not ceil(306 / 153) = 2.
        let gsm = format!("{}€{}", "a".repeat(152), "a".repeat(152));
        assert_eq!(sms_length(&gsm), SmsLength { encoding: SmsEncoding::Gsm7, units: 306, segments: 3 });
        // 66 UTF-16 units then an emoji (a surrogate pair): 3 parts, not ceil(134 / 67) = 2.
        let ucs2 = format!("{}🎂{}", "ư".repeat(66), "ư".repeat(66));
        assert_eq!(sms_length(&ucs2), SmsLength { encoding: SmsEncoding::Ucs2, units: 134, segments: 3 });
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

    #[test]
    fn parts_at_the_boundaries() {
        let gsm = format!("{}€{}", "a".repeat(152), "a".repeat(152));
        let parts = sms_parts(&gsm);
        let units: Vec<usize> = parts.iter().map(|p| p.units).collect();
        assert_eq!(units, [152, 153, 1]);
        assert_eq!(parts[0].text, "a".repeat(152));
        assert!(parts[1].text.starts_with('€'));
        // 151 septets before the `€`: the pair exactly fills part one.
        let gsm = format!("{}€{}", "a".repeat(151), "a".repeat(151));
        assert_eq!(sms_parts(&gsm).iter().map(|p| p.units).collect::<Vec<_>>(), [153, 151]);
        let ucs2 = format!("{}🎂{}", "ư".repeat(66), "ư".repeat(66));
        let parts = sms_parts(&ucs2);
        assert_eq!(parts.iter().map(|p| p.units).collect::<Vec<_>>(), [66, 67, 1]);
        assert!(parts[1].text.starts_with('🎂'));
        // Single part: up to 160 septets / 70 units, pairs included.
        let one = format!("{}€", "a".repeat(158));
        assert_eq!(sms_parts(&one), [SmsPart { text: &one, units: 160 }]);
        assert_eq!(sms_parts(&format!("{}🎂", "ư".repeat(68))).len(), 1);
        let split = format!("{}🎂ưưư", "ư".repeat(66));
        assert_eq!(sms_parts(&split).iter().map(|p| p.units).collect::<Vec<_>>(), [66, 5]);
        assert!(sms_parts("").is_empty());
        assert_eq!(sms_parts("\u{c}").iter().map(|p| p.units).collect::<Vec<_>>(), [2]);
    }

    /// Text near the part limits: GSM basic and extension characters, or UCS-2 with surrogate pairs.
    fn sms_text() -> impl Strategy<Value = String> {
        let gsm = proptest::sample::select(vec![
            'a', 'Z', ' ', '@', 'é', '€', '^', '{', '}', '\\', '[', '~', ']', '|', '\u{c}',
        ]);
        let ucs2 = proptest::sample::select(vec!['a', 'ư', 'ễ', '€', '🎂', '😀', '\u{10000}', '\u{10FFFF}']);
        prop_oneof![
            proptest::collection::vec(gsm, 0..480).prop_map(|v| v.into_iter().collect()),
            proptest::collection::vec(ucs2, 0..220).prop_map(|v| v.into_iter().collect()),
        ]
    }

    proptest! {
        #[test]
        fn parts_concatenate_fit_and_agree_with_the_count(text in sms_text()) {
            let length = sms_length(&text);
            let parts = sms_parts(&text);
            prop_assert_eq!(parts.iter().map(|p| p.text).collect::<String>(), text.clone());
            prop_assert_eq!(parts.len(), length.segments);
            prop_assert_eq!(parts.iter().map(|p| p.units).sum::<usize>(), length.units);
            let (single, multi) = limits(length.encoding);
            let limit = if parts.len() == 1 { single } else { multi };
            for part in &parts {
                prop_assert!(!part.text.is_empty());
                prop_assert!(part.units <= limit, "{} > {}", part.units, limit);
                // The units are those of the part's own text, so no pair was cut.
                let own = match length.encoding {
                    SmsEncoding::Gsm7 => part.text.chars().map(|c| if GSM7_EXTENSION.contains(c) { 2 } else { 1 }).sum(),
                    SmsEncoding::Ucs2 => part.text.encode_utf16().count(),
                };
                prop_assert_eq!(part.units, own);
                // No part begins with the second half of a pair: a low surrogate in UCS-2.
                let first = part.text.encode_utf16().next();
                prop_assert!(!first.is_some_and(|u| (0xDC00..=0xDFFF).contains(&u)));
            }
            // Greedy: each part but the last could not take the next character.
            for pair in parts.windows(2) {
                let next = pair[1].text.chars().next().map_or(0, |c| char_units(length.encoding, c));
                prop_assert!(pair[0].units + next > multi);
            }
        }
    }
}
