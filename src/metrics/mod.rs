//! Survey metrics: NPS, CSAT and CES with honest statistics.
//!
//! - **Typed scores.** [`NpsScore`] (0–10), [`CsatScore`] on a declared [`CsatScale`] (1–5 by default, binary
//!   good/bad, Help Scout's three-point), [`CesScore`] on a [`CesScale`] (CES 2.0, 1–7, higher is easier; the
//!   legacy 1–5 effort scale, lower is easier). The kind of score is part of a tally's type; the exact scale is
//!   checked whenever two tallies meet, so means of different scales never mix.
//! - **Responses** ([`Response`]) carry a [`Weight`], a channel, an agent or team, a segment key and a time.
//! - **Tallies** ([`NpsTally`], [`CsatTally`], [`CesTally`]) keep exact integer counts and fixed-point weight sums
//!   per answer, so partial tallies from shards, days or stores [`merge`](Tally::merge) in any order with
//!   bit-identical results. Moments and shares are derived when an estimate is asked for.
//! - **Estimates** ([`Estimate`]) carry value, n, the effective n, standard error, interval, level, method,
//!   the weighting's variance method and warnings: [`NpsTally::nps`] (adjusted Wald by default; Wald, Wald with
//!   n − 1 and the iterative score interval available), [`Tally::top_box`] (CSAT satisfied, CES agree; Wilson by
//!   default, Clopper–Pearson, Agresti–Coull and Wald available), [`Tally::net_top_box`] (Help Scout's happiness
//!   score), [`Tally::mean`] (t interval). Weighted tallies use Kish's effective n, or the linearized (Taylor)
//!   variance through [`Tally::net_sample_with`] and its siblings.
//! - **Tests and comparisons**: [`NpsTally::nps_test`] against a target; between periods or segments
//!   [`Tally::compare_nps`](NpsTally::compare_nps) (z test) and [`NpsTally::compare_nps_by`] (also adjusted
//!   Wald), [`Tally::compare_top_box`] (Newcombe), [`Tally::compare_mean`] (Welch); adjust many p-values with
//!   [`stats::adjust_p_values`](crate::stats::adjust_p_values).
//! - **Breakdowns** ([`Breakdown`]) by segment, channel, agent or any key, and by [`Period`] (day, ISO week,
//!   month, quarter) in a named IANA zone; [`response_rate`] against surveys sent; sample-size planning in
//!   [`stats`](crate::stats::sample_size_for_net).
//!
//! Units: NPS and net top-box are in points (−100 to 100), shares are fractions (0 to 1), means are on the
//! answer scale. Nothing is rounded: round only when displaying, and never subtract rounded shares.
//!
//! ```
//! use customer_care::metrics::{CsatScale, CsatTally, NpsTally};
//! use customer_care::stats::{ConfidenceLevel, NetMethod, ProportionMethod};
//!
//! let level = ConfidenceLevel::default();
//! let mut nps = NpsTally::default();
//! nps.add_values(&[10, 9, 9, 8, 7, 7, 6, 4, 10, 9])?;
//! let e = nps.nps(level, NetMethod::AdjustedWald)?;
//! // The value with its interval (far from symmetric with ten answers), flagged as a thin sample.
//! assert_eq!(format!("NPS {:.0}", e.with_interval()), "NPS 30 [-19, 65]");
//! assert!(e.is_thin());
//!
//! let mut csat = CsatTally::new(CsatScale::FIVE_POINT);
//! csat.add_values(&[5, 5, 4, 3, 5])?;
//! assert_eq!(csat.top_box(level, ProportionMethod::Wilson)?.value(), 0.8);
//! # Ok::<(), customer_care::Error>(())
//! ```

mod breakdown;
mod error;
mod response;
mod scale;
mod tally;

pub use breakdown::{Breakdown, Period, TimeBucket};
pub use error::MetricsError;
pub use response::{LABEL_MAX_CHARS, Label, Response, WEIGHT_MAX, WEIGHT_SCALE, Weight};
pub use scale::{
    CesScale, CesScore, CsatScale, CsatScore, Direction, MAX_LEVELS, NpsCategory, NpsScale, NpsScore, Scale, Score,
};
pub use tally::{CesTally, CsatTally, NpsTally, Tally};

use crate::stats::{ConfidenceLevel, Estimate, ProportionMethod, ProportionSample, proportion};

/// The response rate `responses / sent` with its interval (Wilson by default): a fraction in [0, 1].
///
/// # Errors
///
/// [`MetricsError::ResponsesExceedSent`] when `responses > sent`;
/// [`StatsError::EmptySample`](crate::stats::StatsError::EmptySample) (wrapped) when nothing was sent.
///
/// ```
/// use customer_care::metrics::response_rate;
/// use customer_care::stats::{ConfidenceLevel, ProportionMethod};
///
/// let rate = response_rate(120, 1000, ConfidenceLevel::default(), ProportionMethod::Wilson)?;
/// assert_eq!(rate.value(), 0.12);
/// assert!(response_rate(5, 4, ConfidenceLevel::default(), ProportionMethod::Wilson).is_err());
/// # Ok::<(), customer_care::metrics::MetricsError>(())
/// ```
pub fn response_rate(
    responses: u64,
    sent: u64,
    level: ConfidenceLevel,
    method: ProportionMethod,
) -> Result<Estimate, MetricsError> {
    if responses > sent {
        return Err(MetricsError::ResponsesExceedSent { responses, sent });
    }
    Ok(proportion(&ProportionSample::from_counts(responses, sent)?, level, method)?)
}
