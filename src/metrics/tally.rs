//! Mergeable tallies of survey scores and the estimates drawn from them.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::error::MetricsError;
use super::response::{Response, WEIGHT_MAX_NANOS, WEIGHT_SCALE, Weight};
use super::scale::{CesScore, CsatScore, MAX_LEVELS, NpsScore, Scale, Score};
use crate::stats::{
    Comparison, ConfidenceLevel, Estimate, MeanSample, NetMethod, NetSample, ProportionMethod, ProportionSample,
    StatsError, VarianceMethod, mean_difference, net_difference, net_difference_by, net_share, net_share_test,
    proportion, proportion_difference,
};

/// `WEIGHT_SCALE²`: the fixed-point unit of squared weights.
const WEIGHT_SCALE_SQ: u128 = (WEIGHT_SCALE as u128) * (WEIGHT_SCALE as u128);

/// A mergeable tally of scores on one scale: per answer, the number of responses, the sum of their weights and
/// the sum of their squared weights, all exact integers (weights in fixed point, see [`Weight`]).
///
/// Because every accumulator is an integer, [`merge`](Self::merge) is exactly associative and commutative:
/// tallies built per shard, per day or per store and merged in any order equal the tally of everything at once,
/// bit for bit. Moments (mean, variance) and shares are derived from the per-answer sums when an estimate is
/// asked for, so no floating-point state accumulates. Serializable; deserialization validates.
///
/// The kind of score is part of the type ([`NpsTally`], [`CsatTally`], [`CesTally`]); the exact scale (CSAT
/// points, CES version) is checked whenever two tallies meet, with [`MetricsError::ScaleMismatch`].
///
/// ```
/// use customer_care::metrics::{NpsScore, NpsTally};
/// use customer_care::stats::{ConfidenceLevel, NetMethod};
///
/// let mut monday = NpsTally::default();
/// monday.add_values(&[10, 9, 9, 8, 7, 6, 3])?;
/// let mut tuesday = NpsTally::default();
/// tuesday.add(NpsScore::new(10)?)?;
/// monday.merge(&tuesday)?;
/// assert_eq!((monday.promoters(), monday.passives(), monday.detractors()), (4, 2, 2));
/// let nps = monday.nps(ConfidenceLevel::default(), NetMethod::AdjustedWald)?;
/// assert_eq!(nps.value(), 25.0);
/// # Ok::<(), customer_care::Error>(())
/// ```
pub struct Tally<S: Score> {
    scale: S::Scale,
    levels: [Level; MAX_LEVELS],
}

/// The accumulators of one answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Level {
    /// Responses.
    count: u64,
    /// Σw in units of 1e-9.
    weight: u128,
    /// Σw² in units of 1e-18.
    weight_sq: u128,
}

impl Level {
    /// `count` responses of weight 1.
    fn unweighted(count: u64) -> Result<Self, MetricsError> {
        let c = u128::from(count);
        Ok(Self {
            count,
            weight: c.checked_mul(u128::from(WEIGHT_SCALE)).ok_or_else(|| overflow("weight sum"))?,
            weight_sq: c.checked_mul(WEIGHT_SCALE_SQ).ok_or_else(|| overflow("squared weight sum"))?,
        })
    }

    /// One response of weight `w`.
    fn one(w: Weight) -> Self {
        let w = u128::from(w.nanos());
        // w ≤ 1e15, so w² ≤ 1e30 fits.
        Self { count: 1, weight: w, weight_sq: w * w }
    }

    /// Adds without branching; the flag reports whether any accumulator wrapped.
    fn overflowing_add(self, other: Self) -> (Self, bool) {
        let (count, a) = self.count.overflowing_add(other.count);
        let (weight, b) = self.weight.overflowing_add(other.weight);
        let (weight_sq, c) = self.weight_sq.overflowing_add(other.weight_sq);
        (Self { count, weight, weight_sq }, a | b | c)
    }

    fn checked_add(self, other: Self) -> Result<Self, MetricsError> {
        Ok(Self {
            count: self.count.checked_add(other.count).ok_or_else(|| overflow("response count"))?,
            weight: self.weight.checked_add(other.weight).ok_or_else(|| overflow("weight sum"))?,
            weight_sq: self.weight_sq.checked_add(other.weight_sq).ok_or_else(|| overflow("squared weight sum"))?,
        })
    }

    fn is_unit_weighted(&self) -> bool {
        Self::unweighted(self.count).is_ok_and(|u| u == *self)
    }
}

/// A tally of NPS answers.
pub type NpsTally = Tally<NpsScore>;
/// A tally of CSAT answers on one [`CsatScale`](super::CsatScale).
pub type CsatTally = Tally<CsatScore>;
/// A tally of customer effort answers on one [`CesScale`](super::CesScale).
pub type CesTally = Tally<CesScore>;

