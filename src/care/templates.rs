//! Templates per care kind (and per receipt kind) and language, with a fallback language.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::error::CareError;
use super::kind::CareKind;
use super::receipt_kind::ReceiptKind;
use super::template::Template;
use crate::customer::Language;

/// The templates of a care policy: one per care kind and language, one per [`ReceiptKind`] and language, a
/// fallback language, and for each language the word used for `{name}` when a customer gave no name ("bạn",
/// "friend").
///
/// Languages are keyed by their primary subtag (`vi`, `en`): a customer who prefers `vi-VN` reads the `vi`
/// template. A customer whose language has no template for the kind reads the fallback language's; the policy
/// checks when built that every enabled kind has a fallback template, so nobody is ever skipped for want of one.
/// Receipt templates follow the same rule ([`receipt_template`](Self::receipt_template)); a set read from JSON
/// written before receipt templates existed gets the samples.
///
/// ```
/// use customer_care::care::{CareKind, TemplateSet};
///
/// let set = TemplateSet::samples();
/// assert_eq!(set.fallback_language(), "en");
/// let (language, template) = set.for_language(CareKind::Birthday, Some("vi"))?;
/// assert_eq!(language, "vi");
/// assert!(template.as_str().starts_with("Chúc mừng sinh nhật"));
/// // No French templates: the fallback answers.
/// assert_eq!(set.for_language(CareKind::Birthday, Some("fr"))?.0, "en");
/// # Ok::<(), customer_care::care::CareError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "TemplateSetRepr", into = "TemplateSetRepr")]
pub struct TemplateSet {
    fallback: Box<str>,
    names: BTreeMap<Box<str>, Box<str>>,
    templates: BTreeMap<(CareKind, Box<str>), Template>,
    receipts: BTreeMap<(ReceiptKind, Box<str>), Template>,
}

/// One template of a [`TemplateSet`], as serialized.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateEntry {
    /// The care kind.
    pub kind: CareKind,
    /// The language's primary subtag.
    pub language: String,
    /// The template.
    pub text: Template,
}

/// One receipt template of a [`TemplateSet`], as serialized.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptTemplateEntry {
    /// The receipt kind.
    pub receipt: ReceiptKind,
    /// The language's primary subtag.
    pub language: String,
    /// The template.
    pub text: Template,
}

#[derive(Serialize, Deserialize)]
struct TemplateSetRepr {
    fallback_language: String,
    /// `{name}` when the customer gave none, per language.
    anonymous_names: BTreeMap<String, String>,
    templates: Vec<TemplateEntry>,
    /// Absent in sets written before receipt templates existed: those get the samples.
    #[serde(default = "sample_receipt_entries")]
    receipts: Vec<ReceiptTemplateEntry>,
}

/// The sample receipt templates, as serialized.
fn sample_receipt_entries() -> Vec<ReceiptTemplateEntry> {
    TemplateSetRepr::from(TemplateSet::samples()).receipts
}

impl TryFrom<TemplateSetRepr> for TemplateSet {
    type Error = CareError;
    fn try_from(r: TemplateSetRepr) -> Result<Self, CareError> {
        let mut set = Self::new(&r.fallback_language, r.anonymous_names.get(&r.fallback_language).map_or("", |s| s))?;
        for (language, name) in &r.anonymous_names {
            set.set_anonymous_name(language, name)?;
        }
        for entry in r.templates {
            set.insert(entry.kind, &entry.language, entry.text)?;
        }
        for entry in r.receipts {
            set.insert_receipt(entry.receipt, &entry.language, entry.text)?;
        }
        Ok(set)
    }
}

impl From<TemplateSet> for TemplateSetRepr {
    fn from(set: TemplateSet) -> Self {
        Self {
            fallback_language: set.fallback.into(),
            anonymous_names: set.names.into_iter().map(|(k, v)| (k.into(), v.into())).collect(),
            templates: set
                .templates
                .into_iter()
                .map(|((kind, language), text)| TemplateEntry { kind, language: language.into(), text })
                .collect(),
            receipts: set
                .receipts
                .into_iter()
                .map(|((receipt, language), text)| ReceiptTemplateEntry { receipt, language: language.into(), text })
                .collect(),
        }
    }
}

