//! RFM: recency, frequency and monetary scores from 1 to 5, and segment maps over them.
//!
//! - A [`RfmScorer`] holds four cut points per dimension. [`RfmScorer::fit`] takes them from a population's
//!   quintiles (nearest-rank: each cut is a value that occurs) and then they are frozen, so scoring a new customer
//!   tomorrow gives the same answer as today; [`RfmScorer::with_thresholds`] takes absolute cut points.
//! - Recency is the time since the last purchase (shorter is better, so it scores high); frequency and monetary
//!   score high when large.
//! - Ties are explicit: a value equal to a cut point gets the lower or the higher of the two neighbouring scores
//!   ([`TiePolicy`]). When the whole population shares one value, cuts collapse onto it and that value scores 3
//!   (neither good nor bad) whatever the policy; values below or above it later score 1 or 5.
//! - A [`SegmentMap`] names rectangles of the recency × frequency grid; it is checked when built to cover every
//!   cell exactly once. [`SegmentMap::standard`] is the common 10-segment map.
//!
//! ```
//! use customer_care::lifecycle::{RfmInput, RfmScorer, SegmentMap, Span, TiePolicy, TimeUnit};
//! use rust_decimal::Decimal;
//!
//! let population: Vec<RfmInput> = (1..=10)
//!     .map(|i| RfmInput::new(Span::days(f64::from(i * 10))?, f64::from(i), Decimal::from(i * 100)))
//!     .collect::<Result<_, _>>()?;
//! let scorer = RfmScorer::fit(&population, TiePolicy::HigherScore)?;
//! let best = scorer.score(&RfmInput::new(Span::days(5.0)?, 12.0, Decimal::from(2000))?)?;
//! assert_eq!(best.to_string(), "555");
//! assert_eq!(SegmentMap::standard().segment(best), "Champions");
//! # Ok::<(), customer_care::lifecycle::LifecycleError>(())
//! ```

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::error::{LifecycleError, non_negative};
use super::span::{Span, TimeUnit};
use super::summary::CustomerSummary;

/// One customer's recency, frequency and monetary value.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RfmInputRepr", into = "RfmInputRepr")]
pub struct RfmInput {
    recency: Span,
    frequency: f64,
    monetary: Decimal,
}

#[derive(Serialize, Deserialize)]
struct RfmInputRepr {
    recency: Span,
    frequency: f64,
    #[serde(with = "rust_decimal::serde::str")]
    monetary: Decimal,
}

impl TryFrom<RfmInputRepr> for RfmInput {
    type Error = LifecycleError;
    fn try_from(r: RfmInputRepr) -> Result<Self, LifecycleError> {
        Self::new(r.recency, r.frequency, r.monetary)
    }
}

impl From<RfmInput> for RfmInputRepr {
    fn from(i: RfmInput) -> Self {
        Self { recency: i.recency, frequency: i.frequency, monetary: i.monetary }
    }
}

impl RfmInput {
    /// Time since the last purchase, number of purchases (or any activity count), and spend.
    ///
    /// # Errors
    ///
    /// [`LifecycleError::InvalidValue`] for a frequency that is not finite and ≥ 0.
    pub fn new(recency: Span, frequency: f64, monetary: Decimal) -> Result<Self, LifecycleError> {
        Ok(Self { recency, frequency: non_negative("frequency", frequency)?, monetary })
    }

    /// From a summary: recency T − t_x (time since the last purchase), frequency x + 1 (all purchase days),
    /// monetary the mean repeat spend.
    ///
    /// # Errors
    ///
    /// [`LifecycleError::InvalidValue`] for a summary with a zero-day unit (cannot be built).
    pub fn from_summary(summary: &CustomerSummary) -> Result<Self, LifecycleError> {
        let recency = Span::new((summary.age() - summary.recency()).max(0.0), summary.unit())?;
        Self::new(recency, f64::from(summary.frequency()) + 1.0, summary.monetary_value())
    }

    /// Time since the last purchase.
    pub const fn recency(&self) -> Span {
        self.recency
    }

    /// Purchase count.
    pub const fn frequency(&self) -> f64 {
        self.frequency
    }

    /// Spend.
    pub const fn monetary(&self) -> Decimal {
        self.monetary
    }
}

/// Which score a value equal to a cut point gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TiePolicy {
    /// The lower of the two neighbouring scores (conservative: ties must beat the cut to move up).
    LowerScore,
    /// The higher of the two neighbouring scores.
    HigherScore,
}

