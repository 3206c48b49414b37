"""Writes linspace.csv: numpy's linspace/logspace values, as bits, that
tests/adversarial/wrong_results.rs compares Axis::linspace/logspace with.

Run with numpy installed: python tests/data/make_linspace.py
"""
import numpy as np

# (kind, dtype, lo, hi, n). f32 rows: lo and hi are f32 values, computed in
# float64 by numpy (as for Python floats) and then rounded to float32.
CASES = [
    ("lin", "f64", -6.0, -3.0, 256),
    ("lin", "f64", 0.0, 0.3, 4),
    ("lin", "f64", 0.0, 1.0, 7),
    ("lin", "f64", 0.0, 1.0, 1001),
    ("lin", "f64", 5.0, -3.0, 11),
    ("lin", "f64", -1e10, 1e10, 333),
    ("lin", "f64", 0.1, 0.7, 3),
    ("lin", "f64", 2.0, 5.0, 1),
    ("lin", "f64", 0.0, 5e-324, 10),  # the step underflows to 0: numpy's special case
    ("lin", "f64", 1.0, 1.0, 5),
    ("lin", "f32", 0.0, 0.3, 4),
    ("lin", "f32", -6.0, -3.0, 256),
    ("lin", "f32", 0.1, 0.7, 50),
    ("log", "f64", -2.0, 1.0, 4),
    ("log", "f64", -3.0, 3.0, 61),
    ("log", "f64", 5.0, 7.0, 1),
    ("log", "f32", -1.0, 1.0, 29),
]

with open("tests/data/linspace.csv", "w") as out:
    out.write(f"# numpy {np.__version__}: kind,dtype,lo,hi,n,k,bits (hex)\n")
    for kind, dtype, lo, hi, n in CASES:
        if dtype == "f32":
            lo, hi = float(np.float32(lo)), float(np.float32(hi))
        f = np.linspace if kind == "lin" else np.logspace
        values = f(lo, hi, n)  # float64, as numpy computes for Python floats
        if dtype == "f32":
            bits = values.astype(np.float32).view(np.uint32)
        else:
            bits = values.view(np.uint64)
        for k, b in enumerate(bits):
            out.write(f"{kind},{dtype},{lo!r},{hi!r},{n},{k},{int(b):x}\n")
