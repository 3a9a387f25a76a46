"""Reference values for the Gaussian hypergeometric function near z = 1 (issue 20; src/lifecycle/special.rs).

Rerun: python3 -m venv /work/venv-bgbb && /work/venv-bgbb/bin/pip install mpmath
       /work/venv-bgbb/bin/python tests/data/hyp2f1_reference.py
mpmath 1.4.1 at 50 digits. The grid is given in w = 1 - z (exact doubles) down to 1e-12, so the Rust side can pass
w without rounding; z = 1 - w is formed here in 50-digit arithmetic. Printed as Rust tuples for the tests.
"""
import mpmath as mp

mp.mp.dps = 50
WS = ["0.3", "0.1", "0.01", "3e-4", "1e-4", "1e-6", "1e-9", "1e-12"]

# ln 2F1(1, b; c; 1 - w): (b, c) chosen for s = c - 1 - b non-integer (both signs), exactly integer (-1, 0, 1, 3),
# within 1e-5 and 1e-3 of an integer, and the Pareto/NBD CDNOW shapes (P = r + x, c = r + s + x + 1).
ONE = [(0.3, 2.0), (2.5, 3.0), (1.5, 2.5), (2.0, 6.0), (3.0, 3.0), (0.7, 1.7 + 1e-5), (4.2, 5.2 - 1e-3),
       (0.553, 2.159), (2.553, 4.159), (50.553, 52.159), (1.606, 3.159), (0.606, 0.606 + 0.553 + 1.0)]
print("// ln 2F1(1, b; c; 1 - w): (b, c, w, value)")
for b, c in ONE:
    for w in WS:
        wf = float(w)
        v = mp.log(mp.hyp2f1(1, mp.mpf(b), mp.mpf(c), 1 - mp.mpf(wf)))
        print(f"({b!r}, {c!r}, {wf!r}, {mp.nstr(v, 20)}),")

# ln 2F1(a, b; c; 1 - w) for the BG/NBD closed form: a = r + x, c = a_BG + b_BG + x... (posterior shapes).
GEN = [(0.243, 2.426, 2.219), (2.243, 3.426, 4.219), (1.5, 2.5, 6.0), (1.5, 2.5, 4.0), (0.8, 1.7, 1.8),
       (3.0, 0.5, 1.2)]
print("// ln 2F1(a, b; c; 1 - w): (a, b, c, w, value)")
for a, b, c in GEN:
    for w in WS:
        wf = float(w)
        v = mp.log(mp.hyp2f1(mp.mpf(a), mp.mpf(b), mp.mpf(c), 1 - mp.mpf(wf)))
        print(f"({a!r}, {b!r}, {c!r}, {wf!r}, {mp.nstr(v, 20)}),")

# BG/NBD expected purchases of an alive customer, E[(1 - (1 + p t/alpha)^-r)/p], p ~ Beta(a, b), by quadrature
# of the Beta integral (independent of the 2F1 closed form), for horizons t/alpha up to 1e12.
BG = [(0.243, 4.414, 0.793, 2.426), (2.243, 43.27, 1.3, 4.426), (0.5, 3.0, 1.0, 2.0), (0.5, 3.0, 1.0005, 2.0)]
print("// BG expected alive: (r, alpha, a, b, t, value)")
for r, al, a, b in BG:
    for ratio in ["1e5", "1e8", "1e12"]:
        t = float(ratio) * al
        r_, al_, a_, b_, t_ = map(mp.mpf, (r, al, a, b, t))
        f = lambda p: p ** (a_ - 2) * (1 - p) ** (b_ - 1) * -mp.expm1(-r_ * mp.log1p(p * t_ / al_))
        pts = [0] + [mp.mpf(10) ** -k for k in range(16, 0, -1)] + [mp.mpf("0.5"), 1]
        v = mp.quad(f, pts) / mp.beta(a_, b_)
        print(f"({r!r}, {al!r}, {a!r}, {b!r}, {t!r}, {mp.nstr(v, 20)}),")
