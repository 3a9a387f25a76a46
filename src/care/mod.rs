//! Proactive care: message templates, locale formatting and SMS length — the parts of the care planner that
//! turn a due care action into the words a customer reads.
//!
//! Templates name their values (`{name}`, `{points}`, `{expires_on}`, ...) and are checked when built: an unknown
//! placeholder, a placeholder the care kind does not supply, or a missing value is an error, never a blank in a
//! customer's message. Money and dates are formatted per [`Locale`] (`120.000 ₫` and `31/12/2026` in Vietnamese),
//! and [`sms_length`] says whether a text fits one SMS — Vietnamese diacritics force UCS-2, 70 characters a
//! segment instead of 160.

mod history;
mod kind;
mod locale;
mod plan;
mod policy;
mod sms;
mod subject;
mod template;
mod templates;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::customer::Channel;

pub use history::{CareEvent, DedupKey};
pub use kind::CareKind;
pub use locale::Locale;
pub use plan::{CareAction, CarePlan, CareWindow, Deferral, MAX_WINDOW_DAYS, Refusal, SkipReason, SkippedCare};
pub use policy::{
    CarePolicy, CarePolicySpec, FrequencyCap, KindPolicy, MAX_CATCH_UP_HOURS, MAX_GAP_MINUTES, MAX_STEPS, SendAt, Step,
    Threshold,
};
pub use sms::{SmsEncoding, SmsLength, sms_length};
pub use subject::{CareSubject, PointsFacts, ResolvedTicket, StageFacts, StoredValueFacts};
pub use template::{Placeholder, TEMPLATE_MAX_CHARS, Template};
pub use templates::{TemplateEntry, TemplateSet};

/// Why a care template, policy or plan was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CareError {
    /// A `{name}` that is not a [`Placeholder`].
    #[error(
        "unknown placeholder {{{name}}} at character {position}: expected one of {{name}}, {{business}}, {{points}}, {{balance}}, {{amount}}, {{expires_on}}, {{tier}}, {{voucher}}, {{date}}, {{order}}, {{link}}"
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
}