/// Scores from 1 (worst) to 5 (best) in each dimension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RfmScore {
    /// Recency score: 5 for the most recent buyers.
    pub recency: u8,
    /// Frequency score: 5 for the most frequent buyers.
    pub frequency: u8,
    /// Monetary score: 5 for the biggest spenders.
    pub monetary: u8,
}

impl fmt::Display for RfmScore {
    /// `"545"`: recency, frequency, monetary.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}{}", self.recency, self.frequency, self.monetary)
    }
}

/// Frozen cut points and a tie policy: scores customers reproducibly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ScorerRepr", into = "ScorerRepr")]
pub struct RfmScorer {
    unit: TimeUnit,
    recency: [f64; 4],
    frequency: [f64; 4],
    monetary: [Decimal; 4],
    ties: TiePolicy,
}

#[derive(Serialize, Deserialize)]
struct ScorerRepr {
    unit: TimeUnit,
    recency: [f64; 4],
    frequency: [f64; 4],
    monetary: [String; 4],
    ties: TiePolicy,
}

impl TryFrom<ScorerRepr> for RfmScorer {
    type Error = LifecycleError;
    fn try_from(r: ScorerRepr) -> Result<Self, LifecycleError> {
        let mut monetary = [Decimal::ZERO; 4];
        for (m, s) in monetary.iter_mut().zip(&r.monetary) {
            *m = s.parse().map_err(|_| LifecycleError::InvalidValue {
                name: "monetary cut".into(),
                value: crate::text::excerpt(s),
                expected: "a decimal number".into(),
            })?;
        }
        Self::build(r.unit, r.recency, r.frequency, monetary, r.ties, false)
    }
}

impl From<RfmScorer> for ScorerRepr {
    fn from(s: RfmScorer) -> Self {
        Self {
            unit: s.unit,
            recency: s.recency,
            frequency: s.frequency,
            monetary: s.monetary.map(|m| m.to_string()),
            ties: s.ties,
        }
    }
}

/// Nearest-rank quintile cuts of sorted values: the value at rank ⌈k n / 5⌉, k = 1 … 4.
fn quintile_cuts<T: Copy>(sorted: &[T]) -> Option<[T; 4]> {
    let n = sorted.len();
    let at = |k: usize| sorted.get((k * n).div_ceil(5).max(1) - 1).copied();
    Some([at(1)?, at(2)?, at(3)?, at(4)?])
}

/// Position of `v` among cuts: (cuts strictly below v, cuts at or below v).
fn rank<T: PartialOrd>(cuts: &[T; 4], v: &T) -> (u8, u8) {
    let below = cuts.iter().filter(|c| *c < v).count();
    let at_or_below = cuts.iter().filter(|c| *c <= v).count();
    (below as u8, at_or_below as u8)
}

/// Score 1–5 where larger values are better.
fn score_up<T: PartialOrd>(cuts: &[T; 4], v: &T, ties: TiePolicy) -> u8 {
    let (below, at_or_below) = rank(cuts, v);
    if cuts.iter().all(|c| c == v) {
        return 3;
    }
    match ties {
        TiePolicy::LowerScore => 1 + below,
        TiePolicy::HigherScore => 1 + at_or_below,
    }
}

/// Score 1–5 where smaller values are better.
fn score_down<T: PartialOrd>(cuts: &[T; 4], v: &T, ties: TiePolicy) -> u8 {
    let (below, at_or_below) = rank(cuts, v);
    if cuts.iter().all(|c| c == v) {
        return 3;
    }
    match ties {
        TiePolicy::LowerScore => 5 - at_or_below,
        TiePolicy::HigherScore => 5 - below,
    }
}

fn ordered<T: PartialOrd + fmt::Display>(name: &str, cuts: &[T; 4], strict: bool) -> Result<(), LifecycleError> {
    for (i, pair) in cuts.windows(2).enumerate() {
        if let [lo, hi] = pair
            && (lo > hi || (strict && lo == hi))
        {
            return Err(LifecycleError::CrossingThresholds {
                lower_name: format!("{name} cut {}", i + 1),
                lower: lo.to_string(),
                upper_name: format!("{name} cut {}", i + 2),
                upper: hi.to_string(),
            });
        }
    }
    Ok(())
}

