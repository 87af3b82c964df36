//! Property tests for the RabbitMQ broker: proptest writes random AMQP scripts over a few queues
//! with TTL, length limits, dead-lettering and a quorum queue, two connections of two channels,
//! consumers that ack, reject or stall, and restarts; every script must load, run to its end, and
//! keep the broker's books straight after every step (`Broker::check`: each message copy is in a
//! queue or counted once in the ledger; unacked counts agree between channels and queues; the
//! consumer lines hold exactly the registered consumers). The same script run twice gives the same
//! trace.
//!
//! Explore other cases with `MQPLAY_PROPTEST_SEED=<n>`; a failure prints the script.
use mqplay_core::summary::render;
use mqplay_core::{Scenario, Sim};
use proptest::prelude::*;
mod support {
    pub mod proptest_config;
}
use serde_json::{json, Value};
use support::proptest_config::config;

const QUEUES: [&str; 4] = ["q.ttl", "q.bounded", "q.quorum", "q.reject"];
const CONNECTIONS: [&str; 2] = ["app", "worker"];

fn setup() -> Value {
    let long = |v: i64| json!({"type": "long", "value": v});
    let text = |v: &str| json!({"type": "longstr", "value": v});
    json!([
        {"do": "declare_exchange", "exchange": "x", "type": "topic", "durable": true},
        {"do": "declare_exchange", "exchange": "dlx", "type": "fanout", "durable": true},
        {"do": "declare_queue", "queue": "q.ttl", "durable": true,
         "arguments": [["x-message-ttl", long(50)], ["x-dead-letter-exchange", text("dlx")]]},
        {"do": "declare_queue", "queue": "q.bounded",
         "arguments": [["x-max-length", long(2)], ["x-dead-letter-exchange", text("dlx")]]},
        {"do": "declare_queue", "queue": "q.quorum", "durable": true,
         "arguments": [["x-queue-type", text("quorum")], ["x-delivery-limit", long(2)],
                       ["x-dead-letter-exchange", text("dlx")]]},
        {"do": "declare_queue", "queue": "q.reject",
         "arguments": [["x-max-length", long(1)], ["x-overflow", text("reject-publish-dlx")],
                       ["x-dead-letter-exchange", text("dlx")]]},
        {"do": "bind_queue", "queue": "q.ttl", "exchange": "x", "routing_key": "a.*"},
        {"do": "bind_queue", "queue": "q.bounded", "exchange": "x", "routing_key": "#"},
        {"do": "bind_queue", "queue": "q.quorum", "exchange": "dlx"},
        {"do": "bind_queue", "queue": "q.reject", "exchange": "x", "routing_key": "a.b"},
        {"do": "confirm_select"}
    ])
}