impl<S: Score> Clone for Tally<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S: Score> Copy for Tally<S> {}

impl<S: Score> PartialEq for Tally<S> {
    fn eq(&self, other: &Self) -> bool {
        self.scale == other.scale && self.levels == other.levels
    }
}

impl<S: Score> Eq for Tally<S> {}

impl<S: Score> fmt::Debug for Tally<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scale: Scale = self.scale.into();
        let levels: Vec<&Level> = self.levels.iter().take(scale.levels()).collect();
        f.debug_struct("Tally").field("scale", &scale).field("levels", &levels).finish()
    }
}

impl<S: Score> Default for Tally<S>
where
    S::Scale: Default,
{
    fn default() -> Self {
        Self::new(S::Scale::default())
    }
}

fn overflow(what: &str) -> MetricsError {
    MetricsError::TallyOverflow { what: what.to_owned() }
}

/// Smallest and largest byte, written so the compiler keeps 32 running minima and maxima in vector registers.
fn min_max(values: &[u8]) -> (u8, u8) {
    const LANES: usize = 32;
    let mut lo = [u8::MAX; LANES];
    let mut hi = [0_u8; LANES];
    let mut chunks = values.chunks_exact(LANES);
    for chunk in &mut chunks {
        for ((l, h), &v) in lo.iter_mut().zip(hi.iter_mut()).zip(chunk) {
            *l = (*l).min(v);
            *h = (*h).max(v);
        }
    }
    let mut min = chunks.remainder().iter().copied().fold(u8::MAX, u8::min);
    let mut max = chunks.remainder().iter().copied().fold(0, u8::max);
    for (&l, &h) in lo.iter().zip(&hi) {
        min = min.min(l);
        max = max.max(h);
    }
    (min, max)
}

/// Counts the bytes equal to 0, 1, …, 10 (callers have checked that every byte is at most 10).
///
/// Compare-and-accumulate: for each block of 16 bytes and each answer, add `byte == answer` (0 or 1) to a lane
/// of 8-bit counters; counters are flushed to 64 bits every 255 blocks, before they can wrap. There is no
/// data-dependent memory access (unlike a histogram's `counts[byte] += 1`, whose stores to the same slot
/// serialize), so the loop runs in SIMD registers on any x86-64 or AArch64 baseline.
fn count_levels(values: &[u8], counts: &mut [u64; MAX_LEVELS]) {
    const LANES: usize = 16;
    const BLOCKS: usize = 255;
    let mut batches = values.chunks_exact(LANES * BLOCKS);
    for batch in &mut batches {
        let mut acc = [[0_u8; LANES]; MAX_LEVELS - 1];
        for block in batch.chunks_exact(LANES) {
            for (answer, lane) in acc.iter_mut().enumerate() {
                for (a, &v) in lane.iter_mut().zip(block) {
                    *a += u8::from(v == answer as u8);
                }
            }
        }
        let mut seen = 0_u64;
        for (count, lane) in counts.iter_mut().zip(&acc) {
            let sum: u64 = lane.iter().map(|&a| u64::from(a)).sum();
            *count += sum;
            seen += sum;
        }
        // The last answer is whatever the others are not.
        counts[MAX_LEVELS - 1] += (LANES * BLOCKS) as u64 - seen;
    }
    for &v in batches.remainder() {
        if let Some(count) = counts.get_mut(usize::from(v)) {
            *count += 1;
        }
    }
}

impl<S: Score> Tally<S> {
    /// An empty tally on `scale`.
    pub const fn new(scale: S::Scale) -> Self {
        Self { scale, levels: [Level { count: 0, weight: 0, weight_sq: 0 }; MAX_LEVELS] }
    }

    /// The scale's own type (for CSAT, the declared [`CsatScale`](super::CsatScale)).
    pub const fn scale_spec(&self) -> S::Scale {
        self.scale
    }

    /// The scale.
    pub fn scale(&self) -> Scale {
        self.scale.into()
    }

    fn same_scale(&self, other: S::Scale) -> Result<(), MetricsError> {
        if self.scale == other {
            Ok(())
        } else {
            Err(MetricsError::ScaleMismatch { left: self.scale.into(), right: other.into() })
        }
    }

    fn index(&self, value: u8) -> Result<usize, MetricsError> {
        let scale = self.scale();
        if scale.contains(value) {
            Ok(usize::from(value - scale.lowest()))
        } else {
            Err(MetricsError::ScoreOutOfScale { value, scale })
        }
    }

