"""Reference values for the survey statistics added for issue 20 (stats::net, net_test, proportion, compare).

Rerun: python3 -m venv /work/venv-surveys && /work/venv-surveys/bin/pip install scipy statsmodels mpmath
       /work/venv-surveys/bin/python tests/data/surveys_reference.py
scipy 1.17.1, statsmodels 0.15.0, mpmath 1.4.1. The R `NPS` package (brendan-r/NPS, R/nps_tests.R and
R/nps_interval_estimators.R) is ported line by line where statsmodels has no equivalent.
"""
import numpy as np
from scipy import stats, optimize
from statsmodels.stats.proportion import (proportion_confint, confint_proportions_2indep,
                                          test_proportions_2indep)
from statsmodels.stats.weightstats import DescrStatsW

Z = stats.norm.ppf(0.975)
print("== Agresti-Coull (statsmodels proportion_confint, method='agresti_coull') ==")
for x, n in [(45, 50), (3, 10), (0, 10), (90, 100), (10, 10)]:
    print(x, n, repr(proportion_confint(x, n, method="agresti_coull")))

print("== Wald difference (statsmodels confint_proportions_2indep / test_proportions_2indep, 'wald') ==")
for a, m, b, n in [(56, 70, 48, 80), (9, 10, 3, 10)]:
    ci = confint_proportions_2indep(a, m, b, n, method="wald", compare="diff")
    t = test_proportions_2indep(a, m, b, n, method="wald", compare="diff")
    print(a, m, b, n, repr(ci), repr(t.statistic), repr(t.pvalue))


def scores(p, a, d):
    return np.array([1.0] * p + [0.0] * a + [-1.0] * d)


print("== NPS Wald with n - 1 (DescrStatsW(ddof=1).zconfint_mean on scores +1/0/-1) ==")
for p, a, d in [(30, 50, 20), (3, 2, 1), (291, 476, 395)]:
    s = DescrStatsW(scores(p, a, d), ddof=1)
    print(p, a, d, repr(s.std_mean), repr(s.zconfint_mean(alpha=0.05)))


def r_iterative(x, alpha):
    """R NPS package, R/nps_interval_estimators.R `iterative`, ported (x = detractors, passives, promoters):
    from the estimate, halve the step towards each end and keep every point whose score is within z; stop when
    the step is below 1e-7 or the score is within 1e-6 of z. (R runs the lower search from where the upper one
    left its running value; both loops are the same bisection, written once here.)"""
    n = sum(x); pa = 2 * n; z = stats.norm.ppf(1 - alpha / 2); c = x[2]; b = x[0]

    def search(start, direction):
        point = start; dp = 1 - direction * start; found = None
        for _ in range(50):
            dp = 0.5 * dp; trial = point + direction * dp
            pb = -b - c + (2 * n - c + b) * trial; pc = -b * trial * (1 - trial)
            q21 = (np.sqrt(pb ** 2 - 4 * pa * pc) - pb) / (2 * pa)
            score = (c - b - n * trial) / np.sqrt(n * (2 * q21 + trial * (1 - trial)))
            if abs(score) < z:
                point = trial
            if dp < 1e-7 or abs(z - score) < 1e-6:
                found = trial; break
        return found, point

    nps = (c - b) / n
    ul, nps = (1, nps) if c == n else search(nps, +1)
    ll = -1 if b == n else search(nps, -1)[0]
    return ll, ul


def score_stat(delta, p, d, n):
    pa = 2 * n; pb = -d - p + (2 * n - p + d) * delta; pc = -d * delta * (1 - delta)
    q = (np.sqrt(pb ** 2 - 4 * pa * pc) - pb) / (2 * pa)
    return (p - d - n * delta) / np.sqrt(n * (2 * q + delta * (1 - delta)))


def exact_score_interval(p, a, d, level=0.95):
    n = p + a + d; v = (p - d) / n; z = stats.norm.ppf(1 - (1 - level) / 2)
    up = 1.0 if p == n else optimize.brentq(lambda t: score_stat(t, p, d, n) + z, max(v, -1 + 1e-15), 1 - 1e-15, xtol=1e-15)
    lo = -1.0 if d == n else optimize.brentq(lambda t: score_stat(t, p, d, n) - z, -1 + 1e-15, min(v, 1 - 1e-15), xtol=1e-15)
    return lo, up


