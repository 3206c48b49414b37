# Near-minimax fit of the f32 polynomial in `FloatPack::logistic` (src/simd/float.rs, EXP_F32.logistic_poly).
# Run with numpy: python3 tools/fit_logistic_poly.py
# Near-minimax relative fit of e^-s on |s| <= ln(2)/2 (a little wider for the f32 rounding of s),
# degree 6 with c0 = 1, by iteratively reweighted least squares; then the error of the f32 Horner chain.
import numpy as np
h = np.log(2) / 2 * 1.0005
x = np.linspace(-h, h, 200001)
f = np.exp(-x)
deg = 6
w = np.ones_like(x)
for it in range(60):
    A = np.stack([x**k for k in range(1, deg + 1)], axis=1) / f[:, None]
    b = (f - 1) / f
    c, *_ = np.linalg.lstsq(A * w[:, None], b * w, rcond=None)
    err = (1 + A @ c * f - f) / f
    w = w * (1 + 4 * np.abs(err) / np.abs(err).max())
    w /= w.mean()
coef = np.concatenate([[1.0], c])
print("max rel err (exact arithmetic):", np.abs(err).max())
c32 = coef.astype(np.float32)
x32 = x.astype(np.float32)
z = np.float32(c32[-1]) * np.ones_like(x32)
for k in range(deg - 1, -1, -1):
    z = (z.astype(np.float64) * x32 + c32[k]).astype(np.float32)  # fma: one rounding
print("max rel err f32 Horner:", np.abs((z.astype(np.float64) - np.exp(-x32.astype(np.float64))) / np.exp(-x32.astype(np.float64))).max())
print("coefficients, power 0 first:", [float(v) for v in c32])