    /// Adds one response with weight 1.
    ///
    /// # Errors
    ///
    /// [`MetricsError::ScaleMismatch`] when the score is on another scale; [`MetricsError::TallyOverflow`] when a
    /// counter would overflow (the tally is then unchanged).
    pub fn add(&mut self, score: S) -> Result<(), MetricsError> {
        self.add_weighted(score, Weight::ONE)
    }

    /// Adds one response with a weight.
    ///
    /// # Errors
    ///
    /// As [`add`](Self::add).
    pub fn add_weighted(&mut self, score: S, weight: Weight) -> Result<(), MetricsError> {
        self.same_scale(score.scale())?;
        let i = self.index(score.value())?;
        let scale = self.scale();
        let slot =
            self.levels.get_mut(i).ok_or_else(|| MetricsError::ScoreOutOfScale { value: score.value(), scale })?;
        *slot = slot.checked_add(Level::one(weight))?;
        Ok(())
    }

    /// Adds a response (its score and weight; the other fields are for breakdowns).
    ///
    /// # Errors
    ///
    /// As [`add`](Self::add).
    pub fn add_response(&mut self, response: &Response<S>) -> Result<(), MetricsError> {
        self.add_weighted(response.score(), response.weight())
    }

    /// Adds unweighted answers given as raw values on this tally's scale (0–10 for NPS, 1–5 for the default CSAT):
    /// the bulk path, memory-bound (billions of answers per second). All values are checked before any is
    /// counted.
    ///
    /// # Errors
    ///
    /// [`MetricsError::ScoreOutOfScale`] naming the largest (or smallest) offending value, with the tally
    /// unchanged; [`MetricsError::TallyOverflow`] as for [`add`](Self::add).
    pub fn add_values(&mut self, values: &[u8]) -> Result<(), MetricsError> {
        if values.is_empty() {
            return Ok(());
        }
        let scale = self.scale();
        let (lo, hi) = min_max(values);
        if hi > scale.highest() {
            return Err(MetricsError::ScoreOutOfScale { value: hi, scale });
        }
        if lo < scale.lowest() {
            return Err(MetricsError::ScoreOutOfScale { value: lo, scale });
        }
        let mut raw = [0_u64; MAX_LEVELS];
        count_levels(values, &mut raw);
        let mut next = *self;
        for (slot, &c) in next.levels.iter_mut().zip(raw.iter().skip(usize::from(scale.lowest()))) {
            *slot = slot.checked_add(Level::unweighted(c)?)?;
        }
        *self = next;
        Ok(())
    }