print("== NPS iterative score interval: exact (brentq) and the R package's bisection ==")
for p, a, d in [(30, 50, 20), (9, 1, 0), (291, 476, 395), (3, 2, 1), (0, 0, 5)]:
    print(p, a, d, repr(exact_score_interval(p, a, d)), repr(r_iterative([d, a, p], 0.05)))
print("90 %:", repr(exact_score_interval(30, 50, 20, 0.90)))

print("== One-sample tests (R nps_test_: p = 1 - (2 pnorm(|z|) - 1)) ==")
p, a, d = 30, 50, 20
n = p + a + d; v = (p - d) / n; var = (p + d) / n - v * v; se = np.sqrt(var / n)
for target in [0.0, 0.3]:
    zz = (v - target) / se
    print("wald", target, repr(zz), repr(1 - (2 * stats.norm.cdf(abs(zz)) - 1)))
pa_, aa_, da_ = p + 0.75, a + 1.5, d + 0.75
na = pa_ + aa_ + da_; va = (pa_ - da_) / na; vara = (pa_ + da_) / na - va * va; sea = np.sqrt(vara / na)
zz = va / sea
print("adjusted wald vs 0", repr(zz), repr(1 - (2 * stats.norm.cdf(abs(zz)) - 1)))
for target in [0.0, 0.3]:
    s = score_stat(target, p, d, n)
    print("score", target, repr(s), repr(2 * stats.norm.sf(abs(s))))

print("== Two-sample adjusted Wald (R nps_test_, test = 'adjusted.wald') ==")
def adjusted(p, a, d):
    p, a, d = p + 0.75, a + 1.5, d + 0.75
    n = p + a + d; v = (p - d) / n
    return v, (p + d) / n - v * v, n
for (x, y) in [((30, 5, 5), (20, 10, 10)), ((300, 100, 100), (250, 100, 150))]:
    vx, varx, nx = adjusted(*x); vy, vary, ny = adjusted(*y)
    delta = vx - vy; se = np.sqrt(varx / nx + vary / ny)
    print(x, y, repr(delta), repr(se), repr(delta - Z * se), repr(delta + Z * se), repr(delta / se),
          repr(1 - (2 * stats.norm.cdf(abs(delta) / se) - 1)))

print("== Linearized (Taylor) variance of weighted means (samplics 0.6 TaylorEstimator(PopParam.mean)) ==")
import warnings
warnings.simplefilter("ignore")
from samplics import TaylorEstimator, PopParam
answers = np.array([10, 9, 9, 8, 7, 3, 10, 7, 0, 9.0])
weights = np.array([1.0, 2, 0.5, 1, 3, 2, 1, 1.5, 0.5, 2])
for name, y in [("net score", np.where(answers >= 9, 1.0, np.where(answers <= 6, -1.0, 0.0))),
                ("promoter share", (answers >= 9).astype(float)),
                ("mean answer", answers)]:
    est = TaylorEstimator(PopParam.mean)
    est.estimate(y=y, samp_weight=weights, remove_nan=True)
    print(name, repr(float(est.point_est)), repr(float(est.stderror)))
print("unweighted promoter share 3/10, sqrt(p(1-p)/(n-1)):", repr(np.sqrt(0.3 * 0.7 / 9)))
heavy = np.array([1.0, 1, 1, 1, 1, 4, 1, 1, 4, 1])
est = TaylorEstimator(PopParam.mean)
est.estimate(y=answers, samp_weight=heavy, remove_nan=True)
print("mean answer, weights 4 on the answers 3 and 0:", repr(float(est.point_est)), repr(float(est.stderror)))
W = weights.sum(); m = (weights * answers).sum() / W; spread = (weights * (answers - m) ** 2).sum() / W
print("floor for the first weights, sqrt(spread/(n-1)):", repr(np.sqrt(spread / 9)))

print("== Churn (mpmath, 40 digits) ==")
import mpmath
mpmath.mp.dps = 40
print("average denominator 80/475:", mpmath.mpf(80) / 475)
for rate, a, b in [("0.30", 12, 1), ("0.10", 30, 7), ("0.06", 3, 1), ("0.02", 1, 12), ("0.5", 7, 30)]:
    r = mpmath.mpf(rate)
    print(rate, a, b, mpmath.nstr(1 - (1 - r) ** (mpmath.mpf(b) / a), 30))
