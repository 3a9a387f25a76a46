//! A compact, deterministic quasi-Newton minimiser (BFGS with a backtracking Armijo line search) and the
//! finite-difference tools around it. Models minimise the negative log-likelihood over log-parameters, so every
//! point tried is a valid parameter vector.

/// A point where the objective is `None` is infeasible (the line search backs off from it).
pub(crate) type Objective<'a, const N: usize> = dyn FnMut(&[f64; N]) -> Option<(f64, [f64; N])> + 'a;

/// How a minimisation ended successfully.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stop {
    /// The gradient fell below the tolerance.
    Gradient,
    /// No step could improve the objective any more, and the gradient was small (the precision limit).
    Stalled,
}

#[derive(Clone, Debug)]
pub(crate) struct Minimum<const N: usize> {
    pub(crate) x: [f64; N],
    pub(crate) value: f64,
    pub(crate) iterations: u32,
    pub(crate) stop: Stop,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Failure {
    pub(crate) iterations: u32,
    pub(crate) reason: String,
    /// At the iteration limit, the last point reached: where the search was heading.
    pub(crate) last: Option<Vec<f64>>,
}

fn dot<const N: usize>(a: &[f64; N], b: &[f64; N]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn max_abs<const N: usize>(a: &[f64; N]) -> f64 {
    a.iter().fold(0.0, |m, v| m.max(v.abs()))
}

fn identity<const N: usize>() -> [[f64; N]; N] {
    let mut h = [[0.0; N]; N];
    for (i, row) in h.iter_mut().enumerate() {
        if let Some(v) = row.get_mut(i) {
            *v = 1.0;
        }
    }
    h
}

/// Largest change of any coordinate in one step (in log-parameters: a factor of e⁴).
const MAX_STEP: f64 = 4.0;

/// Minimises `f` from `x0`. Converged when the largest gradient component is below `gtol · (1 + |f|)`.
pub(crate) fn bfgs<const N: usize>(
    f: &mut Objective<'_, N>,
    x0: [f64; N],
    gtol: f64,
    max_iterations: u32,
) -> Result<Minimum<N>, Failure> {
    let Some((mut fx, mut g)) = f(&x0).filter(|(v, g)| v.is_finite() && g.iter().all(|c| c.is_finite())) else {
        return Err(Failure { iterations: 0, reason: "objective not finite at the starting point".into(), last: None });
    };
    let mut x = x0;
    let mut h = identity::<N>();
    let mut fresh = true;
    for iteration in 0..max_iterations {
        if max_abs(&g) <= gtol * (1.0 + fx.abs()) {
            return Ok(Minimum { x, value: fx, iterations: iteration, stop: Stop::Gradient });
        }
        let mut d = [0.0; N];
        for (di, row) in d.iter_mut().zip(&h) {
            *di = -dot(row, &g);
        }
        let mut slope = dot(&g, &d);
        if slope.is_nan() || slope >= 0.0 {
            h = identity();
            fresh = true;
            d = g.map(|v| -v);
            slope = dot(&g, &d);
        }
        let longest = max_abs(&d);
        let mut step = if longest > MAX_STEP { MAX_STEP / longest } else { 1.0 };
        let mut accepted = None;
        for _ in 0..60 {
            let mut trial = x;
            for (t, di) in trial.iter_mut().zip(&d) {
                *t += step * di;
            }
            if let Some((ft, gt)) = f(&trial)
                && ft.is_finite()
                && gt.iter().all(|c| c.is_finite())
                && ft <= fx + 1e-4 * step * slope
            {
                accepted = Some((trial, ft, gt));
                break;
            }
            step *= 0.5;
        }
        let Some((xn, fnew, gn)) = accepted else {
            if !fresh {
                h = identity();
                fresh = true;
                continue;
            }
            if max_abs(&g) <= 1e3 * gtol * (1.0 + fx.abs()) {
                return Ok(Minimum { x, value: fx, iterations: iteration, stop: Stop::Stalled });
            }
            return Err(Failure { iterations: iteration, reason: "line search found no decrease".into(), last: None });
        };
        let mut s = [0.0; N];
        let mut y = [0.0; N];
        for i in 0..N {
            if let (Some(si), Some(yi), Some(a), Some(b), Some(c), Some(e)) =
                (s.get_mut(i), y.get_mut(i), xn.get(i), x.get(i), gn.get(i), g.get(i))
            {
                *si = a - b;
                *yi = c - e;
            }
        }
        let sy = dot(&s, &y);
        if sy > 1e-12 * dot(&s, &s).sqrt() * dot(&y, &y).sqrt() {
            if fresh {
                // Scale the first inverse Hessian (Nocedal & Wright 6.20).
                let scale = sy / dot(&y, &y);
                for (i, row) in h.iter_mut().enumerate() {
                    for (j, v) in row.iter_mut().enumerate() {
                        *v = if i == j { scale } else { 0.0 };
                    }
                }
            }
            let rho = 1.0 / sy;
            let mut hy = [0.0; N];
            for (o, row) in hy.iter_mut().zip(&h) {
                *o = dot(row, &y);
            }
            let yhy = dot(&y, &hy);
            for (i, row) in h.iter_mut().enumerate() {
                for (j, v) in row.iter_mut().enumerate() {
                    let (si, sj, hyi, hyj) = (s.get(i), s.get(j), hy.get(i), hy.get(j));
                    if let (Some(si), Some(sj), Some(hyi), Some(hyj)) = (si, sj, hyi, hyj) {
                        *v += (1.0 + rho * yhy) * rho * si * sj - rho * (hyi * sj + si * hyj);
                    }
                }
            }
            fresh = false;
        }
        let improvement = fx - fnew;
        x = xn;
        fx = fnew;
        g = gn;
        if improvement.abs() <= 1e-16 * (1.0 + fx.abs()) && max_abs(&g) <= 1e3 * gtol * (1.0 + fx.abs()) {
            return Ok(Minimum { x, value: fx, iterations: iteration + 1, stop: Stop::Stalled });
        }
    }
    Err(Failure { iterations: max_iterations, reason: "iteration limit reached".into(), last: Some(x.to_vec()) })
}

/// An objective with its gradient and Hessian; `None` where infeasible.
pub(crate) type ObjectiveWithHessian<'a, const N: usize> =
    dyn FnMut(&[f64; N]) -> Option<(f64, [f64; N], [[f64; N]; N])> + 'a;

/// Minimises `f` from `x0` by Newton's method with the exact Hessian, damped as Levenberg–Marquardt where the
/// Hessian is not positive definite (H + λ·diag scaling, λ raised tenfold until it is), with the step capped and
/// backtracked as in [`bfgs`]. Same convergence test and outcomes as [`bfgs`]; near the optimum it converges
/// quadratically, so a fit takes a handful of evaluations instead of dozens. Returns the Hessian at the minimum
/// too.
pub(crate) fn newton<const N: usize>(
    f: &mut ObjectiveWithHessian<'_, N>,
    x0: [f64; N],
    gtol: f64,
    max_iterations: u32,
) -> Result<(Minimum<N>, [[f64; N]; N]), Failure> {
    let finite = |v: f64, g: &[f64; N], h: &[[f64; N]; N]| {
        v.is_finite() && g.iter().all(|c| c.is_finite()) && h.iter().flatten().all(|c| c.is_finite())
    };
    let Some((mut fx, mut g, mut h)) = f(&x0).filter(|(v, g, h)| finite(*v, g, h)) else {
        return Err(Failure { iterations: 0, reason: "objective not finite at the starting point".into(), last: None });
    };
    let mut x = x0;
    for iteration in 0..max_iterations {
        if max_abs(&g) <= gtol * (1.0 + fx.abs()) {
            return Ok((Minimum { x, value: fx, iterations: iteration, stop: Stop::Gradient }, h));
        }
        let d = newton_direction(&h, &g);
        let slope = dot(&g, &d);
        let longest = max_abs(&d);
        let mut step = if longest > MAX_STEP { MAX_STEP / longest } else { 1.0 };
        let mut accepted = None;
        for _ in 0..60 {
            let mut trial = x;
            for (t, di) in trial.iter_mut().zip(&d) {
                *t += step * di;
            }
            if let Some((ft, gt, ht)) = f(&trial)
                && finite(ft, &gt, &ht)
                && ft <= fx + 1e-4 * step * slope
            {
                accepted = Some((trial, ft, gt, ht));
                break;
            }
            step *= 0.5;
        }
        let Some((xn, fnew, gn, hn)) = accepted else {
            if max_abs(&g) <= 1e3 * gtol * (1.0 + fx.abs()) {
                return Ok((Minimum { x, value: fx, iterations: iteration, stop: Stop::Stalled }, h));
            }
            return Err(Failure { iterations: iteration, reason: "line search found no decrease".into(), last: None });
        };
        let improvement = fx - fnew;
        (x, fx, g, h) = (xn, fnew, gn, hn);
        if improvement.abs() <= 1e-16 * (1.0 + fx.abs()) && max_abs(&g) <= 1e3 * gtol * (1.0 + fx.abs()) {
            return Ok((Minimum { x, value: fx, iterations: iteration + 1, stop: Stop::Stalled }, h));
        }
    }
    Err(Failure { iterations: max_iterations, reason: "iteration limit reached".into(), last: Some(x.to_vec()) })
}

/// −(H + λ D)⁻¹ g with D the diagonal of |H| (or 1), λ = 0 if H is positive definite, else the smallest of
/// 1e-8, 1e-7, … that makes it so; steepest descent if none does.
fn newton_direction<const N: usize>(h: &[[f64; N]; N], g: &[f64; N]) -> [f64; N] {
    let scale: [f64; N] = std::array::from_fn(|i| {
        h.get(i).and_then(|row| row.get(i)).map_or(1.0, |v| if v.abs() > 0.0 { v.abs() } else { 1.0 })
    });
    let mut lambda = 0.0;
    for _ in 0..20 {
        let mut damped = *h;
        for (i, row) in damped.iter_mut().enumerate() {
            if let (Some(v), Some(s)) = (row.get_mut(i), scale.get(i)) {
                *v += lambda * s;
            }
        }
        if let Some(inverse) = invert_spd(&damped) {
            let mut d = [0.0; N];
            for (di, row) in d.iter_mut().zip(&inverse) {
                *di = -dot(row, g);
            }
            if dot(g, &d) < 0.0 {
                return d;
            }
        }
        lambda = if lambda == 0.0 { 1e-8 } else { lambda * 10.0 };
    }
    g.map(|v| -v)
}

/// Central-difference gradient of a scalar function (the tests check analytic gradients with it).
#[cfg(test)]
pub(crate) fn numeric_gradient<const N: usize>(
    f: &mut dyn FnMut(&[f64; N]) -> Option<f64>,
    x: &[f64; N],
    h: f64,
) -> Option<(f64, [f64; N])> {
    let value = f(x)?;
    let mut g = [0.0; N];
    for (i, gi) in g.iter_mut().enumerate() {
        let mut up = *x;
        let mut down = *x;
        if let (Some(u), Some(d)) = (up.get_mut(i), down.get_mut(i)) {
            *u += h;
            *d -= h;
        }
        *gi = (f(&up)? - f(&down)?) / (2.0 * h);
    }
    Some((value, g))
}

/// The Hessian by forward differences of the gradient (N + 1 gradient evaluations), symmetrised: accurate to
/// about `h` relative, ample for standard errors.
pub(crate) fn numeric_hessian<const N: usize>(f: &mut Objective<'_, N>, x: &[f64; N], h: f64) -> Option<[[f64; N]; N]> {
    let (_, g0) = f(x)?;
    let mut m = [[0.0; N]; N];
    for (i, row) in m.iter_mut().enumerate() {
        let mut up = *x;
        if let Some(u) = up.get_mut(i) {
            *u += h;
        }
        let (_, gu) = f(&up)?;
        for (v, (a, b)) in row.iter_mut().zip(gu.iter().zip(&g0)) {
            *v = (a - b) / h;
        }
    }
    let mut sym = m;
    for (i, row) in sym.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            let t = m.get(j).and_then(|r| r.get(i)).copied().unwrap_or(*v);
            *v = 0.5 * (*v + t);
        }
    }
    Some(sym)
}