/// The primary subtag of a language tag, validated.
fn primary(language: &str) -> Result<Box<str>, CareError> {
    Language::new(language)
        .map(|l| l.primary().into())
        .map_err(|_| CareError::InvalidLanguage { language: crate::text::excerpt(language) })
}

fn check_name(language: &str, name: &str) -> Result<(), CareError> {
    let chars = name.chars().count();
    if name.trim().is_empty() || chars > 40 || name.chars().any(char::is_control) {
        return Err(CareError::InvalidAnonymousName { language: language.to_owned(), chars });
    }
    Ok(())
}

impl TemplateSet {
    /// An empty set falling back to `fallback_language`, whose customers without a name are greeted as
    /// `anonymous_name`.
    ///
    /// # Errors
    ///
    /// [`CareError::InvalidLanguage`] for a tag that is not a language tag, [`CareError::InvalidAnonymousName`]
    /// for a blank, over-long (more than 40 characters) or control-character name.
    pub fn new(fallback_language: &str, anonymous_name: &str) -> Result<Self, CareError> {
        let fallback = primary(fallback_language)?;
        check_name(&fallback, anonymous_name)?;
        Ok(Self {
            names: BTreeMap::from([(fallback.clone(), anonymous_name.into())]),
            fallback,
            templates: BTreeMap::new(),
            receipts: BTreeMap::new(),
        })
    }

    /// Adds or replaces the template of `kind` in `language`.
    ///
    /// # Errors
    ///
    /// [`CareError::InvalidLanguage`] for a tag that is not a language tag.
    pub fn insert(&mut self, kind: CareKind, language: &str, template: Template) -> Result<&mut Self, CareError> {
        self.templates.insert((kind, primary(language)?), template);
        Ok(self)
    }

    /// Adds or replaces the receipt template of `receipt` in `language`. Each line of a receipt template is
    /// printed only when every value it names applies ([`Template::render_lines`]).
    ///
    /// # Errors
    ///
    /// [`CareError::InvalidLanguage`] for a tag that is not a language tag, [`CareError::PlaceholderNotSupplied`]
    /// for a placeholder the receipt kind never supplies ([`ReceiptKind::supplies`]).
    pub fn insert_receipt(
        &mut self,
        receipt: ReceiptKind,
        language: &str,
        template: Template,
    ) -> Result<&mut Self, CareError> {
        let language = primary(language)?;
        template.require(receipt.supplies(), &format!("a {receipt} receipt"))?;
        self.receipts.insert((receipt, language), template);
        Ok(self)
    }

    /// The receipt template a customer preferring `language` (a primary subtag) reads, and the language it is in:
    /// theirs when there is one, else the fallback's.
    ///
    /// # Errors
    ///
    /// [`CareError::MissingReceiptTemplate`] when neither has one.
    pub fn receipt_template(
        &self,
        receipt: ReceiptKind,
        language: Option<&str>,
    ) -> Result<(&str, &Template), CareError> {
        language
            .and_then(|l| self.receipts.get_key_value(&(receipt, Box::from(l))))
            .or_else(|| self.receipts.get_key_value(&(receipt, self.fallback.clone())))
            .map(|((_, lang), t)| (&**lang, t))
            .ok_or_else(|| CareError::MissingReceiptTemplate { receipt, language: self.fallback.to_string() })
    }

    /// Every receipt template, by kind then language.
    pub fn receipts(&self) -> impl Iterator<Item = (ReceiptKind, &str, &Template)> {
        self.receipts.iter().map(|((kind, language), t)| (*kind, &**language, t))
    }

    /// Sets how customers without a name are greeted in `language`.
    ///
    /// # Errors
    ///
    /// As [`new`](Self::new).
    pub fn set_anonymous_name(&mut self, language: &str, name: &str) -> Result<&mut Self, CareError> {
        let language = primary(language)?;
        check_name(&language, name)?;
        self.names.insert(language, name.into());
        Ok(self)
    }