/// One script line, with where it is sent from.
fn op() -> impl Strategy<Value = Value> {
    let queue = (0..QUEUES.len()).prop_map(|i| QUEUES[i]);
    let on = (0..CONNECTIONS.len(), 1u16..=2);
    let settle = prop_oneof![Just("basic_ack"), Just("basic_nack"), Just("basic_reject")];
    let callback = prop_oneof![
        Just(json!({"do": "nothing"})),
        (0u64..200).prop_map(|ms| json!({"do": "ack", "after_ms": ms})),
        (1u64..200, any::<bool>()).prop_map(|(ms, r)| json!({"do": "reject", "after_ms": ms, "requeue": r})),
        (0u64..50).prop_map(|ms| json!({"do": "reply", "after_ms": ms, "body": "answer"})),
        (1u64..50, 1u64..3).prop_map(
            |(ms, n)| json!({"do": "retry_then_park", "after_ms": ms, "attempts": n, "park_routing_key": "q.bounded"})
        ),
    ];
    let method = prop_oneof![
        4 => (prop_oneof![Just("a.b"), Just("a.c"), Just("b"), Just("q.quorum")], any::<bool>(), 1u32..4).prop_map(|(key, to_default, count)| {
            let exchange = if to_default { "" } else { "x" };
            json!({"do": "publish", "exchange": exchange, "routing_key": key, "body": "m{n}", "count": count,
                   "properties": {"delivery_mode": if count % 2 == 0 { 2 } else { 1 }, "reply_to": "q.ttl"}})
        }),
        2 => (queue.clone(), any::<bool>()).prop_map(|(q, no_ack)| json!({"do": "basic_get", "queue": q, "no_ack": no_ack})),
        2 => (queue.clone(), 0usize..3, any::<bool>(), callback).prop_map(|(q, tag, no_ack, cb)| {
            json!({"do": "basic_consume", "queue": q, "consumer_tag": format!("c{tag}"), "no_ack": no_ack, "on_delivery": cb})
        }),
        1 => (0usize..3).prop_map(|tag| json!({"do": "basic_cancel", "consumer_tag": format!("c{tag}")})),
        1 => (0u16..3, any::<bool>()).prop_map(|(n, global)| json!({"do": "basic_qos", "prefetch_count": n, "global": global})),
        3 => (settle.clone(), 0u64..4, any::<bool>(), any::<bool>()).prop_map(|(m, tag, multiple, requeue)| {
            let mut v = json!({"do": m, "delivery_tag": tag, "requeue": requeue});
            if m != "basic_reject" { v["multiple"] = json!(multiple); }
            if m == "basic_ack" { v.as_object_mut().unwrap().remove("requeue"); }
            v
        }),
        2 => (settle, 0usize..3, 1u64..4).prop_map(|(m, tag, nth)| {
            let mut v = json!({"do": m, "consumer_tag": format!("c{tag}"), "nth": nth});
            if m != "basic_ack" { v["requeue"] = json!(nth % 2 == 0); }
            v
        }),
        1 => Just(json!({"do": "basic_recover"})),
        1 => Just(json!({"do": "channel_close"})),
        1 => Just(json!({"do": "connection_close"})),
        1 => Just(json!({"do": "broker_restart"})),
        1 => queue.clone().prop_map(|q| json!({"do": "purge_queue", "queue": q})),
        1 => (queue, any::<bool>()).prop_map(|(q, exclusive)| json!({"do": "declare_queue", "queue": q, "exclusive": exclusive, "auto_delete": !exclusive})),
    ];
    (on, method, 0u64..150)
        .prop_map(|((c, ch), mut m, gap)| {
            if m["do"] != "broker_restart" {
                m["connection"] = json!(CONNECTIONS[c]);
                m["channel"] = json!(ch);
            }
            (gap, m)
        })
        .prop_map(|(gap, m)| json!({"gap": gap, "op": m}))
}

fn scenario(seed: u64, ops: &[Value]) -> String {
    let mut at = 0;
    let actions: Vec<Value> = ops
        .iter()
        .map(|o| {
            at += o["gap"].as_u64().unwrap();
            json!({"at_ms": at, "rabbitmq": o["op"]})
        })
        .collect();
    json!({"version": 2, "seed": seed, "duration_ms": at + 1000,
           "rabbitmq": {"setup": setup()}, "actions": actions})
    .to_string()
}

proptest! {
    #![proptest_config(config(64))]
    #[test]
    fn broker_books_balance_after_every_step(seed in 0u64..1000, ops in prop::collection::vec(op(), 1..60)) {
        let text = scenario(seed, &ops);
        let s = match Scenario::from_json(&text) {
            Ok(s) => s,
            // A script validation refuses as too costly (many rejecting consumers without a
            // prefetch limit) is not a valid document; any other refusal is a failure.
            Err(e) if e.len() == 1 && e[0].reason.contains("work units") => {
                return Err(TestCaseError::reject("over the work budget"))
            }
            Err(e) => return Err(TestCaseError::fail(format!("{e:?}\n{text}"))),
        };
        let mut sim = Sim::new(s.clone()).unwrap();
        let mut steps = 0;
        while sim.step() {
            steps += 1;
            let broker = &sim.rabbit().expect("a RabbitMQ scenario").broker;
            if let Err(e) = broker.check() {
                return Err(TestCaseError::fail(format!("after step {steps}: {e}\n{text}")));
            }
        }
        prop_assert!(sim.halted().is_none(), "halted: {:?}", sim.halted());
        let again = render(&mut Sim::new(s.clone()).unwrap(), None);
        prop_assert_eq!(render(&mut Sim::new(s).unwrap(), None), again);
    }
}
