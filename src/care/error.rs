//! Why a care template, policy or plan was rejected: [`CareError`].

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::kind::CareKind;
use super::receipt_kind::ReceiptKind;
use super::template::Placeholder;
use crate::customer::Channel;

/// Why a care template, policy or plan was rejected.
#[derive(Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CareError {
    /// A `{name}` that is not a [`Placeholder`].
    #[error(
        "unknown placeholder {{{name}}} at character {position}: expected one of {{name}}, {{business}}, {{points}}, {{balance}}, {{amount}}, {{expires_on}}, {{tier}}, {{voucher}}, {{date}}, {{order}}, {{link}}, {{time}}, {{earned}}, {{redeemed}}, {{expiring}}"
    )]
    UnknownPlaceholder {
        /// The name between the braces (at most 80 characters of it).
        name: String,
        /// Character position of the opening brace.
        position: usize,
    },
    /// A `{` without its `}` or a lone `}` (write `{{` and `}}` for literal braces).
    #[error("unbalanced brace at character {position}: write {{{{ or }}}} for a literal brace")]
    UnbalancedBrace {
        /// Character position of the brace.
        position: usize,
    },
    /// An empty or over-long template.
    #[error("template must be 1 to {max} characters and not blank, got {chars}")]
    InvalidTemplate {
        /// Its length.
        chars: usize,
        /// The longest accepted.
        max: usize,
    },
    /// The template uses a placeholder its care kind never fills.
    #[error("template uses {placeholder}, which {context} does not supply")]
    PlaceholderNotSupplied {
        /// The placeholder.
        placeholder: Placeholder,
        /// The care kind (or other context).
        context: String,
    },
    /// A name that is not a [`CareKind`].
    #[error("unknown care kind {name:?}")]
    UnknownKind {
        /// The name (at most 80 characters of it).
        name: String,
    },
    /// A language tag that is not one, or a fallback language without an anonymous name.
    #[error("invalid template language {language:?}")]
    InvalidLanguage {
        /// The tag.
        language: String,
    },
    /// A blank, over-long or control-character word for customers without a name.
    #[error("invalid anonymous name for {language}: {chars} characters (1 to 40, not blank, no control characters)")]
    InvalidAnonymousName {
        /// The language.
        language: String,
        /// Its length.
        chars: usize,
    },
    /// An enabled kind has no template in the fallback language.
    #[error("no {kind} template in the fallback language {language}")]
    MissingTemplate {
        /// The kind.
        kind: CareKind,
        /// The fallback language.
        language: String,
    },
    /// A planning window that ends before it starts, or is too long.
    #[error("invalid care window {start} to {end}: it must end after it starts and last at most {max_days} days")]
    InvalidWindow {
        /// The start.
        start: DateTime<Utc>,
        /// The end.
        end: DateTime<Utc>,
        /// The longest window.
        max_days: i64,
    },
    /// A local day that does not begin and end within chrono's range of instants.
    #[error("the local day {date} in {zone} does not lie within the representable instants")]
    DayOutOfRange {
        /// The date.
        date: NaiveDate,
        /// The zone.
        zone: Tz,
    },
    /// A frequency cap of zero while a marketing kind that it covers is on.
    #[error(
        "a frequency cap of 0 per {days} days on {} while {kind} (marketing) uses it: turn the kind off instead",
        channel.map_or_else(|| "all channels".to_owned(), |c| c.to_string())
    )]
    ZeroCap {
        /// The channel capped (`None`: all).
        channel: Option<Channel>,
        /// The cap's window.
        days: u32,
        /// A marketing kind it would silence.
        kind: CareKind,
    },
    /// A policy setting out of range.
    #[error("invalid care policy {what}: {value}")]
    InvalidPolicy {
        /// The setting.
        what: String,
        /// Its value and the accepted range.
        value: String,
    },
    /// A kind's policy does not make sense.
    #[error("invalid {kind} policy: {reason}")]
    InvalidKindPolicy {
        /// The kind.
        kind: CareKind,
        /// What is wrong, naming the values.
        reason: String,
    },
    /// A value was missing at render time.
    #[error("no value for {placeholder}")]
    MissingValue {
        /// The placeholder.
        placeholder: Placeholder,
    },
    /// Neither the requested language nor the fallback language has a template for the receipt kind.
    #[error("no {receipt} receipt template in the requested language or the fallback language {language}")]
    MissingReceiptTemplate {
        /// The receipt kind.
        receipt: ReceiptKind,
        /// The fallback language.
        language: String,
    },
}