    /// Makes `language` the fallback.
    ///
    /// # Errors
    ///
    /// [`CareError::InvalidLanguage`] for a tag that is not a language tag, or one without an anonymous name.
    pub fn set_fallback_language(&mut self, language: &str) -> Result<&mut Self, CareError> {
        let language = primary(language)?;
        if !self.names.contains_key(&language) {
            return Err(CareError::InvalidLanguage { language: language.into() });
        }
        self.fallback = language;
        Ok(self)
    }

    /// The fallback language's primary subtag.
    pub fn fallback_language(&self) -> &str {
        &self.fallback
    }

    /// The template of `kind` in `language` (a primary subtag), if there is one.
    pub fn get(&self, kind: CareKind, language: &str) -> Option<&Template> {
        self.templates.get(&(kind, Box::from(language)))
    }

    /// The template a customer preferring `language` reads for `kind`, and the language it is in: theirs when
    /// there is one, else the fallback's.
    ///
    /// # Errors
    ///
    /// [`CareError::MissingTemplate`] when neither has a template for `kind`.
    pub fn for_language(&self, kind: CareKind, language: Option<&str>) -> Result<(&str, &Template), CareError> {
        if let Some(language) = language
            && let Some(((_, lang), template)) = self.templates.get_key_value(&(kind, Box::from(language)))
        {
            return Ok((lang, template));
        }
        self.templates
            .get_key_value(&(kind, self.fallback.clone()))
            .map(|((_, lang), t)| (&**lang, t))
            .ok_or_else(|| CareError::MissingTemplate { kind, language: self.fallback.to_string() })
    }

    /// How customers without a name are greeted in `language`, falling back to the fallback language's word.
    pub fn anonymous_name(&self, language: &str) -> &str {
        self.names.get(language).or_else(|| self.names.get(&self.fallback)).map_or("", |n| n)
    }

    /// Every template, by kind then language.
    pub fn iter(&self) -> impl Iterator<Item = (CareKind, &str, &Template)> {
        self.templates.iter().map(|((kind, language), t)| (*kind, &**language, t))
    }

    /// Sample templates in Vietnamese and English for every care kind and receipt kind, falling back to English
    /// ([`render_receipt`](Self::render_receipt) shows the receipts). Birthday, loyal-reward and win-back samples
    /// name a `{voucher}`, so policies using them must configure one (as
    /// [`CarePolicySpec::example`](super::CarePolicySpec::example) does).
    pub fn samples() -> Self {
        let mut set = Self {
            fallback: "en".into(),
            names: BTreeMap::from([("en".into(), "friend".into()), ("vi".into(), "bạn".into())]),
            templates: BTreeMap::new(),
            receipts: BTreeMap::new(),
        };
        for (kind, vi, en) in SAMPLES {
            for (language, text) in [("vi", vi), ("en", en)] {
                // The samples are checked by a unit test; a broken one is left out rather than panicking.
                if let Ok(template) = Template::new(text) {
                    set.templates.insert((kind, language.into()), template);
                }
            }
        }
        for (receipt, vi, en) in RECEIPT_SAMPLES {
            for (language, text) in [("vi", vi), ("en", en)] {
                if let Ok(template) = Template::new(text) {
                    set.receipts.insert((receipt, language.into()), template);
                }
            }
        }
        set
    }
}

/// (receipt kind, Vietnamese, English): one fact per line, each line left out when its values do not apply.
const RECEIPT_SAMPLES: [(ReceiptKind, &str, &str); 2] = [
    (
        ReceiptKind::StoredValue,
        "{business}: thanh toán {amount} lúc {time} ngày {date}\nĐơn {order}\nSố dư: {balance}\n{expiring} dùng đến {expires_on}",
        "{business}: paid {amount} at {time} on {date}\nOrder {order}\nBalance: {balance}\n{expiring} to use by {expires_on}",
    ),
    (
        ReceiptKind::Points,
        "{business}: điểm thưởng lúc {time} ngày {date}\nĐơn {order}\nCộng {earned} điểm\nTrừ {redeemed} điểm\nSố dư: {points} điểm\n{expiring} điểm dùng đến {expires_on}",
        "{business}: points at {time} on {date}\nOrder {order}\nEarned: {earned}\nRedeemed: {redeemed}\nBalance: {points} points\n{expiring} points to use by {expires_on}",
    ),
];

