//! Service KPIs from ticket event logs.

use serde::{Deserialize, Serialize};

/// Why a ticket event log, a service policy or a service metric input was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ServiceError {
    /// Placeholder.
    #[error("placeholder")]
    Placeholder,
}
