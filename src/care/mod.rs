//! The care planner: the proactive care a business owes its customers — birthday and anniversary greetings,
//! follow-ups after a sale, a welcome series, rewards for the loyal, win-back for the aging, reminders before
//! points or a prepaid bonus expire and when a balance runs low, tier news, a survey after a resolved ticket, an
//! apology after repeated poor experiences — planned so that it is welcome rather than a nuisance.
//!
//! The crate decides *what* care is due, *when* and *on which channel*, and renders the message; the host sends it
//! and reports back what happened ([`CareEvent`]). Nothing here sends, stores or reads a clock.
//!
//! **How the language is chosen.** A message (or a receipt) is written in the customer's language when their
//! preferences name one; else in the policy's default language ([`CarePolicySpec::language`]: `vi` for a
//! Vietnamese business); else in the template set's fallback language. Whichever is chosen, when the template set
//! has no template in it for the kind, the fallback language's template is used. Languages match by primary subtag
//! (`vi-VN` reads `vi`), and money, numbers, dates and times are then formatted for the template's language
//! ([`Locale`]). Times and dates are local to the customer's zone, else the policy's.
//!
//! - [`CarePolicy`] (validated from a serializable [`CarePolicySpec`]): for each [`CareKind`] that is on, its steps
//!   relative to an anchor (the birthday, the purchase, the day a customer turned aging, the expiry), the local
//!   time it goes out, its channels in order, the lifecycle [stages](crate::lifecycle::Stage) it is for and its
//!   priority; and the limits — frequency caps on marketing per channel and overall over rolling windows, quiet
//!   hours (the business's and each customer's, in the customer's zone), a minimum gap between any two messages.
//! - [`CarePolicy::plan`] takes a [`CareWindow`] and one [`CareSubject`] per customer (the record, facts from
//!   loyalty, stored value, lifecycle and service, and the care history) and returns a [`CarePlan`]: the due
//!   [`CareAction`]s, each with a deterministic [`DedupKey`], channel, due time, priority and rendered message with
//!   its SMS length; every [`SkippedCare`] with its [`SkipReason`]; and `next_deadline`, when to plan again.
//! - **Consent is law**: marketing needs marketing consent on the channel, service messages service consent; an
//!   opt-out recorded in the history closes the channel; erased customers get nothing.
//! - Templates name their values (`{name}`, `{points}`, `{expires_on}`, ...) and are checked when the policy is
//!   built: an unknown placeholder, or one the kind does not supply, is an error — never a blank in a customer's
//!   message. [`TemplateSet::samples`] has Vietnamese and English for every kind. Money and dates are formatted
//!   per [`Locale`] (`120.000 ₫` and `31/12/2026` in Vietnamese), and [`sms_length`] says whether a text fits one
//!   SMS — Vietnamese diacritics force UCS-2, 70 characters a segment instead of 160. Tier names print as their
//!   [display name](crate::DisplayName) in the reader's language, never as the ASCII key when one is set.
//! - **Receipts** go through the same machinery: [`CarePolicy::render_receipt`] renders a stored-value debit's
//!   [`Receipt`](crate::wallet::Receipt) or a [`PointsReceipt`](crate::loyalty::PointsReceipt) from the template
//!   set's [`ReceiptKind`] templates (Vietnamese and English samples) in the customer's language, money and zone,
//!   with the last usable date of what expires next ("150.000 ₫ dùng đến 05/03/2027").
//!
//! ```
//! use customer_care::care::{CarePolicy, CarePolicySpec, CareSubject, CareWindow};
//! use customer_care::customer::{AnnualDate, Channel, Customer, CustomerCommand, NewProfile, OccasionKind, Purpose, Region};
//! use customer_care::{Command, CommandId, CustomerId};
//! use chrono::{NaiveDate, TimeDelta};
//!
//! let zone = chrono_tz::Asia::Ho_Chi_Minh;
//! let policy = CarePolicy::new(CarePolicySpec::example("Cà phê Sáng", zone, "50000 VND".parse()?))?;
//! let today = CareWindow::local_day("2026-11-23".parse::<NaiveDate>()?, zone)?;
//!
//! // A customer with a phone, SMS marketing consent and a birthday today.
//! let mut lan = Customer::new(CustomerId::from_u128(1)?);
//! let profile = NewProfile::default().preferred_name("chị Lan")?.phone("0903 123 456", Region::VN)?.build();
//! let last_night = today.start() - TimeDelta::hours(1);
//! for (n, body) in [
//!     CustomerCommand::Register { profile, registered_at: None },
//!     CustomerCommand::GrantConsent { channel: Channel::Sms, purpose: Purpose::Marketing, source: None },
//!     CustomerCommand::SetImportantDate { kind: OccasionKind::Birthday, date: "1991-11-23".parse::<AnnualDate>()? },
//! ]
//! .into_iter()
//! .enumerate()
//! {
//!     let command = Command::new(CommandId::from_u128(n as u128 + 1)?, last_night, body);
//!     if let Some(commit) = lan.decide(&command)?.accepted() {
//!         lan.apply(&commit);
//!     }
//! }
//!
//! let plan = policy.plan(today, [CareSubject::new(&lan)]);
//! let greeting = &plan.actions[0];
//! assert_eq!(greeting.channel, Channel::Sms);
//! assert_eq!(greeting.due_at, today.start() + TimeDelta::hours(9)); // 09:00 local
//! assert_eq!(greeting.key.as_str(), "00000000-0000-0000-0000-000000000001/birthday/2026-11-23/0");
//! assert!(greeting.message.starts_with("Happy birthday, chị Lan!")); // no language anywhere: the fallback, English
//!
//! // A Vietnamese business names its language: customers without one read Vietnamese.
//! let mut spec = policy.spec().clone();
//! spec.language = Some("vi".parse()?);
//! let plan = CarePolicy::new(spec)?.plan(today, [CareSubject::new(&lan)]);
//! assert!(plan.actions[0].message.starts_with("Chúc mừng sinh nhật chị Lan!"));
//! assert_eq!(plan.actions[0].language, "vi");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod history;
mod kind;
mod plan;
mod policy;
mod receipt;
mod receipt_kind;
mod sms;
mod subject;
mod template;
mod templates;

/// Re-exported from [`crate::locale`], where money formatting lives.
pub use crate::locale::Locale;
pub use error::CareError;
pub use history::{CareEvent, DedupKey};
pub use kind::CareKind;
pub use plan::{CareAction, CarePlan, CareWindow, Deferral, MAX_WINDOW_DAYS, Refusal, SkipReason, SkippedCare};
pub use policy::{
    CarePolicy, CarePolicySpec, FrequencyCap, KindPolicy, MAX_CATCH_UP_HOURS, MAX_GAP_MINUTES, MAX_STEPS, SendAt, Step,
    Threshold,
};
pub use receipt::{ReceiptFacts, RenderedReceipt};
pub use receipt_kind::ReceiptKind;
pub use sms::{SmsEncoding, SmsLength, SmsPart, sms_length, sms_parts};
pub use subject::{CareSubject, PointsFacts, ResolvedTicket, StageFacts, StoredValueFacts};
pub use template::{Placeholder, TEMPLATE_MAX_CHARS, Template};
pub use templates::{ReceiptTemplateEntry, TemplateEntry, TemplateSet};