    /// Builds a tally from responses.
    ///
    /// # Errors
    ///
    /// As [`add`](Self::add), for the first response that fails.
    pub fn from_responses<'a>(
        scale: S::Scale,
        responses: impl IntoIterator<Item = &'a Response<S>>,
    ) -> Result<Self, MetricsError>
    where
        S: 'a,
    {
        let mut tally = Self::new(scale);
        for r in responses {
            tally.add_response(r)?;
        }
        Ok(tally)
    }

    /// Adds another tally into this one. Exact: the order of merges never matters.
    ///
    /// # Errors
    ///
    /// [`MetricsError::ScaleMismatch`] for tallies on different scales; [`MetricsError::TallyOverflow`] when a
    /// counter would overflow. Either way this tally is unchanged.
    pub fn merge(&mut self, other: &Self) -> Result<(), MetricsError> {
        self.same_scale(other.scale)?;
        let mut next = self.levels;
        let mut wrapped = false;
        for (slot, theirs) in next.iter_mut().zip(&other.levels) {
            let (sum, w) = slot.overflowing_add(*theirs);
            *slot = sum;
            wrapped |= w;
        }
        if wrapped {
            // Name the accumulator that would overflow.
            for (mine, theirs) in self.levels.iter().zip(&other.levels) {
                mine.checked_add(*theirs)?;
            }
        }
        self.levels = next;
        Ok(())
    }

    /// Number of responses.
    pub fn n(&self) -> u64 {
        // Each count is a sum of non-overflowing adds; the total saturates rather than wraps.
        self.levels.iter().fold(0_u64, |a, l| a.saturating_add(l.count))
    }

    /// Whether there are no responses.
    pub fn is_empty(&self) -> bool {
        self.levels.iter().all(|l| l.count == 0)
    }

    /// Number of responses with this answer (0 for values off the scale).
    pub fn count(&self, value: u8) -> u64 {
        self.index(value).ok().and_then(|i| self.levels.get(i)).map_or(0, |l| l.count)
    }

    /// `(answer, responses)` for every answer on the scale, lowest first.
    pub fn counts(&self) -> Vec<(u8, u64)> {
        let scale = self.scale();
        (scale.lowest()..=scale.highest()).zip(self.levels.iter().map(|l| l.count)).collect()
    }

    /// The sum of the weights.
    pub fn total_weight(&self) -> f64 {
        self.weight_sum() as f64 / WEIGHT_SCALE as f64
    }

    /// Whether any response has a weight other than 1.
    pub fn is_weighted(&self) -> bool {
        !self.levels.iter().all(Level::is_unit_weighted)
    }

    /// Kish's effective sample size `(Σw)² / Σw²`, between 1 and [`n`](Self::n); equals `n` when unweighted, 0
    /// when empty or when every weight is zero.
    pub fn effective_n(&self) -> f64 {
        let sum = self.weight_sum() as f64;
        let sq = self.levels.iter().fold(0_u128, |a, l| a.saturating_add(l.weight_sq)) as f64;
        if sq > 0.0 { (sum * sum / sq).clamp(1.0, self.n() as f64) } else { 0.0 }
    }

    fn totals(&self) -> Result<(u64, f64, u128), MetricsError> {
        let n = self.n();
        if n == 0 {
            return Err(StatsError::EmptySample.into());
        }
        let total = self.weight_sum();
        if total == 0 {
            return Err(MetricsError::ZeroTotalWeight { n });
        }
        Ok((n, self.effective_n(), total))
    }

    fn weight_between(&self, (lo, hi): (u8, u8)) -> u128 {
        let min = self.scale().lowest();
        let (skip, take) = (usize::from(lo.saturating_sub(min)), usize::from(hi.saturating_sub(lo)) + 1);
        self.levels.iter().skip(skip).take(take).fold(0_u128, |a, l| a.saturating_add(l.weight))
    }

    /// Σw over all answers (saturating: each answer's sum fits, and eleven of them cannot reach 2¹²⁸ in
    /// practice).
    fn weight_sum(&self) -> u128 {
        self.levels.iter().fold(0_u128, |a, l| a.saturating_add(l.weight))
    }

    /// The (weighted) share of the favourable answers ("top box": CSAT satisfied, CES agree, NPS promoters), as a
    /// [`ProportionSample`] for [`stats`](crate::stats), with Kish's effective size.
    ///
    /// # Errors
    ///
    /// [`MetricsError::Stats`] with [`StatsError::EmptySample`] for an empty tally;
    /// [`MetricsError::ZeroTotalWeight`] when every weight is zero.
    pub fn top_box_sample(&self) -> Result<ProportionSample, MetricsError> {
        self.top_box_sample_with(VarianceMethod::Kish)
    }

    /// As [`top_box_sample`](Self::top_box_sample), with the effective size from `variance`: Kish's, or the
    /// one that gives the linearized variance of the weighted share (see [`VarianceMethod::Linearized`]).
    /// Estimates from the sample name the method.
    ///
    /// # Errors
    ///
    /// As [`top_box_sample`](Self::top_box_sample).
    pub fn top_box_sample_with(&self, variance: VarianceMethod) -> Result<ProportionSample, MetricsError> {
        let (n, n_eff, total) = self.totals()?;
        let favourable = self.scale().favourable();
        let p = self.weight_between(favourable) as f64 / total as f64;
        let n_eff = match variance {
            VarianceMethod::Linearized => {
                self.linearized_n(|x| f64::from(u8::from((favourable.0..=favourable.1).contains(&x))), p * (1.0 - p))
            }
            _ => n_eff,
        };
        Ok(ProportionSample::weighted(p, n, n_eff)?.with_variance_method(variance))
    }

    /// The (weighted) shares of the favourable and unfavourable answers, as a [`NetSample`] with Kish's effective
    /// size.
    ///
    /// # Errors
    ///
    /// As [`top_box_sample`](Self::top_box_sample).
    pub fn net_sample(&self) -> Result<NetSample, MetricsError> {
        self.net_sample_with(VarianceMethod::Kish)
    }

    /// As [`net_sample`](Self::net_sample), with the effective size from `variance` (see
    /// [`top_box_sample_with`](Self::top_box_sample_with)); the net score is +1, 0 or −1 per answer.
    ///
    /// ```
    /// use customer_care::metrics::{NpsScore, NpsTally, Weight};
    /// use customer_care::stats::{net_share, ConfidenceLevel, NetMethod, VarianceMethod};
    ///
    /// let mut tally = NpsTally::default();
    /// for (score, weight) in [(10, 1.0), (9, 2.0), (9, 0.5), (8, 1.0), (7, 3.0), (3, 2.0), (10, 1.0), (7, 1.5), (0, 0.5), (9, 2.0)] {
    ///     tally.add_weighted(NpsScore::new(score)?, Weight::new(weight)?)?;
    /// }
    /// let sample = tally.net_sample_with(VarianceMethod::Linearized)?;
    /// let e = net_share(&sample, ConfidenceLevel::default(), NetMethod::Wald)?;
    /// // samplics TaylorEstimator("mean") on the scores +1/0/−1 with these weights: SE 0.26437108435437645.
    /// assert!((e.standard_error() - 0.264_371_084_354_376_45).abs() < 1e-12);
    /// assert_eq!(e.variance_method(), VarianceMethod::Linearized);
    /// # Ok::<(), customer_care::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`top_box_sample`](Self::top_box_sample).
    pub fn net_sample_with(&self, variance: VarianceMethod) -> Result<NetSample, MetricsError> {
        let (n, n_eff, total) = self.totals()?;
        let scale = self.scale();
        let (up, down) = (scale.favourable(), scale.unfavourable());
        let top = self.weight_between(up) as f64 / total as f64;
        let bottom = self.weight_between(down) as f64 / total as f64;
        let n_eff = match variance {
            VarianceMethod::Linearized => {
                let net = top - bottom;
                let score = |x: u8| {
                    f64::from(u8::from((up.0..=up.1).contains(&x)))
                        - f64::from(u8::from((down.0..=down.1).contains(&x)))
                };
                self.linearized_n(score, top + bottom - net * net)
            }
            _ => n_eff,
        };
        Ok(NetSample::weighted(top, bottom, n, n_eff)?.with_variance_method(variance))
    }

    /// The (weighted) mean and sample variance of the answers, as a [`MeanSample`] bounded by the scale. The
    /// variance is `Σ wᵢ(xᵢ − x̄)²/Σw · n_eff/(n_eff − 1)` (the usual sample variance when unweighted; 0 when
    /// `n_eff ≤ 1`).
    ///
    /// # Errors
    ///
    /// As [`top_box_sample`](Self::top_box_sample).
    pub fn mean_sample(&self) -> Result<MeanSample, MetricsError> {
        self.mean_sample_with(VarianceMethod::Kish)
    }

    /// As [`mean_sample`](Self::mean_sample), with the effective size from `variance`: for
    /// [`VarianceMethod::Linearized`], `n_eff = 1 + σ²_w/v` with `σ²_w = Σ wᵢ(xᵢ − x̄)²/Σw` and `v` the linearized
    /// variance of the weighted mean, so that the t interval's `s²/n_eff` is `v` (and `n` when unweighted).
    ///
    /// # Errors
    ///
    /// As [`top_box_sample`](Self::top_box_sample).
    pub fn mean_sample_with(&self, variance: VarianceMethod) -> Result<MeanSample, MetricsError> {
        let (n, n_eff, total) = self.totals()?;
        let scale = self.scale();
        let total = total as f64;
        let answers = (scale.lowest()..=scale.highest()).zip(self.levels.iter().map(|l| l.weight));
        let mean: f64 = answers.clone().map(|(x, w)| f64::from(x) * (w as f64 / total)).sum();
        let mean = mean.clamp(f64::from(scale.lowest()), f64::from(scale.highest()));
        let spread: f64 = answers.map(|(x, w)| (w as f64 / total) * (f64::from(x) - mean).powi(2)).sum();
        let n_eff = match variance {
            // s²/n_eff = spread/(n_eff − 1) = v.
            VarianceMethod::Linearized => match self.linearized_variance(f64::from) {
                Some(v) if spread > 0.0 => (1.0 + spread / v).clamp(1.0, n as f64),
                _ => n_eff,
            },
            _ => n_eff,
        };
        let variance_value = if n_eff > 1.0 { spread * n_eff / (n_eff - 1.0) } else { 0.0 };
        Ok(MeanSample::new(n, n_eff, mean, variance_value)?
            .within(f64::from(scale.lowest()), f64::from(scale.highest()))?
            .with_variance_method(variance))
    }

    /// The linearized (Taylor) variance of the weighted mean of `y` (a function of the answer),
    /// `v = n/(n − 1) · Σ w²(y − ȳ)² / (Σw)²`, from the exact per-answer sums of weights and squared weights;
    /// `None` when it is 0 or undefined (one response).
    fn linearized_variance(&self, y: impl Fn(u8) -> f64) -> Option<f64> {
        let n = self.n() as f64;
        let total = self.weight_sum() as f64;
        if n < 2.0 || total <= 0.0 {
            return None;
        }
        let scale = self.scale();
        let answers = (scale.lowest()..=scale.highest()).zip(self.levels.iter());
        let mean: f64 = answers.clone().map(|(x, l)| y(x) * (l.weight as f64 / total)).sum();
        // Σ w²(y − ȳ)² / (Σw)², both sums in units of 1e-18.
        let spread: f64 =
            answers.map(|(x, l)| (l.weight_sq as f64 / total) * (y(x) - mean).powi(2)).sum::<f64>() / total;
        let v = n / (n - 1.0) * spread;
        (v > 0.0 && v.is_finite()).then_some(v)
    }

    /// The effective size that makes `unit / n_eff` the linearized variance of the weighted mean of `y`, within
    /// [1, n]; Kish's when that variance or `unit` is 0.
    fn linearized_n(&self, y: impl Fn(u8) -> f64, unit: f64) -> f64 {
        match self.linearized_variance(y) {
            Some(v) if unit > 0.0 => (unit / v).clamp(1.0, self.n() as f64),
            _ => self.effective_n(),
        }
    }

    /// The share of favourable answers with its interval (a fraction in [0, 1]): CSAT top-box, CES % agree, NPS
    /// share of promoters. Wilson by default (see [`stats::proportion`](crate::stats::proportion)).
    ///
    /// # Errors
    ///
    /// As [`top_box_sample`](Self::top_box_sample).
    pub fn top_box(&self, level: ConfidenceLevel, method: ProportionMethod) -> Result<Estimate, MetricsError> {
        Ok(proportion(&self.top_box_sample()?, level, method)?)
    }

    /// Net top-box in points (−100 to 100): percent favourable minus percent unfavourable (NPS; Help Scout's
    /// happiness score on [`CsatScale::THREE_POINT`](super::CsatScale::THREE_POINT)). Adjusted Wald by default
    /// (see [`stats::net_share`](crate::stats::net_share)).
    ///
    /// # Errors
    ///
    /// As [`top_box_sample`](Self::top_box_sample).
    pub fn net_top_box(&self, level: ConfidenceLevel, method: NetMethod) -> Result<Estimate, MetricsError> {
        Ok(net_share(&self.net_sample()?, level, method)?.scaled(100.0)?)
    }

    /// The mean answer with its t interval, clamped to the scale (see [`stats::mean`](crate::stats::mean)).
    ///
    /// # Errors
    ///
    /// As [`top_box_sample`](Self::top_box_sample), and [`StatsError::TooFewObservations`] (wrapped) when the
    /// effective sample size is 1 or less.
    pub fn mean(&self, level: ConfidenceLevel) -> Result<Estimate, MetricsError> {
        Ok(crate::stats::mean(&self.mean_sample()?, level)?)
    }

    /// Compares the top-box shares of two tallies on the same scale: `self − other`, Newcombe's interval and a
    /// pooled z test (see [`stats::proportion_difference`](crate::stats::proportion_difference)).
    ///
    /// # Errors
    ///
    /// [`MetricsError::ScaleMismatch`], or as [`top_box_sample`](Self::top_box_sample) for either tally.
    pub fn compare_top_box(&self, other: &Self, level: ConfidenceLevel) -> Result<Comparison, MetricsError> {
        self.same_scale(other.scale)?;
        Ok(proportion_difference(&self.top_box_sample()?, &other.top_box_sample()?, level)?)
    }

    /// Compares net top-box scores (NPS) of two tallies on the same scale, in points: `self − other`, Wald
    /// interval and z test (see [`stats::net_difference`](crate::stats::net_difference)).
    ///
    /// # Errors
    ///
    /// [`MetricsError::ScaleMismatch`], or as [`top_box_sample`](Self::top_box_sample) for either tally.
    pub fn compare_net_top_box(&self, other: &Self, level: ConfidenceLevel) -> Result<Comparison, MetricsError> {
        self.same_scale(other.scale)?;
        Ok(net_difference(&self.net_sample()?, &other.net_sample()?, level)?.scaled(100.0)?)
    }

    /// Compares the mean answers of two tallies on the same scale with Welch's t (see
    /// [`stats::mean_difference`](crate::stats::mean_difference)). Means of different scales are never compared.
    ///
    /// # Errors
    ///
    /// [`MetricsError::ScaleMismatch`], or as [`mean`](Self::mean) for either tally.
    pub fn compare_mean(&self, other: &Self, level: ConfidenceLevel) -> Result<Comparison, MetricsError> {
        self.same_scale(other.scale)?;
        Ok(mean_difference(&self.mean_sample()?, &other.mean_sample()?, level)?)
    }
}

