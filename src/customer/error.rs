//! Why a customer command or value was rejected: [`CustomerError`], and the [`ContactKind`] it names.

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use super::dates::OccasionKind;
use super::phone::PhoneError;
use crate::id::{CustomerId, OrderId};
use crate::money::{Money, MoneyError};
use crate::stream::StreamError;

/// Which kind of contact point an error is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    /// Phone numbers.
    Phone,
    /// E-mail addresses.
    Email,
}

impl fmt::Display for ContactKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Phone => "phone number",
            Self::Email => "e-mail address",
        })
    }
}

/// Why a customer command or value was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CustomerError {
    /// A [`PersonName`](super::PersonName) was rejected.
    #[error("invalid name: {reason}")]
    InvalidName {
        /// What is wrong (not the name itself).
        reason: String,
    },
    /// An [`EmailAddress`](super::EmailAddress) was rejected.
    #[error("invalid e-mail address: {reason}")]
    InvalidEmail {
        /// What is wrong (not the address itself).
        reason: String,
    },
    /// A [`PhoneNumber`](super::PhoneNumber) was rejected.
    #[error(transparent)]
    InvalidPhone(#[from] PhoneError),
    /// An [`AnnualDate`](super::AnnualDate) was rejected.
    #[error("invalid date: {reason}")]
    InvalidDate {
        /// What is wrong.
        reason: String,
    },
    /// An [`OccasionLabel`](super::OccasionLabel) was rejected.
    #[error("occasion label must be 1 to {max} characters without surrounding whitespace: {label:?}")]
    InvalidLabel {
        /// The label (at most 80 characters of it).
        label: String,
        /// The longest accepted label.
        max: usize,
    },
    /// An [`OccasionWindow`](super::OccasionWindow) was rejected.
    #[error("invalid occasion window {first}..={last}: must not be empty or longer than {max_days} days")]
    InvalidWindow {
        /// First date.
        first: NaiveDate,
        /// Last date.
        last: NaiveDate,
        /// The longest accepted window.
        max_days: i64,
    },
    /// An instant whose local date lies outside chrono's range of dates (within a day of its ends).
    #[error("the local date of {at} in {zone} lies outside the representable dates")]
    LocalDateOutOfRange {
        /// The instant.
        at: DateTime<Utc>,
        /// The zone.
        zone: chrono_tz::Tz,
    },
    /// A [`ConsentSource`](super::ConsentSource) was rejected.
    #[error("consent source must be 1 to {max} characters without surrounding whitespace: {source_text:?}")]
    InvalidConsentSource {
        /// The text (at most 80 characters of it).
        source_text: String,
        /// The longest accepted source.
        max: usize,
    },
    /// A [`Language`](super::Language) tag was rejected.
    #[error("invalid language tag {tag:?}: expected a BCP 47 tag such as \"vi\" or \"en-US\"")]
    InvalidLanguage {
        /// The tag (at most 80 characters of it).
        tag: String,
    },
    /// [`QuietHours`](super::QuietHours) that cover the whole day or nothing.
    #[error("quiet hours {start}-{end} must start and end at different times")]
    InvalidQuietHours {
        /// Start.
        start: NaiveTime,
        /// End.
        end: NaiveTime,
    },
    /// Text that is not `HH:MM-HH:MM`.
    #[error("invalid quiet hours {input:?}: expected \"HH:MM-HH:MM\"")]
    InvalidQuietHoursSyntax {
        /// The text (at most 80 characters of it).
        input: String,
    },
    /// A [`Tag`](super::Tag) was rejected.
    #[error("tag must be 1 to {max} characters: {tag:?}")]
    InvalidTag {
        /// The tag (at most 80 characters of it).
        tag: String,
        /// The longest accepted tag.
        max: usize,
    },
    /// A command other than registration reached an unregistered customer.
    #[error("customer {customer_id} is not registered")]
    NotRegistered {
        /// The customer.
        customer_id: CustomerId,
    },
    /// A second registration.
    #[error("customer {customer_id} is already registered")]
    AlreadyRegistered {
        /// The customer.
        customer_id: CustomerId,
    },
    /// A command that needs personal data reached an erased customer.
    #[error("customer {customer_id} was erased at {erased_at}; personal data can no longer be recorded")]
    Erased {
        /// The customer.
        customer_id: CustomerId,
        /// When the erasure was decided.
        erased_at: DateTime<Utc>,
    },
    /// A patch that changes nothing.
    #[error("the patch changes nothing")]
    EmptyPatch,
    /// More contact points than allowed.
    #[error("too many {kind}s: {count}, at most {max}")]
    TooManyContactPoints {
        /// Phones or e-mails.
        kind: ContactKind,
        /// How many were given.
        count: usize,
        /// The most allowed.
        max: usize,
    },
    /// The same contact point twice in one list.
    #[error("{kind} at position {position} repeats an earlier one")]
    DuplicateContactPoint {
        /// Phones or e-mails.
        kind: ContactKind,
        /// 0-based position of the repetition.
        position: usize,
    },
    /// More interests than allowed.
    #[error("too many interests: {count}, at most {max}")]
    TooManyInterests {
        /// How many were given.
        count: usize,
        /// The most allowed.
        max: usize,
    },
    /// No date is set for the occasion.
    #[error("no date set for occasion {kind:?}")]
    OccasionNotFound {
        /// The occasion.
        kind: OccasionKind,
    },
    /// A purchase or refund amount that is zero or negative.
    #[error("amount must be positive: {amount}")]
    NonPositiveAmount {
        /// The amount.
        amount: Money,
    },
    /// An order id recorded before.
    #[error("order {order_id} is already recorded")]
    OrderAlreadyRecorded {
        /// The order.
        order_id: OrderId,
    },
    /// A refund for an order that was never recorded.
    #[error("order {order_id} not found")]
    OrderNotFound {
        /// The order.
        order_id: OrderId,
    },
    /// A refund larger than what is left of the order.
    #[error("refund of {requested} exceeds what is refundable on order {order_id}: {refundable}")]
    RefundExceedsPurchase {
        /// The order.
        order_id: OrderId,
        /// The refund asked for.
        requested: Money,
        /// The order amount less earlier refunds.
        refundable: Money,
    },
    /// A purchase dated after the command's decision time.
    #[error("order {order_id} purchased at {purchased_at} is later than the command's issued_at {issued_at}")]
    PurchaseInFuture {
        /// The order.
        order_id: OrderId,
        /// Its purchase time.
        purchased_at: DateTime<Utc>,
        /// The command's decision time.
        issued_at: DateTime<Utc>,
    },
    /// A refund dated before its purchase or after the command's decision time.
    #[error(
        "refund of order {order_id} at {refunded_at} must lie between the purchase at {purchased_at} and issued_at {issued_at}"
    )]
    RefundOutOfOrder {
        /// The order.
        order_id: OrderId,
        /// The refund time.
        refunded_at: DateTime<Utc>,
        /// The purchase time.
        purchased_at: DateTime<Utc>,
        /// The command's decision time.
        issued_at: DateTime<Utc>,
    },
    /// A money value or operation was rejected.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// The envelope rejected the command.
    #[error(transparent)]
    Stream(#[from] StreamError),
}
