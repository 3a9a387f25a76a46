//! The kinds of receipt a customer reads (the values each one supplies: [`ReceiptKind::supplies`], beside the
//! rendering in `receipt.rs`).

use std::fmt;

use serde::{Deserialize, Serialize};

/// A kind of receipt: the message a customer reads right after a debit or a points commit.
///
/// | kind | from | supplies |
/// |---|---|---|
/// | `stored_value` | a wallet [`Receipt`](crate::wallet::Receipt) | `{business}`, `{order}`, `{date}`, `{time}`, `{amount}` (paid), `{balance}` (total after), `{expiring}`, `{expires_on}` |
/// | `points` | a [`PointsReceipt`](crate::loyalty::PointsReceipt) | `{business}`, `{order}`, `{date}`, `{time}`, `{earned}`, `{redeemed}`, `{points}` (available after), `{expiring}`, `{expires_on}` |
///
/// `{date}` and `{time}` are local to the customer's zone; `{expires_on}` is the last local date the next
/// expiring amount (`{expiring}`) can be used. Values that do not apply are not supplied — no order, nothing
/// redeemed, nothing expiring — and a receipt template leaves out each line naming one
/// ([`Template::render_lines`](super::Template::render_lines)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReceiptKind {
    /// A stored-value debit: a spend or a hold capture.
    StoredValue,
    /// A points commit: an earn, a bonus, a redemption.
    Points,
}

impl ReceiptKind {
    /// Every kind.
    pub const ALL: [Self; 2] = [Self::StoredValue, Self::Points];

    /// The name used in template sets and serialized data.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::StoredValue => "stored_value",
            Self::Points => "points",
        }
    }
}

impl fmt::Display for ReceiptKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
