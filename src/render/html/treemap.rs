//! The squarified treemap layout (Bruls, Huizing, van Wijk 2000), computed here so the
//! HTML report carries plain SVG rectangles and needs no script to draw them.

/// An axis-aligned rectangle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    /// The same rectangle shrunk by `p` on every side (never below zero size).
    pub fn inset(self, p: f64) -> Rect {
        let w = (self.w - 2.0 * p).max(0.0);
        let h = (self.h - 2.0 * p).max(0.0);
        Rect {
            x: self.x + (self.w - w) / 2.0,
            y: self.y + (self.h - h) / 2.0,
            w,
            h,
        }
    }
}

/// The worst aspect ratio of a row of `areas` laid along a side of length `side`.
fn worst(areas: &[f64], side: f64) -> f64 {
    let sum: f64 = areas.iter().sum();
    let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
    for &a in areas {
        lo = lo.min(a);
        hi = hi.max(a);
    }
    if sum <= 0.0 || lo <= 0.0 || side <= 0.0 {
        return f64::INFINITY;
    }
    let s2 = side * side;
    let sum2 = sum * sum;
    (s2 * hi / sum2).max(sum2 / (s2 * lo))
}

/// Lay `values` out in `area`, one rectangle per value, in the same order.
///
/// Values should be sorted largest first (the algorithm's premise); zero or negative
/// values get an empty rectangle. The rectangles tile `area` exactly.
pub fn squarify(values: &[f64], area: Rect) -> Vec<Rect> {
    let empty = Rect {
        x: area.x,
        y: area.y,
        w: 0.0,
        h: 0.0,
    };
    let mut out = vec![empty; values.len()];
    let idx: Vec<usize> = (0..values.len()).filter(|&i| values[i] > 0.0).collect();
    let total: f64 = idx.iter().map(|&i| values[i]).sum();
    if total <= 0.0 || area.w <= 0.0 || area.h <= 0.0 {
        return out;
    }
    let scale = area.w * area.h / total;
    let areas: Vec<f64> = idx.iter().map(|&i| values[i] * scale).collect();
    let mut free = area;
    let mut start = 0;
    while start < areas.len() {
        let side = free.w.min(free.h);
        let mut end = start + 1;
        let mut best = worst(&areas[start..end], side);
        while end < areas.len() {
            let next = worst(&areas[start..=end], side);
            if next > best {
                break;
            }
            best = next;
            end += 1;
        }
        let last = end == areas.len();
        let row_sum: f64 = areas[start..end].iter().sum();
        if free.w >= free.h {
            // A column along the left side.
            let cw = if last { free.w } else { row_sum / free.h };
            let mut y = free.y;
            for (k, a) in areas[start..end].iter().enumerate() {
                let h = if k + 1 == end - start {
                    free.y + free.h - y
                } else {
                    a / cw
                };
                out[idx[start + k]] = Rect {
                    x: free.x,
                    y,
                    w: cw,
                    h,
                };
                y += h;
            }
            free.x += cw;
            free.w = (free.w - cw).max(0.0);
        } else {
            // A row along the top.
            let rh = if last { free.h } else { row_sum / free.w };
            let mut x = free.x;
            for (k, a) in areas[start..end].iter().enumerate() {
                let w = if k + 1 == end - start {
                    free.x + free.w - x
                } else {
                    a / rh
                };
                out[idx[start + k]] = Rect {
                    x,
                    y: free.y,
                    w,
                    h: rh,
                };
                x += w;
            }
            free.y += rh;
            free.h = (free.h - rh).max(0.0);
        }
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const AREA: Rect = Rect {
        x: 10.0,
        y: 20.0,
        w: 600.0,
        h: 400.0,
    };

    fn overlap(a: &Rect, b: &Rect) -> f64 {
        let w = (a.x + a.w).min(b.x + b.w) - a.x.max(b.x);
        let h = (a.y + a.h).min(b.y + b.h) - a.y.max(b.y);
        w.max(0.0) * h.max(0.0)
    }

    #[test]
    fn tiles_the_area_proportionally_without_overlap() {
        let values = [6.0, 6.0, 4.0, 3.0, 2.0, 2.0, 1.0, 0.0];
        let rects = squarify(&values, AREA);
        let total: f64 = values.iter().sum();
        for (v, r) in values.iter().zip(&rects) {
            let want = v / total * AREA.w * AREA.h;
            assert!((r.w * r.h - want).abs() < 1e-6, "{r:?} for {v}");
            assert!(r.x >= AREA.x - 1e-9 && r.y >= AREA.y - 1e-9);
            assert!(r.x + r.w <= AREA.x + AREA.w + 1e-9);
            assert!(r.y + r.h <= AREA.y + AREA.h + 1e-9);
        }
        for i in 0..rects.len() {
            for j in i + 1..rects.len() {
                assert!(overlap(&rects[i], &rects[j]) < 1e-6, "{i} and {j} overlap");
            }
        }
    }

    #[test]
    fn squares_stay_squarish() {
        // The paper's example: the worst ratio stays small.
        let rects = squarify(&[6.0, 6.0, 4.0, 3.0, 2.0, 2.0, 1.0], AREA);
        for r in &rects {
            let ratio = (r.w / r.h).max(r.h / r.w);
            assert!(ratio < 4.0, "{r:?}");
        }
    }

    #[test]
    fn degenerate_inputs() {
        assert!(squarify(&[], AREA).is_empty());
        let r = squarify(&[0.0, 0.0], AREA);
        assert!(r.iter().all(|r| r.w == 0.0 && r.h == 0.0));
        let one = squarify(&[5.0], AREA);
        assert_eq!(one[0], AREA);
    }
}
