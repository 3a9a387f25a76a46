//! Statistics shared by the survey and service metrics.
pub mod percentile;
