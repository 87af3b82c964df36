//! Key colours. A record's cell is filled with its key's colour, so a learner sees the same key
//! land in the same partition and keep its order. Colours come from a fixed palette of ten that
//! stay distinct from each other (and from grey, kept for keyless records), handed out in the
//! order keys first appear on the page, so the first ten keys never share a colour. Later keys get
//! a hashed hue; the legend names what each colour means.
use std::collections::BTreeMap;

use mqplay_core::kafka::partitioner::{murmur2, to_positive};
use mqplay_core::kafka::view::KafkaView;

/// Light fills, one hue family each (red, orange, yellow, lime, green, teal, sky, indigo, purple,
/// pink), all dark-text readable.
pub const PALETTE: &[&str] = &[
    "#fca5a5", "#fdba74", "#fde047", "#bef264", "#86efac", "#5eead4", "#7dd3fc", "#a5b4fc", "#d8b4fe", "#f9a8d4",
];
pub const NO_KEY: &str = "#cbd5e1";
/// Keys remembered (a bound: a page with millions of distinct keys keeps hashing the rest).
pub const MAX_KEYS: usize = 1024;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyPalette {
    order: BTreeMap<String, usize>,
}

impl KeyPalette {
    fn keys(view: &KafkaView) -> impl Iterator<Item = &str> {
        view.topics
            .iter()
            .flat_map(|t| t.partitions.iter())
            .flat_map(|p| p.tail.iter())
            .filter_map(|r| r.key.as_deref())
    }

    /// Whether every key the view shows has its colour already (or no more can be learned).
    pub fn knows_all(&self, view: &KafkaView) -> bool {
        self.order.len() >= MAX_KEYS || Self::keys(view).all(|k| self.order.contains_key(k))
    }

    /// Learns the keys the view shows, oldest offset first within each lane.
    pub fn learn(&mut self, view: &KafkaView) {
        for k in Self::keys(view) {
            self.see(k);
        }
    }

    fn see(&mut self, key: &str) {
        if self.order.len() < MAX_KEYS && !self.order.contains_key(key) {
            let n = self.order.len();
            self.order.insert(key.to_string(), n);
        }
    }

    pub fn color(&self, key: Option<&str>) -> String {
        let Some(key) = key else { return NO_KEY.into() };
        match self.order.get(key) {
            Some(&i) if i < PALETTE.len() => PALETTE[i].into(),
            // Beyond the palette: a hue from murmur2, reproducible anywhere.
            _ => format!("hsl({}, 70%, 74%)", to_positive(murmur2(key.as_bytes())) % 360),
        }
    }

    /// Whether a key has a palette colour of its own (shared by no other key).
    pub fn is_distinct(&self, key: &str) -> bool {
        self.order.get(key).is_some_and(|&i| i < PALETTE.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_ten_keys_get_ten_different_colours_and_keep_them() {
        let mut p = KeyPalette::default();
        for i in 0..12 {
            p.see(&format!("k{i}"));
        }
        let colours: Vec<String> = (0..10).map(|i| p.color(Some(&format!("k{i}")))).collect();
        let mut unique = colours.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 10);
        assert!(!colours.contains(&NO_KEY.to_string()));
        p.see("k0");
        assert_eq!(p.color(Some("k0")), colours[0], "seeing a key again keeps its colour");
        assert!(p.is_distinct("k9") && !p.is_distinct("k10"));
        assert_eq!(p.color(None), NO_KEY);
    }
}