impl Tally<NpsScore> {
    /// Responses answering 9 or 10.
    pub fn promoters(&self) -> u64 {
        self.levels.iter().skip(9).map(|l| l.count).sum()
    }

    /// Responses answering 7 or 8.
    pub fn passives(&self) -> u64 {
        self.levels.iter().skip(7).take(2).map(|l| l.count).sum()
    }

    /// Responses answering 0 to 6.
    pub fn detractors(&self) -> u64 {
        self.levels.iter().take(7).map(|l| l.count).sum()
    }

    /// The Net Promoter Score in points (−100 to 100): percent promoters minus percent detractors, with its
    /// interval ([`NetMethod::AdjustedWald`] is the recommended default).
    ///
    /// # Errors
    ///
    /// As [`Tally::top_box_sample`].
    pub fn nps(&self, level: ConfidenceLevel, method: NetMethod) -> Result<Estimate, MetricsError> {
        self.net_top_box(level, method)
    }

    /// Tests the NPS against a target in points (−100 to 100), such as a quarterly goal: the difference
    /// `NPS − target` in points with the interval of `method` and a two-sided test (see
    /// [`stats::net_share_test`](crate::stats::net_share_test)).
    ///
    /// ```
    /// use customer_care::metrics::NpsTally;
    /// use customer_care::stats::{ConfidenceLevel, NetMethod};
    ///
    /// let mut nps = NpsTally::default();
    /// nps.add_values(&[10; 30])?;
    /// nps.add_values(&[8; 50])?;
    /// nps.add_values(&[3; 20])?;
    /// let test = nps.nps_test(30.0, ConfidenceLevel::default(), NetMethod::Wald)?;
    /// assert!((test.difference().value() + 20.0).abs() < 1e-9); // NPS 10, 20 points below the goal
    /// assert!(test.p_value() < 0.01);
    /// # Ok::<(), customer_care::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Tally::top_box_sample`]; [`StatsError::InvalidArgument`] (wrapped) for a target outside [−100, 100].
    pub fn nps_test(&self, target: f64, level: ConfidenceLevel, method: NetMethod) -> Result<Comparison, MetricsError> {
        if !(-100.0..=100.0).contains(&target) {
            return Err(StatsError::InvalidArgument {
                name: "target NPS".into(),
                value: target.to_string(),
                expected: "within [-100, 100] points".into(),
            }
            .into());
        }
        Ok(net_share_test(&self.net_sample()?, target / 100.0, level, method)?.scaled(100.0)?)
    }

