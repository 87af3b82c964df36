//! Share links carry the scenario in the URL fragment: `#s=<base64url(UTF-8 JSON)>&step=<n>`.
//! The fragment never reaches a server. Decoding is strict and returns an error, never panics.
//! It lives in the core so native tests prove that what loads can be shared and loaded again.
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::scenario::{ScenarioError, MAX_DOCUMENT_BYTES};
use crate::Scenario;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

pub fn decode(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let digits: Result<Vec<u32>, String> = text
        .bytes()
        .map(|c| {
            ALPHABET
                .iter()
                .position(|a| *a == c)
                .map(|p| p as u32)
                .ok_or_else(|| format!("`{}` is not base64url", c as char))
        })
        .collect();
    let digits = digits?;
    if digits.len() % 4 == 1 {
        return Err("the encoded scenario is truncated".into());
    }
    for chunk in digits.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, d)| n | (d << (18 - 6 * i)));
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Ok(out)
}

/// What a link carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Shared {
    pub scenario: Scenario,
    pub step: u64,
}

pub fn fragment(scenario: &Scenario, step: u64) -> String {
    let json = serde_json::to_string(scenario).unwrap_or_default();
    format!("#s={}&step={step}", encode(json.as_bytes()))
}

/// `Ok(None)` when the fragment carries no scenario. The step is what the link says; the page
/// clamps it to what the scenario can reach when it seeks (`Sim::seek`).
pub fn parse_fragment(fragment: &str) -> Result<Option<Shared>, Vec<ScenarioError>> {
    let fail = |reason: String| {
        alloc::vec![ScenarioError {
            path: "link".into(),
            reason,
        }]
    };
    let body = fragment.trim_start_matches('#');
    let mut scenario_text = None;
    let mut step = 0;
    for part in body.split('&') {
        if let Some(v) = part.strip_prefix("s=") {
            scenario_text = Some(v);
        } else if let Some(v) = part.strip_prefix("step=") {
            step = v.parse().map_err(|_| fail(format!("step `{v}` is not a number")))?;
        }
    }
    let Some(encoded) = scenario_text else {
        return Ok(None);
    };
    if encoded.len() > MAX_DOCUMENT_BYTES * 4 / 3 + 4 {
        return Err(fail("the scenario in the link is larger than 1 MiB".into()));
    }
    let bytes = decode(encoded).map_err(fail)?;
    let text = String::from_utf8(bytes).map_err(|_| fail("the scenario in the link is not UTF-8".into()))?;
    let scenario = Scenario::from_json(&text)?;
    Ok(Some(Shared { scenario, step }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_length() {
        for n in 0..40u8 {
            let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37)).collect();
            assert_eq!(decode(&encode(&bytes)).unwrap(), bytes);
        }
        assert_eq!(encode(b"Man"), "TWFu");
        assert_eq!(encode(b"Ma"), "TWE");
    }

    #[test]
    fn scenario_travels_in_a_fragment() {
        let s = crate::catalog::default_scenario();
        let shared = parse_fragment(&fragment(&s, 17)).unwrap().unwrap();
        assert_eq!(shared.scenario, s);
        assert_eq!(shared.step, 17);
    }

    #[test]
    fn bad_fragments_are_errors() {
        assert!(parse_fragment("#s=@@@").is_err());
        assert!(parse_fragment("#s=e").is_err());
        assert!(parse_fragment(&format!("#s={}", encode(b"{\"version\":1"))).is_err());
        assert!(parse_fragment("#s=e30&step=x").is_err(), "a step that is not a number");
        assert_eq!(parse_fragment("#other=1").unwrap(), None);
    }
}
