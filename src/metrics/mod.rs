//! Survey metrics.

/// Placeholder.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum MetricsError {
    /// Placeholder.
    #[error("placeholder")]
    Placeholder,
}
