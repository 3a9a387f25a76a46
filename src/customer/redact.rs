//! The `Debug` of personal values: `Type(<redacted>)`.

use std::fmt;

/// Writes `Type(<redacted>)`: the `Debug` of every personal value.
pub(crate) fn redacted(f: &mut fmt::Formatter<'_>, type_name: &str) -> fmt::Result {
    write!(f, "{type_name}(<redacted>)")
}
