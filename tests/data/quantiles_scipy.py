"""Reference quantiles for the distribution axes (`Axis::normal`, `lognormal`, `truncated_normal`, `beta`,
`gamma`) at unit draws spread over (0, 1), the tails included: scipy's `ppf`, and the exact quantile from mpmath
at 50 digits (rounded to f64), since scipy's `truncnorm` loses precision far in a tail. Writes
quantiles_scipy.csv beside this script: distribution, its four parameters (unused ones 0), u, scipy's
quantile, mpmath's (repr, round-trip). Made with scipy 1.17.1, numpy 2.4.6, mpmath 1.4.1:
python3 tests/data/quantiles_scipy.py"""
import os

import mpmath as mp
import numpy as np
from scipy import stats

mp.mp.dps = 60


def exact(name, params, u):
    """The u-quantile to 50 digits."""
    u = mp.mpf(u)
    phi = lambda z: mp.ncdf(z)
    def inv_phi(p):
        return mp.findroot(lambda z: phi(z) - p, mp.sqrt(2) * mp.erfinv(2 * p - 1))
    if name == "normal":
        return params[0] + params[1] * inv_phi(u)
    if name == "lognormal":
        return mp.exp(params[0] + params[1] * inv_phi(u))
    if name == "truncated_normal":
        mean, sd, lo, hi = (mp.mpf(x) for x in params)
        a, b = (lo - mean) / sd, (hi - mean) / sd
        lower, upper = phi(a), phi(b)
        return mean + sd * inv_phi(lower + u * (upper - lower))
    if name == "beta":
        a, b, lo, hi = (mp.mpf(x) for x in params)
        # Bisection in ln x (the incomplete beta is monotonic in x), so that
        # quantiles far below 1e-100 are resolved too.
        left, right = mp.mpf(-1000), mp.mpf(0)
        for _ in range(400):
            mid = (left + right) / 2
            if mp.betainc(a, b, 0, mp.exp(mid), regularized=True) < u:
                left = mid
            else:
                right = mid
        return lo + (hi - lo) * mp.exp((left + right) / 2)
    if name == "gamma":
        k, scale = mp.mpf(params[0]), mp.mpf(params[1])
        # Bisection in log x: the lower regularized incomplete gamma is monotonic.
        lo_t, hi_t = mp.mpf(-400), mp.log(k) + 10
        for _ in range(400):
            mid = (lo_t + hi_t) / 2
            if mp.gammainc(k, 0, mp.exp(mid), regularized=True) < u:
                lo_t = mid
            else:
                hi_t = mid
        return mp.exp((lo_t + hi_t) / 2) * scale
    raise ValueError(name)


us = [2.0**-53, 1e-12, 1e-6, 0.001, 0.025, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.975, 0.999, 1 - 1e-6,
      1 - 2.0**-52]
rows = []
cases = [
    ("normal", (0.0, 1.0, 0, 0), lambda p: stats.norm.ppf(p)),
    ("normal", (-4.5, 0.5, 0, 0), lambda p: stats.norm.ppf(p, -4.5, 0.5)),
    ("lognormal", (2.0, 1.0, 0, 0), lambda p: stats.lognorm.ppf(p, 1.0, scale=np.exp(2.0))),
    ("lognormal", (-1.0, 0.25, 0, 0), lambda p: stats.lognorm.ppf(p, 0.25, scale=np.exp(-1.0))),
]
for mean, sd, lo, hi in [(0.2, 0.5, 0.0, np.inf), (0.0, 1.0, -1.0, 2.0), (0.0, 1.0, 5.0, 6.0),
                         (0.0, 1.0, -9.0, -8.0), (10.0, 2.0, -np.inf, 9.0)]:
    a, b = (lo - mean) / sd, (hi - mean) / sd
    cases.append(("truncated_normal", (mean, sd, lo, hi),
                  lambda p, a=a, b=b, mean=mean, sd=sd: stats.truncnorm.ppf(p, a, b, mean, sd)))
for a, b, lo, hi in [(2.0, 5.0, 0.0, 1.0), (0.5, 0.5, 10.0, 20.0), (30.0, 2.0, -1.0, 1.0), (1.0, 1.0, 0.0, 3.0),
                     (0.001, 1.0, 0.0, 1.0), (1.0, 0.001, 0.0, 1.0), (0.01, 0.05, 0.0, 1.0), (1e3, 1e3, 0.0, 1.0)]:
    cases.append(("beta", (a, b, lo, hi), lambda p, a=a, b=b, lo=lo, hi=hi: stats.beta.ppf(p, a, b, lo, hi - lo)))
for shape, scale in [(2.0, 3.0), (0.3, 1.0), (50.0, 0.1), (1.0, 2.0), (1e4, 1.0)]:
    cases.append(("gamma", (shape, scale, 0, 0), lambda p, k=shape, s=scale: stats.gamma.ppf(p, k, scale=s)))
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "quantiles_scipy.csv"), "w") as out:
    out.write("distribution,p0,p1,p2,p3,u,scipy,exact\n")
    for name, params, ppf in cases:
        for u in us:
            q, e = float(ppf(u)), float(exact(name, params, u))
            out.write(",".join([name] + [repr(float(x)) for x in params] + [repr(u), repr(q), repr(e)]) + "\n")