impl RfmScorer {
    /// Quintile cut points of `population`, frozen.
    ///
    /// # Errors
    ///
    /// [`LifecycleError::EmptyPopulation`]; [`LifecycleError::UnitMismatch`] when recencies are in different
    /// units.
    pub fn fit(population: &[RfmInput], ties: TiePolicy) -> Result<Self, LifecycleError> {
        let first =
            population.first().ok_or_else(|| LifecycleError::EmptyPopulation { what: "rfm population".into() })?;
        let unit = first.recency.unit();
        let mut recency = Vec::with_capacity(population.len());
        for i in population {
            recency.push(i.recency.length_in(unit)?);
        }
        let mut frequency: Vec<f64> = population.iter().map(|i| i.frequency).collect();
        let mut monetary: Vec<Decimal> = population.iter().map(|i| i.monetary).collect();
        recency.sort_by(f64::total_cmp);
        frequency.sort_by(f64::total_cmp);
        monetary.sort();
        let empty = || LifecycleError::EmptyPopulation { what: "rfm population".into() };
        Self::build(
            unit,
            quintile_cuts(&recency).ok_or_else(empty)?,
            quintile_cuts(&frequency).ok_or_else(empty)?,
            quintile_cuts(&monetary).ok_or_else(empty)?,
            ties,
            false,
        )
    }

    /// Absolute cut points, each list strictly increasing: recency in `unit` (a recency at or below the first cut
    /// scores 5 with [`TiePolicy::HigherScore`]), frequency and monetary (a value above the last cut scores 5).
    ///
    /// # Errors
    ///
    /// [`LifecycleError::CrossingThresholds`] for cuts that are not strictly increasing;
    /// [`LifecycleError::InvalidValue`] for a negative or non-finite time or count.
    pub fn with_thresholds(
        unit: TimeUnit,
        recency: [f64; 4],
        frequency: [f64; 4],
        monetary: [Decimal; 4],
        ties: TiePolicy,
    ) -> Result<Self, LifecycleError> {
        Self::build(unit, recency, frequency, monetary, ties, true)
    }

    fn build(
        unit: TimeUnit,
        recency: [f64; 4],
        frequency: [f64; 4],
        monetary: [Decimal; 4],
        ties: TiePolicy,
        strict: bool,
    ) -> Result<Self, LifecycleError> {
        for v in recency {
            non_negative("recency cut", v)?;
        }
        for v in frequency {
            non_negative("frequency cut", v)?;
        }
        ordered("recency", &recency, strict)?;
        ordered("frequency", &frequency, strict)?;
        ordered("monetary", &monetary, strict)?;
        Ok(Self { unit: unit.check()?, recency, frequency, monetary, ties })
    }

    /// The scores of one customer.
    ///
    /// # Errors
    ///
    /// [`LifecycleError::UnitMismatch`] for a recency in another unit than the scorer's.
    pub fn score(&self, input: &RfmInput) -> Result<RfmScore, LifecycleError> {
        let r = input.recency.length_in(self.unit)?;
        Ok(RfmScore {
            recency: score_down(&self.recency, &r, self.ties),
            frequency: score_up(&self.frequency, &input.frequency, self.ties),
            monetary: score_up(&self.monetary, &input.monetary, self.ties),
        })
    }

    /// The recency cut points.
    pub const fn recency_cuts(&self) -> [f64; 4] {
        self.recency
    }

    /// The frequency cut points.
    pub const fn frequency_cuts(&self) -> [f64; 4] {
        self.frequency
    }

    /// The monetary cut points.
    pub const fn monetary_cuts(&self) -> [Decimal; 4] {
        self.monetary
    }
}

/// A named rectangle of the recency × frequency grid, scores inclusive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentRule {
    /// The segment's name.
    pub name: String,
    /// Lowest and highest recency score, inclusive.
    pub recency: (u8, u8),
    /// Lowest and highest frequency score, inclusive.
    pub frequency: (u8, u8),
}

impl SegmentRule {
    /// A rule naming the cells with recency and frequency scores in the given inclusive ranges.
    pub fn new(name: impl Into<String>, recency: (u8, u8), frequency: (u8, u8)) -> Self {
        Self { name: name.into(), recency, frequency }
    }
}

/// Segments over the recency × frequency grid, covering each of the 25 cells exactly once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<SegmentRule>", into = "Vec<SegmentRule>")]
pub struct SegmentMap {
    rules: Vec<SegmentRule>,
    /// `cells[r − 1][f − 1]` is the index of the rule covering the cell.
    cells: [[usize; 5]; 5],
}

impl TryFrom<Vec<SegmentRule>> for SegmentMap {
    type Error = LifecycleError;
    fn try_from(rules: Vec<SegmentRule>) -> Result<Self, LifecycleError> {
        Self::new(rules)
    }
}

impl From<SegmentMap> for Vec<SegmentRule> {
    fn from(m: SegmentMap) -> Self {
        m.rules
    }
}

