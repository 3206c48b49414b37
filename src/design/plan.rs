//! How a design turns a point index into what each field takes: a digit of a
//! mixed-radix number (grids) or a draw derived from (seed, point) (random
//! designs). Nothing here grows with the number of points.

use crate::error::DesignError;

/// How random designs draw their points. Every draw is a function of
/// (seed, field, point index) alone: the same seed gives the same points
/// whatever the thread count or chunking.
///
/// ```
/// use dataspace::prelude::*;
/// use dataspace::{Axis, Sampler};
///
/// #[derive(DataSpace, Clone, Debug, PartialEq)]
/// struct P { u: f64 }
///
/// let axes = PAxes { u: Axis::uniform(0.0, 1.0) };
/// let design = PDesign::random(4, Sampler::LatinHypercube, 1, axes)?;
/// // Latin hypercube: one point in each quarter of [0, 1).
/// let mut strata: Vec<usize> = design.iter().map(|p| (p.u * 4.0) as usize).collect();
/// strata.sort();
/// assert_eq!(strata, [0, 1, 2, 3]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sampler {
    /// Independent uniform draws (SplitMix64 of seed, field and point).
    Uniform,
    /// Latin hypercube: per field, point `i` falls in stratum `perm(i)` of
    /// `n` equal strata, `perm` a keyed bijection of `0..n` computed per point
    /// (a Feistel network with cycle walking), jittered within the stratum.
    LatinHypercube,
    /// Owen-scrambled Sobol sequence (`sobol_burley`): at most 65,536 points
    /// and 256 random fields.
    Sobol,
}

/// The index arithmetic of a design: its number of points and, per field,
/// where point `i` sits on that field's axis.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    len: usize,
    kind: PlanKind,
}

#[derive(Clone, Debug, PartialEq)]
enum PlanKind {
    /// Per field `(stride, radix)`: the field's index of point `i` is
    /// `(i / stride) % radix`. Then the groups as given (fields zipped
    /// inside, multiplied across, the last fastest), for `describe`.
    Grid(Vec<(usize, usize)>, Vec<(Vec<usize>, usize)>),
    /// Point `i` is point `start + i * step` of `inner` (never itself strided).
    Strided {
        inner: Box<Plan>,
        start: usize,
        step: usize,
    },
    /// Per field: `Some(dimension)` for a random axis, `None` for a values
    /// axis (its index is 0 for one value, `i` for n values).
    Random {
        sampler: Sampler,
        seed: u64,
        fields: Vec<Option<u32>>,
        per_point: Vec<bool>,
    },
}

