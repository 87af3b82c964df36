//! One layout system for every broker view. A view has three bands: *sources* (producers,
//! publishers), the *middle* (brokers and their logs, exchanges and queues) and *sinks* (consumers
//! and groups). Wide, the bands are columns left to right; compact (a phone), they stack top to
//! bottom across the full width, so the whole view fits the screen without a sideways scroll.
//! A system lays its elements out inside the rectangles this gives it; the motion layer then
//! draws travel between the anchor points the system reports.

/// The page width (CSS px) under which views use their compact layout.
pub const COMPACT_BELOW_PX: f64 = 700.0;

/// Drawing widths (SVG user units): the SVG scales to its panel, so text keeps a readable size
/// when the width matches what the panel offers at that layout.
pub const WIDE_WIDTH: f64 = 1000.0;
pub const COMPACT_WIDTH: f64 = 400.0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn right(&self) -> f64 {
        self.x + self.w
    }
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
    pub fn center(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame {
    pub compact: bool,
}

/// Widths of the three bands when wide, as fractions of the drawing (source, middle, sink).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandShares {
    pub sources: f64,
    pub middle: f64,
    pub sinks: f64,
}

/// Where each band starts: wide, `x` offsets side by side (all from `top`); compact, stacked,
/// each starting where the previous one ended (the system passes each band's height).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bands {
    pub sources: Rect,
    pub middle: Rect,
    pub sinks: Rect,
}

/// Gap between bands.
pub const BAND_GAP: f64 = 14.0;
/// Room above the bands for column titles (wide only; compact titles sit inside each band).
pub const TITLE_H: f64 = 24.0;

impl Frame {
    pub fn width(&self) -> f64 {
        if self.compact {
            COMPACT_WIDTH
        } else {
            WIDE_WIDTH
        }
    }

    /// The three bands, given how tall each one's content is.
    pub fn bands(&self, shares: BandShares, heights: [f64; 3]) -> Bands {
        let width = self.width();
        if self.compact {
            let mut y = 6.0;
            let mut band = |h: f64| {
                let r = Rect {
                    x: 4.0,
                    y,
                    w: width - 8.0,
                    h,
                };
                y += h + if h > 0.0 { BAND_GAP } else { 0.0 };
                r
            };
            let sources = band(heights[0]);
            let middle = band(heights[1]);
            let sinks = band(heights[2]);
            Bands { sources, middle, sinks }
        } else {
            let total = shares.sources + shares.middle + shares.sinks;
            let usable = width - 2.0 * BAND_GAP - 12.0;
            let w = |share: f64| usable * share / total;
            let top = TITLE_H + 6.0;
            let sources = Rect {
                x: 6.0,
                y: top,
                w: w(shares.sources),
                h: heights[0],
            };
            let middle = Rect {
                x: sources.right() + BAND_GAP,
                y: top,
                w: w(shares.middle),
                h: heights[1],
            };
            let sinks = Rect {
                x: middle.right() + BAND_GAP,
                y: top,
                w: w(shares.sinks),
                h: heights[2],
            };
            Bands { sources, middle, sinks }
        }
    }
}

impl Bands {
    /// The drawing's height: the lowest band's bottom plus a margin.
    pub fn height(&self) -> f64 {
        self.sources.bottom().max(self.middle.bottom()).max(self.sinks.bottom()) + 10.0
    }
}

/// `text` cut to about `width` latin characters (a CJK character counts two), with "…" when cut:
/// SVG text does not wrap, and a label must not run out of its card.
pub fn fit(text: &str, width: usize) -> String {
    let mut used = 0;
    let mut out = String::new();
    for c in text.chars() {
        let w = if c > '\u{2e80}' { 2 } else { 1 };
        if used + w > width {
            out.pop();
            out.push('…');
            return out;
        }
        used += w;
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHARES: BandShares = BandShares {
        sources: 1.0,
        middle: 4.0,
        sinks: 1.5,
    };

    #[test]
    fn wide_bands_sit_side_by_side_and_compact_ones_stack_inside_the_width() {
        let wide = Frame { compact: false }.bands(SHARES, [50.0, 300.0, 120.0]);
        assert!(wide.sources.right() < wide.middle.x && wide.middle.right() < wide.sinks.x);
        assert!(wide.sinks.right() <= WIDE_WIDTH);
        assert_eq!(wide.height(), wide.middle.bottom() + 10.0);
        let compact = Frame { compact: true }.bands(SHARES, [50.0, 300.0, 120.0]);
        assert!(compact.sources.bottom() < compact.middle.y && compact.middle.bottom() < compact.sinks.y);
        for r in [compact.sources, compact.middle, compact.sinks] {
            assert!(r.x >= 0.0 && r.right() <= COMPACT_WIDTH, "{r:?} leaves the drawing");
        }
    }
}
