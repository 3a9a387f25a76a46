//! The stored format: reading commits and snapshots of every format this build knows.
//!
//! Hosts keep commits for years and replay them on every load. Each [`Commit`](crate::Commit) and each snapshot
//! says the format it was written in ([`FORMAT_VERSION`] today; JSON without the field is [`FIRST_FORMAT`]).
//! Plain `serde` deserialization reads the current format only; [`decode_commit`] and [`decode_snapshot`] read any
//! format up to the current one: they read the format, run the aggregate's [`Upcast`] steps from it to the current
//! one (old JSON → today's JSON), then deserialize, so replaying an old stream equals replaying the same history
//! written today. JSON from a newer build is refused ([`WireError::NewerFormat`]), never guessed at.
//!
//! The rules of the format (the repository's `notes/wire-format.md` describes every stored type):
//!
//! - A tag or field name is never renamed and a meaning never changed within a format; any change of a stored
//!   shape, even an added field, is a new format with an upcasting step here, a golden fixture of the old shape in
//!   `tests/golden/`, and a CHANGELOG entry under Breaking changes.
//! - Fields are added only with a default (so the step from the previous format may be the identity).
//! - Money and decimals are strings (`"1850000"`), points integers, instants RFC 3339 in UTC.
//! - Unknown fields in the envelope (commit, command, snapshot envelope) are rejected; a newer writer is caught by
//!   its format before its fields are read.
//!
//! | format | what changed |
//! |---|---|
//! | 1 | the shapes before the format was written down (no `format` field) |
//! | 2 | `format` in commits and snapshots; issue 15's names: `lot_expired`, `lot_activated` (points events), `process_due` (wallet command), `principal_available`, `bonus_available`, `money_available` (wallet receipts) |

mod customer;
mod decode;
mod error;
mod json;
mod points;
mod upcast;
mod wallet;

pub use crate::stream::{FIRST_FORMAT, FORMAT_VERSION, FormatError};
pub use decode::{decode_commit, decode_snapshot};
pub use error::{Stored, WireError};
pub use upcast::Upcast;