/// The inverse of a symmetric positive-definite matrix (Gauss–Jordan with partial pivoting); `None` if singular
/// or not positive definite.
pub(crate) fn invert_spd<const N: usize>(m: &[[f64; N]; N]) -> Option<[[f64; N]; N]> {
    // Positive definite ⇔ a Cholesky factorisation exists with positive pivots (relative to the diagonal's scale).
    let scale = (0..N).filter_map(|i| m.get(i).and_then(|r| r.get(i))).fold(0.0f64, |s, v| s.max(v.abs()));
    let mut l = [[0.0; N]; N];
    for i in 0..N {
        for j in 0..=i {
            let mut sum = *m.get(i)?.get(j)?;
            for k in 0..j {
                sum -= l.get(i)?.get(k)? * l.get(j)?.get(k)?;
            }
            if i == j {
                if sum.is_nan() || sum <= 1e-12 * scale {
                    return None;
                }
                *l.get_mut(i)?.get_mut(j)? = sum.sqrt();
            } else {
                *l.get_mut(i)?.get_mut(j)? = sum / l.get(j)?.get(j)?;
            }
        }
    }
    let mut a = *m;
    let mut inv = identity::<N>();
    for col in 0..N {
        let pivot = (col..N).max_by(|&p, &q| {
            let vp = a.get(p).and_then(|r| r.get(col)).map_or(0.0, |v| v.abs());
            let vq = a.get(q).and_then(|r| r.get(col)).map_or(0.0, |v| v.abs());
            vp.total_cmp(&vq)
        })?;
        a.swap(col, pivot);
        inv.swap(col, pivot);
        let p = *a.get(col)?.get(col)?;
        if p.is_nan() || p.abs() <= 1e-300 || !p.is_finite() {
            return None;
        }
        let (arow, irow) = (*a.get(col)?, *inv.get(col)?);
        for r in 0..N {
            if r == col {
                continue;
            }
            let factor = *a.get(r)?.get(col)? / p;
            for c in 0..N {
                *a.get_mut(r)?.get_mut(c)? -= factor * arow.get(c)?;
                *inv.get_mut(r)?.get_mut(c)? -= factor * irow.get(c)?;
            }
        }
    }
    for r in 0..N {
        let p = *a.get(r)?.get(r)?;
        for c in 0..N {
            *inv.get_mut(r)?.get_mut(c)? /= p;
        }
        if inv.get(r)?.get(r)?.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
            return None;
        }
    }
    Some(inv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimises_rosenbrock() {
        let mut f = |x: &[f64; 2]| {
            let [a, b] = *x;
            let v = (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2);
            let g = [-2.0 * (1.0 - a) - 400.0 * a * (b - a * a), 200.0 * (b - a * a)];
            Some((v, g))
        };
        let m = bfgs(&mut f, [-1.2, 1.0], 1e-10, 500).unwrap();
        assert!((m.x[0] - 1.0).abs() < 1e-6 && (m.x[1] - 1.0).abs() < 1e-6, "{:?}", m.x);
        let h = numeric_hessian(&mut f, &m.x, 1e-5).unwrap();
        let inv = invert_spd(&h).unwrap();
        // Inverse of [[802, -400], [-400, 200]] is [[0.5, 1], [1, 2.005]].
        assert!((inv[0][0] - 0.5).abs() < 5e-3 && (inv[1][1] - 2.005).abs() < 2e-2, "{inv:?}");
    }

    #[test]
    fn newton_minimises_rosenbrock_in_few_iterations() {
        let mut f = |x: &[f64; 2]| {
            let [a, b] = *x;
            let v = (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2);
            let g = [-2.0 * (1.0 - a) - 400.0 * a * (b - a * a), 200.0 * (b - a * a)];
            let h = [[2.0 - 400.0 * (b - 3.0 * a * a), -400.0 * a], [-400.0 * a, 200.0]];
            Some((v, g, h))
        };
        let (m, h) = newton(&mut f, [-1.2, 1.0], 1e-10, 500).unwrap();
        assert!((m.x[0] - 1.0).abs() < 1e-8 && (m.x[1] - 1.0).abs() < 1e-8, "{:?}", m.x);
        // The Hessian at (1, 1): [[802, −400], [−400, 200]].
        assert!((h[0][0] - 802.0).abs() < 1e-4 && (h[0][1] + 400.0).abs() < 1e-4, "{h:?}");
        // Fewer iterations than BFGS needs from the same start (the test above allows it 500).
        assert!(m.iterations < 30, "{}", m.iterations);
        // A start where the Hessian is indefinite (b > a² + 1/200) still converges.
        let (m, _) = newton(&mut f, [0.0, 2.0], 1e-10, 500).unwrap();
        assert!((m.x[0] - 1.0).abs() < 1e-8, "{:?}", m.x);
        let mut nan = |_: &[f64; 1]| None;
        assert_eq!(newton(&mut nan, [0.0], 1e-8, 10).unwrap_err().iterations, 0);
        let mut unbounded = |x: &[f64; 1]| Some((-x[0], [-1.0], [[0.0]]));
        assert!(newton(&mut unbounded, [0.0], 1e-8, 20).is_err());
    }

    #[test]
    fn reports_failures() {
        let mut nan = |_: &[f64; 1]| None;
        assert_eq!(bfgs(&mut nan, [0.0], 1e-8, 10).unwrap_err().iterations, 0);
        let mut unbounded = |x: &[f64; 1]| Some((-x[0], [-1.0]));
        assert!(bfgs(&mut unbounded, [0.0], 1e-8, 20).is_err());
        assert!(invert_spd(&[[1.0, 2.0], [2.0, 1.0]]).is_none());
        let mut sq = |x: &[f64; 1]| Some(x[0] * x[0]);
        let (v, g) = numeric_gradient(&mut sq, &[3.0], 1e-5).unwrap();
        assert!((v - 9.0).abs() < 1e-12 && (g[0] - 6.0).abs() < 1e-6);
    }
}