impl SegmentMap {
    /// A map from rules, checked for full coverage and no overlap.
    ///
    /// # Errors
    ///
    /// [`LifecycleError::InvalidValue`] for a score outside 1–5 or a range whose low end is above its high end;
    /// [`LifecycleError::SegmentOverlap`]; [`LifecycleError::SegmentGap`].
    pub fn new(rules: Vec<SegmentRule>) -> Result<Self, LifecycleError> {
        let mut cells = [[usize::MAX; 5]; 5];
        for (index, rule) in rules.iter().enumerate() {
            for (what, (lo, hi)) in [("recency", rule.recency), ("frequency", rule.frequency)] {
                if !(1..=5).contains(&lo) || !(1..=5).contains(&hi) || lo > hi {
                    return Err(LifecycleError::InvalidValue {
                        name: format!("{what} range of segment {:?}", rule.name),
                        value: format!("{lo}..={hi}"),
                        expected: "scores from 1 to 5, low to high".into(),
                    });
                }
            }
            for r in rule.recency.0..=rule.recency.1 {
                for f in rule.frequency.0..=rule.frequency.1 {
                    let Some(cell) = cells.get_mut(usize::from(r - 1)).and_then(|row| row.get_mut(usize::from(f - 1)))
                    else {
                        continue;
                    };
                    if let Some(other) = rules.get(*cell) {
                        return Err(LifecycleError::SegmentOverlap {
                            first: other.name.clone(),
                            second: rule.name.clone(),
                            recency: r,
                            frequency: f,
                        });
                    }
                    *cell = index;
                }
            }
        }
        for (r, row) in cells.iter().enumerate() {
            for (f, cell) in row.iter().enumerate() {
                if *cell == usize::MAX {
                    return Err(LifecycleError::SegmentGap { recency: r as u8 + 1, frequency: f as u8 + 1 });
                }
            }
        }
        Ok(Self { rules, cells })
    }

    /// The common 10-segment recency × frequency map: Champions, Loyal, Potential loyalist, New, Promising, Need
    /// attention, About to sleep, At risk, Can't lose, Hibernating.
    ///
    /// | R \ F | 1 | 2 | 3 | 4 | 5 |
    /// |---|---|---|---|---|---|
    /// | 5 | New | Potential loyalist | Potential loyalist | Champions | Champions |
    /// | 4 | Promising | Potential loyalist | Potential loyalist | Loyal | Loyal |
    /// | 3 | About to sleep | About to sleep | Need attention | Loyal | Loyal |
    /// | 2 | Hibernating | Hibernating | At risk | At risk | Can't lose |
    /// | 1 | Hibernating | Hibernating | At risk | At risk | Can't lose |
    pub fn standard() -> Self {
        let rules = vec![
            SegmentRule::new("Hibernating", (1, 2), (1, 2)),
            SegmentRule::new("At risk", (1, 2), (3, 4)),
            SegmentRule::new("Can't lose", (1, 2), (5, 5)),
            SegmentRule::new("About to sleep", (3, 3), (1, 2)),
            SegmentRule::new("Need attention", (3, 3), (3, 3)),
            SegmentRule::new("Loyal", (3, 4), (4, 5)),
            SegmentRule::new("Promising", (4, 4), (1, 1)),
            SegmentRule::new("New", (5, 5), (1, 1)),
            SegmentRule::new("Potential loyalist", (4, 5), (2, 3)),
            SegmentRule::new("Champions", (5, 5), (4, 5)),
        ];
        let fallback = Self { rules: Vec::new(), cells: [[0; 5]; 5] };
        Self::new(rules).unwrap_or(fallback)
    }

    /// The segment of a score (clamped into 1–5).
    pub fn segment(&self, score: RfmScore) -> &str {
        let r = usize::from(score.recency.clamp(1, 5) - 1);
        let f = usize::from(score.frequency.clamp(1, 5) - 1);
        let index = self.cells.get(r).and_then(|row| row.get(f)).copied().unwrap_or(0);
        self.rules.get(index).map_or("", |rule| rule.name.as_str())
    }