    /// `self − other` in NPS points with the interval and test of `method` (Wald or adjusted Wald; see
    /// [`stats::net_difference_by`](crate::stats::net_difference_by)).
    ///
    /// # Errors
    ///
    /// As [`Tally::top_box_sample`] for either tally; [`StatsError::UnsupportedMethod`] (wrapped) for a
    /// one-sample method.
    pub fn compare_nps_by(
        &self,
        other: &Self,
        level: ConfidenceLevel,
        method: NetMethod,
    ) -> Result<Comparison, MetricsError> {
        Ok(net_difference_by(&self.net_sample()?, &other.net_sample()?, level, method)?.scaled(100.0)?)
    }

    /// `self − other` in NPS points with its z test, as [`Tally::compare_net_top_box`].
    ///
    /// # Errors
    ///
    /// As [`Tally::top_box_sample`] for either tally.
    pub fn compare_nps(&self, other: &Self, level: ConfidenceLevel) -> Result<Comparison, MetricsError> {
        self.compare_net_top_box(other, level)
    }
}

#[derive(Serialize, Deserialize)]
struct TallyRepr<Sc> {
    scale: Sc,
    counts: Vec<u64>,
    /// Absent when every weight is 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    weights: Option<WeightsRepr>,
}

#[derive(Serialize, Deserialize)]
struct WeightsRepr {
    /// Per answer, Σw in units of 1e-9.
    sum: Vec<u128>,
    /// Per answer, Σw² in units of 1e-18.
    sum_sq: Vec<u128>,
}

