//! Customer records.

use serde::{Deserialize, Serialize};

/// Why a customer command or value was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[non_exhaustive]
pub enum CustomerError {
    /// Placeholder.
    #[error("placeholder")]
    Placeholder,
}
