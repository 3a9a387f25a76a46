//! Helpers shared by the statistics module's unit tests.

use super::level::ConfidenceLevel;

/// 95 %.
pub(super) fn level() -> ConfidenceLevel {
    ConfidenceLevel::default()
}

/// Asserts `|a − b| ≤ tol`, printing both.
#[track_caller]
pub(super) fn close(a: f64, b: f64, tol: f64) {
    assert!((a - b).abs() <= tol, "{a} vs {b}");
}
