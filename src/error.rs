//! The crate-level error.
//!
//! Each domain has its own `#[non_exhaustive]` error enum ([`IdError`], [`MoneyError`], [`StreamError`],
//! [`CustomerError`], ...) whose variants name the condition and carry the values involved, so a host can branch
//! on the cause (an insufficient balance and an unknown hold lead to different screens) and store a rejection as
//! data: every error is `Clone + PartialEq + Serialize + Deserialize`. [`Error`] wraps them all for hosts that
//! want one type. Messages are lowercase, without a trailing period, and name the values.
//!
//! We chose enums over jiff's single opaque error because our callers must branch on causes; jiff's callers rarely
//! do. There is no I/O, so there is no `std::io::Error` anywhere.
//!
//! # Composing
//!
//! Every public error type implements [`std::error::Error`] and `Display`, so `?` works in a host's
//! `fn main() -> Result<(), Box<dyn std::error::Error>>` on any of them (the in-memory store's error is
//! [`std::convert::Infallible`]).
//!
//! `Debug` of an error prints its message, exactly as `Display` does (jiff does the same): a `main` returning
//! `Box<dyn Error>`, an `unwrap`, and a failed `assert_eq!` print `Debug`, and the message already names the
//! condition and every value involved, where a derived `Debug` would print field names and wrappers instead. To
//! branch on the cause, match the variant; to inspect the fields, serialize the error (every domain error is
//! `Serialize`).
//!
//! ```
//! use customer_care::loyalty::{LoyaltyError, Points};
//!
//! let e = LoyaltyError::InsufficientPoints { requested: Points::new(500), available: Points::new(320) };
//! assert_eq!(format!("{e:?}"), "insufficient points: requested 500, available 320");
//! assert_eq!(format!("{e:?}"), e.to_string());
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::calendar::CalendarError;
use crate::care::CareError;
use crate::customer::CustomerError;
use crate::customer::PhoneError;
use crate::host::conformance::ConformanceFailure;
use crate::host::{AppendError, SubmitError};
use crate::id::IdError;
use crate::ledger::{InvariantViolation, LabelError, LedgerError, ParseLotIdError};
use crate::lifecycle::LifecycleError;
use crate::locale::LocaleError;
use crate::loyalty::{InvalidFraction, LoyaltyError};
use crate::metrics::MetricsError;
use crate::money::MoneyError;
use crate::service::ServiceError;
use crate::stats::StatsError;
use crate::stats::percentile::PercentileError;
use crate::stream::{BatchError, FormatError, StreamError};
use crate::wallet::WalletError;
use crate::wire::WireError;

/// Any error this crate can return.
#[derive(Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "domain", content = "error", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Error {
    /// An identifier was rejected.
    #[error(transparent)]
    Id(#[from] IdError),
    /// A money value or operation was rejected.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// The envelope rejected a command or a replay.
    #[error(transparent)]
    Stream(#[from] StreamError),
    /// A customer command or value was rejected.
    #[error(transparent)]
    Customer(#[from] CustomerError),
    /// A care template or policy was rejected.
    #[error(transparent)]
    Care(#[from] CareError),
    /// A business calendar or business-time computation was rejected.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// A ticket event log, service policy or service metric input was rejected.
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// A survey metric or tally operation was rejected.
    #[error(transparent)]
    Metrics(#[from] MetricsError),
    /// A statistical computation was rejected.
    #[error(transparent)]
    Stats(#[from] StatsError),
    /// A lifecycle input, model fit or prediction was rejected.
    #[error(transparent)]
    Lifecycle(#[from] LifecycleError),
    /// A loyalty command or program was rejected.
    #[error(transparent)]
    Loyalty(#[from] LoyaltyError),
    /// A stored-value command or program was rejected.
    #[error(transparent)]
    Wallet(#[from] WalletError),
    /// A display name was rejected.
    #[error(transparent)]
    Locale(#[from] LocaleError),
    /// Stored JSON (a commit or a snapshot) could not be read.
    #[error(transparent)]
    Wire(#[from] WireError),
}

/// `Debug` prints the message (see the module docs): one impl per error type, here, so the choice is made once.
macro_rules! debug_is_display {
    ($($ty:ident $(<$($param:ident),+>)?),+ $(,)?) => {$(
        impl$(<$($param: fmt::Display),+>)? fmt::Debug for $ty$(<$($param),+>)? {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self, f)
            }
        }
    )+};
}

debug_is_display!(
    Error,
    IdError,
    MoneyError,
    StreamError,
    BatchError<E>,
    CustomerError,
    PhoneError,
    CareError,
    CalendarError,
    ServiceError,
    MetricsError,
    StatsError,
    PercentileError,
    LifecycleError,
    LoyaltyError,
    InvalidFraction,
    WalletError,
    LocaleError,
    LabelError,
    ParseLotIdError,
    LedgerError<U>,
    InvariantViolation,
    AppendError<S>,
    SubmitError<D, S>,
    ConformanceFailure,
    WireError,
    FormatError,
);