impl<S: Score> Tally<S> {
    fn to_repr(self) -> TallyRepr<S::Scale> {
        let levels = || self.levels.iter().take(self.scale().levels());
        let weights = self.is_weighted().then(|| WeightsRepr {
            sum: levels().map(|l| l.weight).collect(),
            sum_sq: levels().map(|l| l.weight_sq).collect(),
        });
        TallyRepr { scale: self.scale, counts: levels().map(|l| l.count).collect(), weights }
    }

    fn from_repr(repr: TallyRepr<S::Scale>) -> Result<Self, MetricsError> {
        let mut tally = Self::new(repr.scale);
        let levels = tally.scale().levels();
        let invalid = |reason: String| MetricsError::InvalidTally { reason };
        if repr.counts.len() != levels {
            return Err(invalid(format!("{} counts for {levels} answers", repr.counts.len())));
        }
        let given: Vec<Level> = match &repr.weights {
            None => repr.counts.iter().map(|&c| Level::unweighted(c)).collect::<Result<_, _>>()?,
            Some(w) => {
                if w.sum.len() != levels || w.sum_sq.len() != levels {
                    return Err(invalid(format!("weights for {} answers, expected {levels}", w.sum.len())));
                }
                let max_weight = u128::from(WEIGHT_MAX_NANOS);
                let mut given = Vec::with_capacity(levels);
                for (i, ((&count, &weight), &weight_sq)) in repr.counts.iter().zip(&w.sum).zip(&w.sum_sq).enumerate() {
                    let consistent = if count == 0 {
                        weight == 0 && weight_sq == 0
                    } else {
                        weight <= u128::from(count).saturating_mul(max_weight)
                            && (weight == 0 || weight_sq / weight <= weight)
                            && weight_sq <= weight.saturating_mul(max_weight)
                    };
                    if !consistent {
                        return Err(invalid(format!(
                            "weights inconsistent with {count} responses at answer index {i}"
                        )));
                    }
                    given.push(Level { count, weight, weight_sq });
                }
                given
            }
        };
        for (slot, level) in tally.levels.iter_mut().zip(given) {
            *slot = level;
        }
        Ok(tally)
    }
}

