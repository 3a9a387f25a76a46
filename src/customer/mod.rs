//! Customer records: who the customer is, how and when they may be contacted, and what they bought.
//!
//! [`Customer`] is an event-sourced aggregate on the crate's envelope ([`Command`](crate::Command) in,
//! [`Commit`](crate::Commit) out). Its commands register a customer, patch the profile, set yearly occasions
//! (birthday, anniversaries), grant and revoke consent per [`Channel`] × [`Purpose`], set contact
//! [`Preferences`], record purchases and refunds, and erase personal data.
//!
//! # Personal data
//!
//! - Every personal value type ([`PersonName`], [`PhoneNumber`], [`EmailAddress`], [`AnnualDate`]) prints
//!   `Type(<redacted>)` under `Debug`, so a stray `{:?}` in a host's log line leaks nothing. `Display` prints the
//!   value: showing it is then an explicit choice.
//! - Errors about personal values name the problem and its position, not the value itself, because errors get
//!   logged.
//! - [`CustomerCommand::Erase`] tombstones every personal field (names, phones, e-mails, occasions, preferences,
//!   consents) and forgets the personal command bodies kept for duplicate detection, while ids, purchases and
//!   refunds stay so that ledgers keep balancing. Later commands that need personal data are rejected with
//!   [`CustomerError::Erased`]; purchases and refunds are still accepted. The *commits* written before the
//!   erasure still hold the personal data: after an erasure, store a snapshot of the erased state and delete (or
//!   crypto-shred) the earlier commits — the snapshot plus later commits replay to the same state.
//!
//! # Example
//!
//! ```
//! use customer_care::customer::{Customer, CustomerCommand, NewProfile, Purchase, SalesChannel};
//! use customer_care::{Command, CommandId, CustomerId, Money};
//! use chrono::{TimeZone, Utc};
//!
//! let id = CustomerId::from_u128(1)?;
//! let mut lan = Customer::new(id);
//! let now = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).single().ok_or("no such instant")?;
//! let profile = NewProfile::default().full_name("Nguyễn Thị Lan")?.phone("0903 123 456", "VN")?;
//! for (n, body) in [
//!     CustomerCommand::Register { profile: profile.build(), registered_at: None },
//!     CustomerCommand::RecordPurchase(Purchase::new("HD-1".parse()?, "120000 VND".parse()?, now)),
//! ]
//! .into_iter()
//! .enumerate()
//! {
//!     let command = Command::new(CommandId::from_u128(n as u128 + 1)?, now, body);
//!     if let Some(commit) = lan.decide(&command)?.accepted() {
//!         lan.apply(&commit); // after the host stored it
//!     }
//! }
//! let summary = lan.activity_summary(now);
//! assert_eq!(summary.orders, 1);
//! assert_eq!(summary.spend[0].net, "120000 VND".parse::<Money>()?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod aggregate;
mod change;
mod consent;
mod dates;
mod email;
mod error;
mod matching;
mod name;
mod occasions;
pub mod phone;
mod preferences;
mod profile;
mod purchases;
mod redact;

pub use aggregate::{Customer, CustomerCommand, CustomerEvent, CustomerStatus};
pub use change::Change;
pub use consent::{Channel, ConsentRecord, ConsentSource, Consents, Purpose, SOURCE_MAX_CHARS};
pub use dates::{
    AnnualDate, LABEL_MAX_CHARS, LeapDayPolicy, MAX_YEAR, MIN_YEAR, OccasionKind, OccasionLabel, OccasionWindow,
    WINDOW_MAX_DAYS,
};
pub use email::EmailAddress;
pub use error::{ContactKind, CustomerError};
pub use matching::{DuplicateGroup, MatchKey, duplicate_groups};
pub use name::{NAME_MAX_CHARS, PersonName};
pub use occasions::{Occasion, occasions_between};
pub use phone::{PhoneError, PhoneNumber, Region};
pub use preferences::{Language, MAX_INTERESTS, Preferences, PreferencesPatch, QuietHours, TAG_MAX_CHARS, Tag};
pub use profile::{MAX_CONTACT_POINTS, NewProfile, Profile, ProfilePatch};
pub use purchases::{ActivitySummary, CurrencySpend, Purchase, PurchaseEntry, Refund, SalesChannel};
