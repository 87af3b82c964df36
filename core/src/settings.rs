//! A row of a system's settings reference: a broker or client setting the simulator models, by
//! its real name, with its default, what it does (en, zh) and where it comes from. Each system
//! keeps its table (`kafka::config::REFERENCE`, `rocket::config::REFERENCE`); `mqplay defaults`
//! prints them and each system's panel shows its own.
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Setting {
    pub name: &'static str,
    /// Where it is set: `broker`, `producer`, `consumer` (or several).
    pub scope: &'static str,
    pub default: &'static str,
    pub en: &'static str,
    pub zh: &'static str,
    pub source: &'static str,
}