/// A field as a plan sees it: its name and its axis length (`None`: random).
pub type FieldAxis = (&'static str, Option<usize>);

impl Plan {
    /// A grid: groups of fields (indices into `fields`) combined as a product
    /// in the order given, the last group varying fastest; the fields of one
    /// group zipped (they must have equal lengths).
    pub fn grid(fields: &[FieldAxis], groups: &[Vec<usize>]) -> Result<Plan, DesignError> {
        for &(name, len) in fields {
            if len.is_none() {
                return Err(DesignError::RandomAxisInGrid { field: name });
            }
        }
        let mut strides = vec![(0usize, 0usize); fields.len()];
        // A group of length 0 empties the design, however long the others.
        let empty = groups.iter().any(|group| {
            group
                .first()
                .and_then(|&f| fields.get(f))
                .is_some_and(|&(_, len)| len == Some(0))
        });
        let mut len = 1usize;
        // The groups and their lengths, slowest first, for `describe`.
        let mut described = Vec::with_capacity(groups.len());
        for group in groups.iter().rev() {
            let Some(&first) = group.first() else {
                continue;
            };
            let field = |f: usize| {
                fields.get(f).ok_or_else(|| DesignError::UnknownField {
                    field: format!("number {f}"),
                })
            };
            let (first_name, group_len) =
                field(first).map(|&(name, len)| (name, len.unwrap_or(0)))?;
            for &f in group {
                let (name, field_len) = field(f).map(|&(name, len)| (name, len.unwrap_or(0)))?;
                if field_len != group_len {
                    return Err(DesignError::ZipLengths {
                        field: name,
                        len: field_len,
                        expected: group_len,
                        expected_from: first_name,
                    });
                }
                // An empty axis makes the design empty (len 0): the strides
                // of the groups before it are then never used for a real
                // point, but must not be 0, since packs divide by them.
                if let Some(stride) = strides.get_mut(f) {
                    *stride = (len.max(1), group_len.max(1));
                }
            }
            described.insert(0, (group.clone(), group_len));
            len = match len.checked_mul(group_len) {
                Some(len) => len,
                None if empty => 0,
                None => return Err(DesignError::TooManyPoints),
            };
        }
        Ok(Plan {
            len: if empty { 0 } else { len },
            kind: PlanKind::Grid(strides, described),
        })
    }

    /// `n` random points: fields with a random axis draw a value per point;
    /// fields with values take the one value, or value `i` if there are `n`.
    pub fn random(
        n: usize,
        sampler: Sampler,
        seed: u64,
        fields: &[FieldAxis],
    ) -> Result<Plan, DesignError> {
        let mut dims = Vec::with_capacity(fields.len());
        let mut per_point = Vec::with_capacity(fields.len());
        let mut next = 0u32;
        for &(name, len) in fields {
            match len {
                None => {
                    dims.push(Some(next));
                    per_point.push(false);
                    next += 1;
                }
                Some(1) => {
                    dims.push(None);
                    per_point.push(false);
                }
                Some(len) if len == n => {
                    dims.push(None);
                    per_point.push(true);
                }
                Some(len) => {
                    return Err(DesignError::ValuesInRandomDesign {
                        field: name,
                        len,
                        points: n,
                    });
                }
            }
        }
        // Sobol's limits concern the random fields: without any, nothing is drawn.
        if sampler == Sampler::Sobol && next > 0 && (n > 1 << 16 || next > 256) {
            return Err(DesignError::SobolLimits {
                points: n,
                fields: next as usize,
            });
        }
        Ok(Plan {
            len: n,
            kind: PlanKind::Random {
                sampler,
                seed,
                fields: dims,
                per_point,
            },
        })
    }

    /// How the points are made, in words, with the fields' names (`fields`,
    /// in declaration order): `product of eta (4) x (j, k) (8)`, `zip of
    /// eta, j (5)`, `random, 1000 points, LatinHypercube, seed 42`.
    pub fn describe(&self, fields: &[&str]) -> String {
        match &self.kind {
            PlanKind::Grid(_, groups) => {
                let parts: Vec<(String, usize)> = groups
                    .iter()
                    .map(|(group, len)| {
                        let names: Vec<&str> = group
                            .iter()
                            .filter_map(|&f| fields.get(f).copied())
                            .collect();
                        (names.join(", "), *len)
                    })
                    .collect();
                match parts.as_slice() {
                    [] => "product of no fields".to_owned(),
                    [(names, radix)] => {
                        let how = if names.contains(',') {
                            "zip"
                        } else {
                            "product"
                        };
                        format!("{how} of {names} ({radix})")
                    }
                    many => {
                        let factors: Vec<String> = many
                            .iter()
                            .map(|(names, radix)| match names.contains(',') {
                                true => format!("({names}) ({radix})"),
                                false => format!("{names} ({radix})"),
                            })
                            .collect();
                        format!("product of {}", factors.join(" x "))
                    }
                }
            }
            PlanKind::Random { sampler, seed, .. } => format!("random, {sampler:?}, seed {seed}"),
            PlanKind::Strided { inner, start, step } => format!(
                "every {step} of points {start}.. of a {} of {} points: {}",
                if matches!(inner.kind, PlanKind::Random { .. }) {
                    "random design"
                } else {
                    "grid"
                },
                inner.len,
                inner.describe(fields)
            ),
        }
    }

    /// Every `step`-th point of this plan from `start`, `len` of them (a
    /// range checked by the caller: `start + (len - 1) step` is a point of
    /// this plan). A strided plan's points are those of the plan it came from.
    pub fn strided(&self, start: usize, step: usize, len: usize) -> Plan {
        let (inner, start, step) = match &self.kind {
            PlanKind::Strided {
                inner,
                start: first,
                step: every,
            } => (inner.clone(), first + start * every, every * step),
            _ => (Box::new(self.clone()), start, step),
        };
        Plan {
            len,
            kind: PlanKind::Strided { inner, start, step },
        }
    }

    /// The number of points.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the design has no points.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Where point `i` sits on field `f`'s axis: `(index, unit draw)`. Grid
    /// and values axes use the index, random axes the draw in `[0, 1)`.
    ///
    /// `f` must be a field of the plan (generated code passes its field
    /// numbers, constants below the field count).
    #[inline]
    #[allow(clippy::indexing_slicing)] // f < fields: see above
    pub fn locate(&self, f: usize, i: usize) -> (usize, f64) {
        match &self.kind {
            PlanKind::Grid(strides, _) => {
                let (stride, radix) = strides[f];
                ((i / stride) % radix, 0.0)
            }
            PlanKind::Random {
                sampler,
                seed,
                fields,
                per_point,
            } => match fields[f] {
                Some(dim) => (0, draw(*sampler, *seed, dim, i, self.len)),
                None => (if per_point[f] { i } else { 0 }, 0.0),
            },
            PlanKind::Strided { inner, start, step } => {
                inner.locate(f, start.saturating_add(i.saturating_mul(*step)))
            }
        }
    }
}

impl Plan {
    /// [`locate`](Plan::locate) for the `V` points from `start`: for grids
    /// two divisions per pack instead of per point (the digits of
    /// consecutive points advance with a carry). Points at or past the end
    /// get some in-range index; callers put fill in those lanes. `f` as
    /// for `locate`.
    #[inline]
    #[allow(clippy::indexing_slicing)] // f < fields: see `locate`
    pub fn locate_lanes<const V: usize>(&self, f: usize, start: usize) -> [(usize, f64); V] {
        match &self.kind {
            PlanKind::Grid(strides, _) => {
                let (stride, radix) = strides[f];
                let (mut within, mut digit) = (start % stride, (start / stride) % radix);
                core::array::from_fn(|_| {
                    let here = (digit, 0.0);
                    within += 1;
                    if within == stride {
                        within = 0;
                        digit += 1;
                        if digit == radix {
                            digit = 0;
                        }
                    }
                    here
                })
            }
            PlanKind::Random { .. } | PlanKind::Strided { .. } => core::array::from_fn(|k| {
                let i = start.saturating_add(k);
                if i < self.len {
                    self.locate(f, i)
                } else {
                    (0, 0.0)
                }
            }),
        }
    }
}

/// SplitMix64's finaliser: a bijective mix of 64 bits.
#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform draw in `[0, 1)` from (seed, stream, index), 53 bits.
#[inline]
fn unit(seed: u64, stream: u64, index: u64) -> f64 {
    let z = mix(seed
        ^ mix(stream.wrapping_add(0x9E37_79B9_7F4A_7C15))
        ^ mix(index.wrapping_mul(0xD6E8_FEB8_6659_FD93)));
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// Point `i`'s unit draw in `[0, 1)` for random dimension `dim` of an
/// `n`-point design drawn by `sampler` with `seed`.
pub(crate) fn draw(sampler: Sampler, seed: u64, dim: u32, i: usize, n: usize) -> f64 {
    match sampler {
        Sampler::Uniform => unit(seed, dim as u64, i as u64),
        Sampler::LatinHypercube => {
            let stratum = permute(i as u64, n as u64, seed ^ mix(dim as u64 + 1));
            // Below 1 even where the division rounds up to it (n beyond
            // 2^53, where strata are finer than f64 resolves anyway).
            ((stratum as f64 + unit(seed, (dim as u64) << 32 | 1, i as u64)) / n as f64)
                .min(1.0 - f64::EPSILON / 2.0)
        }
        // sobol_burley takes a 32-bit seed: fold all 64 bits in, so that seeds
        // differing only in their upper half give different designs.
        Sampler::Sobol => sobol_burley::sample(i as u32, dim, fold_seed(seed)) as f64,
    }
}

/// A 64-bit seed as 32 bits that depend on all 64.
fn fold_seed(seed: u64) -> u32 {
    let z = mix(seed);
    (z ^ (z >> 32)) as u32
}

/// A keyed bijection of `0..n`, computed for one index: a 4-round Feistel
/// network on the smallest even number of bits covering `n`, walking the
/// cycle until the image falls below `n` (fewer than 4 steps on average).
fn permute(i: u64, n: u64, key: u64) -> u64 {
    if n <= 1 {
        return 0;
    }
    let bits = (64 - (n - 1).leading_zeros()).div_ceil(2).max(1);
    let mask = (1u64 << bits) - 1;
    let mut x = i;
    loop {
        let (mut left, mut right) = (x >> bits, x & mask);
        for round in 0..4u64 {
            let f = mix(right ^ key.wrapping_add(round.wrapping_mul(0x9E37_79B9_7F4A_7C15))) & mask;
            (left, right) = (right, left ^ f);
        }
        x = (left << bits) | right;
        if x < n {
            return x;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_is_c_order_with_the_last_field_fastest() {
        let plan = Plan::grid(&[("a", Some(2)), ("b", Some(3))], &[vec![0], vec![1]]).unwrap();
        assert_eq!(plan.len(), 6);
        let table: Vec<(usize, usize)> = (0..6)
            .map(|i| (plan.locate(0, i).0, plan.locate(1, i).0))
            .collect();
        assert_eq!(table, [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]);
    }

    #[test]
    fn zip_advances_together_and_rejects_unequal_lengths() {
        let plan = Plan::grid(&[("a", Some(3)), ("b", Some(3))], &[vec![0, 1]]).unwrap();
        assert_eq!(plan.len(), 3);
        assert!((0..3).all(|i| plan.locate(0, i).0 == i && plan.locate(1, i).0 == i));
        let error = Plan::grid(&[("a", Some(3)), ("b", Some(2))], &[vec![0, 1]]).unwrap_err();
        assert_eq!(
            error,
            DesignError::ZipLengths {
                field: "b",
                len: 2,
                expected: 3,
                expected_from: "a"
            }
        );
    }

    #[test]
    fn locate_lanes_agrees_with_locate_point_by_point() {
        let axes = [("a", Some(3)), ("b", Some(5)), ("c", Some(7))];
        let plan = Plan::grid(&axes, &[vec![0], vec![1], vec![2]]).unwrap();
        for start in [0, 1, 6, 34, 100] {
            for f in 0..3 {
                let lanes = plan.locate_lanes::<16>(f, start);
                for (k, lane) in lanes
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| start + k < plan.len())
                {
                    assert_eq!(
                        *lane,
                        plan.locate(f, start + k),
                        "field {f}, point {}",
                        start + k
                    );
                }
            }
        }
        let random = Plan::random(10, Sampler::LatinHypercube, 3, &[("x", None)]).unwrap();
        let lanes = random.locate_lanes::<16>(0, 0);
        assert!((0..10).all(|i| lanes[i] == random.locate(0, i)));
    }

    #[test]
    fn permute_is_a_bijection() {
        for n in [1u64, 2, 3, 7, 64, 100, 1000] {
            let mut seen: Vec<u64> = (0..n).map(|i| permute(i, n, 42)).collect();
            seen.sort_unstable();
            assert_eq!(seen, (0..n).collect::<Vec<_>>(), "n = {n}");
        }
    }

    #[test]
    fn latin_hypercube_puts_one_point_in_each_stratum() {
        let n = 97;
        let plan =
            Plan::random(n, Sampler::LatinHypercube, 7, &[("a", None), ("b", None)]).unwrap();
        for f in 0..2 {
            let mut strata: Vec<usize> = (0..n)
                .map(|i| (plan.locate(f, i).1 * n as f64) as usize)
                .collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..n).collect::<Vec<_>>());
        }
    }

    #[test]
    fn draws_are_in_the_unit_interval_and_depend_on_the_seed() {
        for sampler in [Sampler::Uniform, Sampler::LatinHypercube, Sampler::Sobol] {
            let a = Plan::random(500, sampler, 1, &[("x", None)]).unwrap();
            let b = Plan::random(500, sampler, 2, &[("x", None)]).unwrap();
            assert!((0..500).all(|i| (0.0..1.0).contains(&a.locate(0, i).1)));
            assert!(
                (0..500).any(|i| a.locate(0, i).1 != b.locate(0, i).1),
                "{sampler:?}"
            );
        }
    }

    #[test]
    fn sobol_limits_are_errors() {
        let error = Plan::random(1 << 17, Sampler::Sobol, 0, &[("x", None)]).unwrap_err();
        assert_eq!(
            error,
            DesignError::SobolLimits {
                points: 1 << 17,
                fields: 1
            }
        );
    }

    #[test]
    fn a_design_of_a_billion_points_needs_no_memory_per_point() {
        let axes: Vec<FieldAxis> = vec![("a", Some(1000)), ("b", Some(1000)), ("c", Some(1000))];
        let plan = Plan::grid(&axes, &[vec![0], vec![1], vec![2]]).unwrap();
        assert_eq!(plan.len(), 1_000_000_000);
        assert_eq!(
            (
                plan.locate(0, 999_999_999).0,
                plan.locate(1, 999_999_999).0,
                plan.locate(2, 123_456_789).0
            ),
            (999, 999, 789)
        );
    }
}
