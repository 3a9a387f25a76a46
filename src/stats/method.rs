//! How an estimate was computed: the [`Method`] every estimate and comparison names.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How an estimate's interval (and, for comparisons, its test) was computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Method {
    /// Normal approximation, estimate ± z·SE.
    Wald,
    /// Wald after adding pseudo-observations (for net shares: ¾ top, 1½ middle, ¾ bottom; Rocks 2016).
    AdjustedWald,
    /// Wilson's (1927) score interval.
    Wilson,
    /// Clopper–Pearson (1934) "exact" interval from beta quantiles.
    ClopperPearson,
    /// Student's t interval for a mean, `df = n_eff − 1`.
    StudentT,
    /// Difference of two independent shares or net shares, Wald interval and z test.
    WaldDifference,
    /// Newcombe's (1998) hybrid score interval for a difference of proportions (his method 10).
    NewcombeHybridScore,
    /// Welch's t interval and test for a difference of means (Welch–Satterthwaite degrees of freedom).
    WelchT,
    /// Agresti–Coull (1998): Wald on the share after adding `z²/2` successes and `z²/2` failures.
    AgrestiCoull,
    /// Wald with the per-response variance divided by `n − 1` instead of `n` (Bessel's correction).
    WaldNMinusOne,
    /// The iterative score interval for a net share (Rocks 2016), inverting the score test.
    IterativeScore,
    /// Difference of two independent net shares, each with the adjusted-Wald pseudo-responses (Rocks 2016): Wald
    /// interval and z test on the adjusted shares.
    AdjustedWaldDifference,
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Wald => "wald",
            Self::AdjustedWald => "adjusted wald",
            Self::Wilson => "wilson score",
            Self::ClopperPearson => "clopper-pearson",
            Self::StudentT => "student t",
            Self::WaldDifference => "wald difference",
            Self::NewcombeHybridScore => "newcombe hybrid score",
            Self::WelchT => "welch t",
            Self::AgrestiCoull => "agresti-coull",
            Self::WaldNMinusOne => "wald (n - 1)",
            Self::IterativeScore => "iterative score",
            Self::AdjustedWaldDifference => "adjusted wald difference",
        })
    }
}

/// How the standard error of an estimate from weighted data was obtained. Unweighted data give the usual
/// textbook standard errors either way (see each variant).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum VarianceMethod {
    /// Kish's effective sample size `n_eff = (Σw)²/Σw²` in place of `n` in the simple-random-sample formulas: one
    /// design effect for every statistic of the sample. The default.
    #[default]
    Kish,
    /// The linearized (Taylor series) variance of the weighted mean `ȳ = Σwy/Σw`, with-replacement single-stage
    /// design: `v = n/(n − 1) · Σ w²(y − ȳ)² / (Σw)²` (R `survey`'s `svymean`, `samplics`' `TaylorEstimator`).
    /// It follows how the weights fall on the answers, statistic by statistic. The estimate's effective size is the
    /// one giving that variance in the simple formula, kept within [1, n] (so never below the simple-random-sample
    /// variance); unweighted, a share's variance is `p(1 − p)/(n − 1)`.
    Linearized,
}

impl VarianceMethod {
    /// Whether this is the default, [`Kish`](Self::Kish) (left out of serialized shapes).
    pub const fn is_kish(&self) -> bool {
        matches!(self, Self::Kish)
    }
}

impl fmt::Display for VarianceMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Kish => "kish effective n",
            Self::Linearized => "linearized",
        })
    }
}

/// The two methods every sample has for the [`VarianceMethod`] its effective size comes from, kept in the field
/// named by the argument.
macro_rules! variance_method_accessors {
    ($field:ident) => {
        /// How the effective size was obtained from weights: Kish's (the default) or from the linearized variance.
        pub const fn variance_method(&self) -> VarianceMethod {
            self.$field
        }

        /// The same sample, saying that its effective size comes from `variance` (the tallies set it; see
        /// [`VarianceMethod`]). Estimates from it name the method.
        #[must_use]
        pub const fn with_variance_method(mut self, variance: VarianceMethod) -> Self {
            self.$field = variance;
            self
        }
    };
}
pub(super) use variance_method_accessors;
