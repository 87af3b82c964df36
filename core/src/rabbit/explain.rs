//! The pattern tester: route a trial publish (an exchange, a routing key, simple headers) through
//! the broker's current topology without publishing it, and say for every binding looked at
//! whether it matched and why — word by word for a topic key, argument by argument for headers.
//! It is `routing::route`, the same walk a real publish takes; nothing is enqueued.
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde::Serialize;

use super::routing::{
    route, AlternateUse, BindingReason, Destination, FieldValue, HeaderArgOutcome, Table, Topology, Via,
};
use crate::scenario::Text;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteTrial {
    /// The channel error a real publish would get (404 for a missing exchange, ...).
    pub error: Option<String>,
    pub exchanges: Vec<TrialExchange>,
    /// Queues the message would reach, in name order.
    pub queues: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrialExchange {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// How the walk came here.
    pub via: Text,
    pub bindings: Vec<TrialBinding>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrialBinding {
    /// `queue q` or `exchange x`.
    pub destination: String,
    pub matched: bool,
    pub why: Text,
}

fn text(en: String, zh: String) -> Text {
    Text { en, zh }
}

/// Headers typed as `key=value, key=value`: an integer value is a `long`, anything else a
/// `longstr` (the types a learner most often means). A key without `=` is refused.
pub fn parse_headers(input: &str) -> Result<Table, String> {
    let mut table = Table::new();
    for part in input.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((key, value)) = part.split_once('=') else {
            return Err(format!("`{part}`: write headers as key=value, separated by commas"));
        };
        let (key, value) = (key.trim(), value.trim());
        if key.is_empty() || key.len() > super::spec::MAX_SHORTSTR_BYTES {
            return Err(format!("`{part}`: a header key holds 1 to 255 bytes"));
        }
        let value = match value.parse::<i64>() {
            Ok(n) => FieldValue::Long(n),
            Err(_) => FieldValue::longstr(value),
        };
        table.push((key.to_string(), value));
    }
    Ok(table)
}

fn value_text(v: &FieldValue) -> String {
    match v {
        FieldValue::LongStr(s) => s.clone(),
        FieldValue::Void => "(any value)".into(),
        other => super::routing::erlang_term_text(other),
    }
}

/// Routes the trial through `topology` and explains every binding it looked at.
pub fn try_route(topology: &Topology, exchange: &str, routing_key: &str, headers: &Table) -> RouteTrial {
    let routed = match route(topology, exchange, routing_key, headers) {
        Ok(r) => r,
        Err(e) => {
            return RouteTrial {
                error: Some(format!("{} {}", e.code.value(), e.reply_text())),
                exchanges: Vec::new(),
                queues: Vec::new(),
            }
        }
    };
    let exchanges = routed
        .visits
        .iter()
        .map(|visit| {
            let via = match &visit.via {
                Via::Publish => text("the publish names it".into(), "发布时指定".into()),
                Via::Binding { source } => text(
                    format!("an exchange-to-exchange binding from `{source}`"),
                    format!("来自 `{source}` 的交换机到交换机绑定"),
                ),
                Via::Alternate { of } => text(
                    format!("the alternate exchange of `{of}`, whose bindings took nothing"),
                    format!("`{of}` 的备用交换机（`{of}` 的绑定都没有匹配）"),
                ),
            };
            let mut bindings: Vec<TrialBinding> = visit
                .default_lookups
                .iter()
                .map(|l| TrialBinding {
                    destination: format!("queue {}", l.queue),
                    matched: l.exists,
                    why: if l.exists {
                        text(
                            format!(
                                "the default exchange routes key `{}` to the queue of that name",
                                l.queue
                            ),
                            format!("默认交换机把路由键 `{}` 投到同名队列", l.queue),
                        )
                    } else {
                        text(
                            format!("no queue is named `{}`", l.queue),
                            format!("没有名为 `{}` 的队列", l.queue),
                        )
                    },
                })
                .collect();
            bindings.extend(visit.bindings.iter().map(|check| {
                let b = &check.binding;
                let destination = match &b.destination {
                    Destination::Queue(q) => format!("queue {q}"),
                    Destination::Exchange(x) => format!("exchange {x}"),
                };
                let why = match &check.reason {
                    BindingReason::Fanout => text(
                        "a fanout exchange takes every binding".into(),
                        "fanout 交换机投给所有绑定".into(),
                    ),
                    BindingReason::Direct { matched_key: Some(k) } => text(
                        format!("routing key `{k}` equals binding key `{}`", b.routing_key),
                        format!("路由键 `{k}` 等于绑定键 `{}`", b.routing_key),
                    ),
                    BindingReason::Direct { matched_key: None } => text(
                        format!("no routing key equals binding key `{}`", b.routing_key),
                        format!("没有路由键等于绑定键 `{}`", b.routing_key),
                    ),
                    BindingReason::Topic { matched: Some(m) } => {
                        let spans: Vec<String> = m
                            .spans
                            .iter()
                            .map(|s| {
                                let took = if s.words.is_empty() {
                                    "∅".to_string()
                                } else {
                                    s.words.join(".")
                                };
                                format!("{} ← {took}", s.pattern_word)
                            })
                            .collect();
                        text(
                            format!("`{}` matches `{}`: {}", b.routing_key, m.routing_key, spans.join(", ")),
                            format!("`{}` 匹配 `{}`：{}", b.routing_key, m.routing_key, spans.join("，")),
                        )
                    }
                    BindingReason::Topic { matched: None } => text(
                        format!(
                            "`{}` does not match: `*` takes exactly one word, `#` zero or more",
                            b.routing_key
                        ),
                        format!("`{}` 不匹配：`*` 恰好匹配一个词，`#` 匹配零个或多个词", b.routing_key),
                    ),
                    BindingReason::Headers(h) => {
                        let checks: Vec<String> = h
                            .checks
                            .iter()
                            .filter_map(|c| {
                                let mark = match &c.outcome {
                                    HeaderArgOutcome::Skipped => return None,
                                    HeaderArgOutcome::Present | HeaderArgOutcome::Equal => "✓".to_string(),
                                    HeaderArgOutcome::Missing => "✗ missing".to_string(),
                                    HeaderArgOutcome::Differs { found } => format!("✗ is {}", value_text(found)),
                                };
                                Some(format!("{}={} {mark}", c.key, value_text(&c.expected)))
                            })
                            .collect();
                        let mode = h.mode.as_str();
                        text(
                            format!("x-match={mode}: {}", checks.join(", ")),
                            format!("x-match={mode}：{}", checks.join("，").replace("missing", "缺失")),
                        )
                    }
                };
                TrialBinding {
                    destination,
                    matched: check.matched,
                    why,
                }
            }));
            if let AlternateUse::Consulted(hop) = &visit.alternate {
                bindings.push(TrialBinding {
                    destination: format!("exchange {}", hop.exchange),
                    matched: true,
                    why: text(
                        "nothing matched, so the alternate-exchange takes the message".into(),
                        "没有绑定匹配，消息交给 alternate-exchange".into(),
                    ),
                });
            }
            TrialExchange {
                name: visit.exchange.clone(),
                kind: visit.kind.as_str(),
                via,
                bindings,
            }
        })
        .collect();
    RouteTrial {
        error: None,
        exchanges,
        queues: routed.queues,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rabbit::routing::{Exchange, ExchangeType};

    #[test]
    fn a_topic_trial_says_which_words_each_pattern_word_took() {
        let mut t = Topology::new("/");
        t.declare_exchange(&Exchange::new("orders", ExchangeType::Topic))
            .unwrap();
        t.declare_queue("eu").unwrap();
        t.declare_queue("late").unwrap();
        let q = |n: &str| Destination::Queue(n.into());
        t.bind("orders", &q("eu"), "order.eu.#", &Table::new()).unwrap();
        t.bind("orders", &q("late"), "order.*.late", &Table::new()).unwrap();
        let trial = try_route(&t, "orders", "order.eu.paid", &Table::new());
        assert_eq!(trial.queues, ["eu"]);
        let b = &trial.exchanges[0].bindings;
        assert!(
            b[0].matched && b[0].why.en.contains("order ← order, eu ← eu, # ← paid"),
            "{}",
            b[0].why.en
        );
        assert!(!b[1].matched);
    }

    #[test]
    fn a_headers_trial_marks_each_argument_and_a_missing_exchange_is_404() {
        let mut t = Topology::new("/");
        t.declare_exchange(&Exchange::new("docs", ExchangeType::Headers))
            .unwrap();
        t.declare_queue("pdf").unwrap();
        let args = parse_headers("x-match=all, format=pdf, pages=10").unwrap();
        t.bind("docs", &Destination::Queue("pdf".into()), "", &args).unwrap();
        let trial = try_route(&t, "docs", "", &parse_headers("format=pdf, pages=12").unwrap());
        let why = &trial.exchanges[0].bindings[0].why.en;
        assert_eq!(why, "x-match=all: format=pdf ✓, pages=10 ✗ is 12");
        assert!(trial.queues.is_empty());
        let missing = try_route(&t, "nope", "", &Table::new());
        assert_eq!(
            missing.error.as_deref(),
            Some("404 NOT_FOUND - no exchange 'nope' in vhost '/'")
        );
        assert!(parse_headers("novalue").is_err());
    }
}
