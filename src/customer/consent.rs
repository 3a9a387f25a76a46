//! Consent to be contacted, per channel and purpose.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::error::CustomerError;

/// A way to reach a customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Channel {
    /// Text message to a phone number.
    Sms,
    /// E-mail.
    Email,
    /// A phone call.
    PhoneCall,
    /// A chat app reached through the phone number (Zalo, WhatsApp, Messenger, ...).
    ChatApp,
    /// A push notification to the host's app.
    Push,
    /// Postal mail.
    Post,
}

impl Channel {
    /// Every channel, in order.
    pub const ALL: [Self; 6] = [Self::Sms, Self::Email, Self::PhoneCall, Self::ChatApp, Self::Push, Self::Post];
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Sms => "sms",
            Self::Email => "email",
            Self::PhoneCall => "phone_call",
            Self::ChatApp => "chat_app",
            Self::Push => "push",
            Self::Post => "post",
        })
    }
}

/// Why a business contacts a customer. Consent is given per purpose: agreeing to hear about an order is not
/// agreeing to promotions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Purpose {
    /// Messages about the customer's own orders, tickets, balances and account.
    Service,
    /// Promotions, offers, greetings with vouchers, win-back campaigns.
    Marketing,
}

impl Purpose {
    /// Every purpose, in order.
    pub const ALL: [Self; 2] = [Self::Service, Self::Marketing];
}

impl fmt::Display for Purpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Service => "service",
            Self::Marketing => "marketing",
        })
    }
}

/// The longest accepted [`ConsentSource`], in characters.
pub const SOURCE_MAX_CHARS: usize = 80;

/// Where a consent decision was captured ("signup form v3", "in-store tablet", "unsubscribe link"): the audit
/// trail regulators ask for. 1 to [`SOURCE_MAX_CHARS`] characters, trimmed, no control characters.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ConsentSource(Box<str>);

impl ConsentSource {
    /// Validates a source description.
    ///
    /// # Errors
    ///
    /// [`CustomerError::InvalidConsentSource`].
    pub fn new(value: &str) -> Result<Self, CustomerError> {
        let chars = value.chars().count();
        if (1..=SOURCE_MAX_CHARS).contains(&chars) && value.trim() == value && !value.chars().any(char::is_control) {
            Ok(Self(value.into()))
        } else {
            Err(CustomerError::InvalidConsentSource { source_text: crate::text::excerpt(value), max: SOURCE_MAX_CHARS })
        }
    }

    /// The description.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ConsentSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for ConsentSource {
    type Err = CustomerError;
    fn from_str(s: &str) -> Result<Self, CustomerError> {
        Self::new(s)
    }
}

impl TryFrom<String> for ConsentSource {
    type Error = CustomerError;
    fn try_from(value: String) -> Result<Self, CustomerError> {
        Self::new(&value)
    }
}

impl From<ConsentSource> for String {
    fn from(source: ConsentSource) -> Self {
        source.0.into()
    }
}

/// The latest consent decision for one channel and purpose.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRecord {
    /// The channel.
    pub channel: Channel,
    /// The purpose.
    pub purpose: Purpose,
    /// Whether contact is allowed.
    pub granted: bool,
    /// When the decision was recorded (the deciding command's `issued_at`).
    pub decided_at: DateTime<Utc>,
    /// Where it was captured.
    pub source: Option<ConsentSource>,
}

/// A customer's consents. Opt-in: no record means no consent, for service messages too.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Vec<ConsentRecord>", into = "Vec<ConsentRecord>")]
pub struct Consents(BTreeMap<(Channel, Purpose), ConsentRecord>);

impl Consents {
    /// Whether the customer may be contacted on `channel` for `purpose`.
    pub fn allows(&self, channel: Channel, purpose: Purpose) -> bool {
        self.0.get(&(channel, purpose)).is_some_and(|r| r.granted)
    }

    /// The latest decision for `channel` and `purpose`, if any.
    pub fn record(&self, channel: Channel, purpose: Purpose) -> Option<&ConsentRecord> {
        self.0.get(&(channel, purpose))
    }

    /// Every recorded decision, by channel then purpose.
    pub fn records(&self) -> impl Iterator<Item = &ConsentRecord> {
        self.0.values()
    }

    /// The channels open for `purpose`, in [`Channel`] order.
    pub fn channels_for(&self, purpose: Purpose) -> impl Iterator<Item = Channel> + '_ {
        Channel::ALL.into_iter().filter(move |&c| self.allows(c, purpose))
    }

    pub(crate) fn set(&mut self, record: ConsentRecord) {
        self.0.insert((record.channel, record.purpose), record);
    }

    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }
}

impl From<Vec<ConsentRecord>> for Consents {
    fn from(records: Vec<ConsentRecord>) -> Self {
        Self(records.into_iter().map(|r| ((r.channel, r.purpose), r)).collect())
    }
}

impl From<Consents> for Vec<ConsentRecord> {
    fn from(consents: Consents) -> Self {
        consents.0.into_values().collect()
    }
}