    /// The rules, in the order given.
    pub fn rules(&self) -> &[SegmentRule] {
        &self.rules
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(days: f64, f: f64, m: i64) -> RfmInput {
        RfmInput::new(Span::days(days).unwrap(), f, Decimal::from(m)).unwrap()
    }

    #[test]
    fn standard_map_is_valid_and_named() {
        let map = SegmentMap::standard();
        assert_eq!(map.rules().len(), 10);
        let s = |r, f| map.segment(RfmScore { recency: r, frequency: f, monetary: 1 }).to_owned();
        assert_eq!(s(5, 5), "Champions");
        assert_eq!(s(5, 1), "New");
        assert_eq!(s(1, 5), "Can't lose");
        assert_eq!(s(1, 1), "Hibernating");
        assert_eq!(s(3, 3), "Need attention");
        assert_eq!(s(4, 1), "Promising");
    }

    #[test]
    fn segment_maps_are_validated() {
        let mut rules = SegmentMap::standard().rules().to_vec();
        rules.pop();
        assert_eq!(
            SegmentMap::new(rules.clone()).unwrap_err(),
            LifecycleError::SegmentGap { recency: 5, frequency: 4 }
        );
        rules.push(SegmentRule::new("Everyone", (1, 5), (1, 5)));
        assert!(matches!(
            SegmentMap::new(rules).unwrap_err(),
            LifecycleError::SegmentOverlap { recency: 1, frequency: 1, .. }
        ));
        assert!(SegmentMap::new(vec![SegmentRule::new("x", (0, 5), (1, 5))]).is_err());
        assert!(SegmentMap::new(vec![SegmentRule::new("x", (3, 2), (1, 5))]).is_err());
        assert!(SegmentMap::new(vec![SegmentRule::new("All", (1, 5), (1, 5))]).is_ok());
        let json = serde_json::to_string(&SegmentMap::standard()).unwrap();
        assert_eq!(serde_json::from_str::<SegmentMap>(&json).unwrap(), SegmentMap::standard());
        assert!(serde_json::from_str::<SegmentMap>("[]").is_err());
    }

    #[test]
    fn quintiles_ties_and_degenerate_populations() {
        let population: Vec<RfmInput> = (1..=10).map(|i| input(f64::from(i), f64::from(i), i64::from(i))).collect();
        let scorer = RfmScorer::fit(&population, TiePolicy::LowerScore).unwrap();
        assert_eq!(scorer.frequency_cuts(), [2.0, 4.0, 6.0, 8.0]);
        let scores: Vec<String> = population.iter().map(|i| scorer.score(i).unwrap().to_string()).collect();
        assert_eq!(scores, ["511", "411", "422", "322", "333", "233", "244", "144", "155", "155"]);
        let higher = RfmScorer::fit(&population, TiePolicy::HigherScore).unwrap();
        assert_eq!(higher.score(&input(2.0, 2.0, 2)).unwrap().to_string(), "522");

        // Everyone equal: 3 for that value, 1 or 5 for values either side.
        let same = vec![input(7.0, 1.0, 10); 5];
        for ties in [TiePolicy::LowerScore, TiePolicy::HigherScore] {
            let scorer = RfmScorer::fit(&same, ties).unwrap();
            assert_eq!(scorer.score(&same[0]).unwrap().to_string(), "333");
            assert_eq!(scorer.score(&input(1.0, 2.0, 11)).unwrap().to_string(), "555");
            assert_eq!(scorer.score(&input(9.0, 0.0, 9)).unwrap().to_string(), "111");
        }
        assert!(RfmScorer::fit(&[], TiePolicy::LowerScore).is_err());
        let weeks = RfmInput::new(Span::weeks(1.0).unwrap(), 1.0, Decimal::ONE).unwrap();
        assert!(matches!(scorer.score(&weeks), Err(LifecycleError::UnitMismatch { .. })));
    }

    #[test]
    fn absolute_thresholds_are_validated_and_frozen() {
        let m = |v: [i64; 4]| v.map(Decimal::from);
        let s = RfmScorer::with_thresholds(
            TimeUnit::Day,
            [30.0, 60.0, 90.0, 180.0],
            [1.0, 2.0, 4.0, 8.0],
            m([50, 100, 200, 500]),
            TiePolicy::HigherScore,
        )
        .unwrap();
        assert_eq!(s.score(&input(30.0, 8.0, 49)).unwrap().to_string(), "551");
        assert!(matches!(
            RfmScorer::with_thresholds(
                TimeUnit::Day,
                [30.0, 30.0, 90.0, 180.0],
                [1.0, 2.0, 4.0, 8.0],
                m([1, 2, 3, 4]),
                TiePolicy::HigherScore
            ),
            Err(LifecycleError::CrossingThresholds { .. })
        ));
        assert!(
            RfmScorer::with_thresholds(
                TimeUnit::Day,
                [-1.0, 30.0, 90.0, 180.0],
                [1.0, 2.0, 4.0, 8.0],
                m([1, 2, 3, 4]),
                TiePolicy::HigherScore
            )
            .is_err()
        );
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<RfmScorer>(&json).unwrap(), s);
    }
}