impl<S: Score> Serialize for Tally<S> {
    fn serialize<Se: Serializer>(&self, serializer: Se) -> Result<Se::Ok, Se::Error> {
        self.to_repr().serialize(serializer)
    }
}

impl<'de, S: Score> Deserialize<'de> for Tally<S> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let repr = TallyRepr::<S::Scale>::deserialize(deserializer)?;
        Self::from_repr(repr).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{CesScale, CsatScale};

    #[test]
    fn bulk_counting_matches_one_by_one() {
        let values: Vec<u8> = (0..100_000_u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 7) as u8 % 11).collect();
        let mut bulk = NpsTally::default();
        bulk.add_values(&values).unwrap();
        let mut single = NpsTally::default();
        for &v in &values {
            single.add(NpsScore::new(v).unwrap()).unwrap();
        }
        assert_eq!(bulk, single);
        assert_eq!(bulk.n(), 100_000);
    }

    #[test]
    fn bulk_rejects_off_scale_without_counting() {
        let mut t = NpsTally::default();
        assert_eq!(t.add_values(&[1, 2, 11, 3]), Err(MetricsError::ScoreOutOfScale { value: 11, scale: Scale::Nps }));
        assert!(t.is_empty());
        let mut csat = CsatTally::new(CsatScale::FIVE_POINT);
        assert!(matches!(csat.add_values(&[0, 5]), Err(MetricsError::ScoreOutOfScale { value: 0, .. })));
        csat.add_values(&[1, 5, 5]).unwrap();
        assert_eq!(csat.count(5), 2);
        assert_eq!(csat.counts()[0], (1, 1));
    }

    #[test]
    fn scales_do_not_mix() {
        let mut a = CsatTally::new(CsatScale::FIVE_POINT);
        let b = CsatTally::new(CsatScale::BINARY);
        assert!(matches!(a.merge(&b), Err(MetricsError::ScaleMismatch { .. })));
        assert!(a.add(CsatScore::good()).is_err());
        let ces = CesTally::new(CesScale::Ces2);
        let legacy = CesTally::new(CesScale::Legacy);
        assert!(ces.compare_mean(&legacy, ConfidenceLevel::default()).is_err());
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let mut t = NpsTally::default();
        t.add_values(&[0, 5, 10, 10]).unwrap();
        let json = serde_json::to_string(&t).unwrap();
        assert!(!json.contains("weights"));
        assert_eq!(serde_json::from_str::<NpsTally>(&json).unwrap(), t);
        t.add_weighted(NpsScore::new(9).unwrap(), Weight::new(2.5).unwrap()).unwrap();
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(serde_json::from_str::<NpsTally>(&json).unwrap(), t);
        assert!(serde_json::from_str::<NpsTally>(r#"{"scale":null,"counts":[1,2]}"#).is_err());
        let bad = r#"{"scale":null,"counts":[0,0,0,0,0,0,0,0,0,0,0],
            "weights":{"sum":[1,0,0,0,0,0,0,0,0,0,0],"sum_sq":[1,0,0,0,0,0,0,0,0,0,0]}}"#;
        assert!(serde_json::from_str::<NpsTally>(bad).is_err());
    }

    #[test]
    fn zero_weights_are_an_error_not_a_nan() {
        let mut t = NpsTally::default();
        t.add_weighted(NpsScore::new(9).unwrap(), Weight::new(0.0).unwrap()).unwrap();
        assert_eq!(t.nps(ConfidenceLevel::default(), NetMethod::Wald), Err(MetricsError::ZeroTotalWeight { n: 1 }));
        assert!(NpsTally::default().nps(ConfidenceLevel::default(), NetMethod::Wald).is_err());
    }
}
