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

use serde::{Deserialize, Serialize};

use crate::calendar::CalendarError;
use crate::care::CareError;
use crate::customer::CustomerError;
use crate::id::IdError;
use crate::lifecycle::LifecycleError;
use crate::locale::LocaleError;
use crate::loyalty::LoyaltyError;
use crate::metrics::MetricsError;
use crate::money::MoneyError;
use crate::service::ServiceError;
use crate::stats::StatsError;
use crate::stream::StreamError;
use crate::wallet::WalletError;

/// Any error this crate can return.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
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
}
