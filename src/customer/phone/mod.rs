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
//! - **[`FromStr`](std::str::FromStr) and serde read E.164 only** (`+` and digits, nothing else), for stored
//!   values; use [`PhoneNumber::parse`] for what people type. Both validate alike.
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

mod error;
#[cfg(all(test, feature = "phonenumber"))]
mod generate;
mod kind;
#[cfg(feature = "phonenumber")]
mod metadata;
mod number;
#[cfg(all(test, feature = "phonenumber"))]
mod oracle;
mod parse;
mod plan;
mod range;
mod region;
#[cfg(all(test, feature = "phonenumber"))]
mod sweep;
mod tables;

pub use error::PhoneError;
pub use kind::PhoneKind;
pub use number::{E164_MAX_DIGITS, PhoneNumber};
pub use parse::{LegacyVietnamesePrefix, ParseOptions};
pub use region::Region;

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::error::describe_lengths;
    use super::parse::LEGACY_VN_MOBILE;
    use super::plan::PLANS;
    use super::range::prefix_match;
    use super::region::{CALLING_CODES, ISO_3166_ALPHA2};
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

    /// Ranges near the edges of allocation, where hand-made tables go wrong both ways (issue 14).
    #[test]
    fn newly_allocated_vietnamese_prefixes_are_accepted_and_unallocated_ones_rejected() {
        // 095 is allocated (mobile).
        let n = vn("095 123 4567").unwrap();
        assert_eq!((n.e164(), n.kind()), ("+84951234567", PhoneKind::Mobile));
        // 0992 is not: 099 is allocated except 0992.
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
