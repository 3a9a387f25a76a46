//! Lifecycle: where each customer stands, by rules anyone can read, by RFM segments, and by buy-till-you-die models.
//!
//! - [`summary`]: from a purchase log `(customer, day, amount)` to per-customer [`CustomerSummary`] values
//!   (frequency, recency, age T, mean repeat spend) in a [`TimeUnit`] carried alongside, a calibration/holdout split,
//!   and [`FitData`]: identical summaries compressed into weighted patterns.
//! - [`models`]: [`BgNbd`], [`ModifiedBgNbd`] and [`ParetoNbd`] fitted by maximum likelihood ([`FitReport`] with
//!   the full log-likelihood, standard errors, iterations); P(alive), expected purchases, P(no purchase).
//! - [`spend`]: the [`GammaGamma`] spend model and customer lifetime value over a typed horizon
//!   ([`ClvSettings`]).
//! - [`rfm`]: RFM scores by frozen quantiles or absolute thresholds, and validated segment maps.
//! - [`stage`]: [`LifecyclePolicy`] → [`Stage`] with the [`Reason`]s that led to it.
//!
//! Everything is pure: no clock (the observation end and `as_of` are arguments), no randomness (fits start from a
//! fixed point and are deterministic), no I/O.
//!
//! ```
//! use chrono::NaiveDate;
//! use customer_care::lifecycle::{summarize, BgNbd, CustomerSummary, PurchaseModel, Span, TimeUnit};
//! use rust_decimal::Decimal;
//!
//! let december: NaiveDate = "2025-12-31".parse()?;
//! let day = |d: u64| december + chrono::Days::new(d); // day(1) is 1 January 2026
//! let log = vec![
//!     ("ann", day(1), Decimal::new(20, 0)),
//!     ("ann", day(8), Decimal::new(25, 0)),
//!     ("ann", day(8), Decimal::new(5, 0)), // same day: merged
//!     ("bob", day(3), Decimal::new(40, 0)),
//! ];
//! let summaries = summarize(&log, TimeUnit::Day, day(31))?;
//! let ann = summaries.get(&"ann").ok_or("no summary for ann")?;
//! assert_eq!((ann.frequency(), ann.recency(), ann.age()), (1, 7.0, 30.0));
//! assert_eq!(ann.monetary_value(), Decimal::new(30, 0));
//!
//! // A model in weeks (CDNOW, Fader, Hardie & Lee 2005): predictions refuse horizons in another unit.
//! let model = BgNbd::new(0.243, 4.414, 0.793, 2.426, TimeUnit::Week)?;
//! let customer_1 = CustomerSummary::new(2, 30.43, 38.86, TimeUnit::Week)?;
//! let expected = model.expected_purchases(&customer_1, Span::weeks(39.0)?)?;
//! assert!((expected - 1.226).abs() < 0.0005);
//! assert!(model.expected_purchases(&customer_1, Span::days(273.0)?).is_err());
//! assert!(model.p_alive(&ann).is_err()); // a summary in days
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
pub mod models;
mod optimize;
pub mod rfm;
mod span;
mod special;
pub mod spend;
pub mod stage;
pub mod summary;

pub use error::LifecycleError;
pub use models::{
    BgBb, BgBbReport, BgNbd, Convergence, Estimate, FitOptions, FitReport, ModifiedBgNbd, OpportunityHistory,
    ParetoNbd, Prediction, PurchaseModel,
};
pub use rfm::{RfmInput, RfmScore, RfmScorer, SegmentMap, SegmentRule, TiePolicy};
pub use span::{Span, TimeUnit};
pub use spend::{ClvSettings, GammaGamma};
pub use stage::{Activity, Classification, LifecyclePolicy, PolicyConfig, Reason, Stage, StageSince};
pub use summary::{
    AsPurchase, CustomerSummary, FitData, Holdout, Pattern, Purchase, Summaries, summarize, summarize_holdout,
};
