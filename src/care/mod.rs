//! Proactive care: message templates, locale formatting and SMS length — the parts of the care planner that
//! turn a due care action into the words a customer reads.
//!
//! Templates name their values (`{name}`, `{points}`, `{expires_on}`, ...) and are checked when built: an unknown
//! placeholder, a placeholder the care kind does not supply, or a missing value is an error, never a blank in a
//! customer's message. Money and dates are formatted per [`Locale`] (`120.000 ₫` and `31/12/2026` in Vietnamese),
//! and [`sms_length`] says whether a text fits one SMS — Vietnamese diacritics force UCS-2, 70 characters a
//! segment instead of 160.

mod locale;
mod sms;
mod template;

use serde::{Deserialize, Serialize};

pub use locale::Locale;
pub use sms::{SmsEncoding, SmsLength, sms_length};
pub use template::{Placeholder, TEMPLATE_MAX_CHARS, Template};

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
    /// A value was missing at render time.
    #[error("no value for {placeholder}")]
    MissingValue {
        /// The placeholder.
        placeholder: Placeholder,
    },
}
