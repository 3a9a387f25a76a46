//! The libphonenumber path, behind the `phonenumber` feature. Only digit strings this module built are handed to
//! the `phonenumber` crate, never raw input.

use phonenumber::Type;

use super::kind::PhoneKind;
use super::region::Region;

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