/// (kind, Vietnamese, English).
const SAMPLES: [(CareKind, &str, &str); 14] = [
    (
        CareKind::Birthday,
        "Chúc mừng sinh nhật {name}! {business} gửi tặng bạn mã quà {voucher} cho lần ghé tiếp theo.",
        "Happy birthday, {name}! {business} has a gift for you: show code {voucher} on your next visit.",
    ),
    (
        CareKind::WeddingAnniversary,
        "Chúc mừng kỷ niệm ngày cưới, {name}! {business} gửi lời chúc tốt đẹp nhất.",
        "Happy anniversary, {name}! Warm wishes from everyone at {business}.",
    ),
    (
        CareKind::MembershipAnniversary,
        "{name} ơi, cảm ơn bạn đã đồng hành cùng {business} thêm một năm!",
        "{name}, thank you for another year with {business}!",
    ),
    (
        CareKind::Welcome,
        "Chào mừng {name} đến với {business}! Cần gì bạn cứ nhắn cho chúng tôi nhé.",
        "Welcome to {business}, {name}! Reply to this message any time you need us.",
    ),
    (
        CareKind::PurchaseFollowUp,
        "Chào {name}, cảm ơn bạn đã mua đơn {order} ({amount}) ngày {date} tại {business}. Bạn thấy thế nào? Hãy trả lời tin nhắn này nhé.",
        "Hi {name}, thanks for your order {order} ({amount}) on {date} at {business}. How was everything? Just reply to let us know.",
    ),
    (
        CareKind::LoyalReward,
        "{name} ơi, cảm ơn bạn luôn ủng hộ {business}! Quà tri ân của bạn: mã {voucher}.",
        "{name}, thank you for being one of our regulars! A treat from {business}: code {voucher}.",
    ),
    (
        CareKind::WinBack,
        "{business} nhớ bạn lắm, {name}! Quay lại với mã {voucher} để nhận ưu đãi nhé.",
        "We miss you, {name}! Come back to {business} with code {voucher} for something special.",
    ),
    (
        CareKind::PointsExpiring,
        "Chào {name}, {points} điểm {business} của bạn sắp hết hạn: hãy dùng đến {expires_on} nhé!",
        "Hi {name}, {points} of your {business} points are about to expire: use them by {expires_on}!",
    ),
    (
        CareKind::BonusExpiring,
        "Chào {name}, tiền thưởng {amount} tại {business} dùng đến {expires_on}. Số dư: {balance}.",
        "Hi {name}, use your {amount} bonus at {business} by {expires_on}. Balance: {balance}.",
    ),
    (
        CareKind::LowBalance,
        "Chào {name}, số dư thẻ {business} của bạn còn {balance}. Nạp thêm tại cửa hàng hoặc trên ứng dụng nhé.",
        "Hi {name}, your {business} balance is {balance}. Top up in store or in the app.",
    ),
    (
        CareKind::TierUpgraded,
        "Chúc mừng {name}! Bạn đã lên hạng {tier} tại {business}.",
        "Congratulations, {name}! You are now {tier} at {business}.",
    ),
    (
        CareKind::TierAtRisk,
        "Chào {name}, hãy giữ hạng {tier} tại {business}: kỳ xét hạng tiếp theo vào {expires_on}.",
        "Hi {name}, keep your {tier} status at {business}: the next review is on {expires_on}.",
    ),
    (
        CareKind::Survey,
        "Chào {name}, {business} đã hỗ trợ bạn thế nào? Trả lời từ 1 đến 5 giúp chúng tôi nhé.",
        "Hi {name}, how did {business} do? Reply with a score from 1 to 5.",
    ),
    (
        CareKind::Apology,
        "{name} ơi, {business} thành thật xin lỗi vì những trải nghiệm chưa tốt gần đây. Trả lời tin này nếu bạn muốn chúng tôi gọi lại.",
        "{name}, we are sorry we let you down recently. {business} will do better; reply if you would like a call back.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::care::Placeholder;

    #[test]
    fn samples_cover_every_kind_in_both_languages() {
        for (kind, vi, en) in SAMPLES {
            assert!(Template::new(vi).is_ok() && Template::new(en).is_ok(), "{kind}");
        }
        let set = TemplateSet::samples();
        for kind in CareKind::ALL {
            for language in ["vi", "en"] {
                let t = set.get(kind, language).unwrap();
                let mut supplied = kind.supplies().to_vec();
                supplied.push(Placeholder::Voucher);
                t.require(&supplied, kind.as_str()).unwrap();
            }
        }
        assert_eq!(set.anonymous_name("vi"), "bạn");
        assert_eq!(set.anonymous_name("fr"), "friend");
        for (receipt, vi, en) in RECEIPT_SAMPLES {
            for (language, text) in [("vi", vi), ("en", en)] {
                let t = Template::new(text).unwrap();
                t.require(receipt.supplies(), receipt.as_str()).unwrap();
                assert_eq!(set.receipt_template(receipt, Some(language)).unwrap(), (language, &t));
            }
        }
        assert_eq!(set.receipts().count(), 4);
    }

    #[test]
    fn receipt_templates_fall_back_and_are_checked() {
        let mut set = TemplateSet::new("vi", "bạn").unwrap();
        assert_eq!(
            set.receipt_template(ReceiptKind::Points, Some("en")).unwrap_err().to_string(),
            "no points receipt template in the requested language or the fallback language vi"
        );
        let t = Template::new("Số dư {points}").unwrap();
        set.insert_receipt(ReceiptKind::Points, "vi-VN", t.clone()).unwrap();
        assert_eq!(set.receipt_template(ReceiptKind::Points, Some("en")).unwrap(), ("vi", &t));
        assert_eq!(set.receipt_template(ReceiptKind::Points, None).unwrap(), ("vi", &t));
        assert_eq!(
            set.insert_receipt(ReceiptKind::StoredValue, "vi", Template::new("{points}").unwrap())
                .unwrap_err()
                .to_string(),
            "template uses {points}, which a stored_value receipt does not supply"
        );
        assert!(set.insert_receipt(ReceiptKind::Points, "not a tag", t).is_err());
        // Sets written before receipt templates existed read back with the samples; an empty list stays empty.
        let json = serde_json::to_string(&set).unwrap();
        assert!(json.contains(r#""receipts":[{"receipt":"points","language":"vi","text":"Số dư {points}"}]"#));
        assert_eq!(serde_json::from_str::<TemplateSet>(&json).unwrap(), set);
        let mut old: serde_json::Value = serde_json::from_str(&json).unwrap();
        old.as_object_mut().unwrap().remove("receipts");
        let old: TemplateSet = serde_json::from_value(old).unwrap();
        assert_eq!(old.receipts().count(), 4);
        let mut none: serde_json::Value = serde_json::from_str(&json).unwrap();
        none["receipts"] = serde_json::json!([]);
        assert_eq!(serde_json::from_value::<TemplateSet>(none).unwrap().receipts().count(), 0);
        let bad = json.replace("Số dư {points}", "Số dư {balance}");
        assert!(serde_json::from_str::<TemplateSet>(&bad).is_err());
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let set = TemplateSet::samples();
        let json = serde_json::to_string(&set).unwrap();
        assert_eq!(serde_json::from_str::<TemplateSet>(&json).unwrap(), set);
        let bad = json.replace("{voucher}", "{vocher}");
        assert!(serde_json::from_str::<TemplateSet>(&bad).is_err());
        assert!(TemplateSet::new("not a tag!", "friend").is_err());
        assert!(TemplateSet::new("en", "  ").is_err());
        let mut empty = TemplateSet::new("vi-VN", "bạn").unwrap();
        assert_eq!(empty.fallback_language(), "vi");
        assert_eq!(
            empty.for_language(CareKind::Survey, Some("en")).unwrap_err(),
            CareError::MissingTemplate { kind: CareKind::Survey, language: "vi".into() }
        );
        assert!(empty.set_fallback_language("en").is_err());
    }
}
