//! The RabbitMQ system's part of the page: its diagram (clients | exchanges and queues |
//! consumers), what travels in it, inspector details, controls, and how a control becomes a line
//! of the scenario's AMQP script (`intent`). Everything here reads `RabbitView`, plain data.
pub mod actions;
pub mod code;
pub mod code_view;
pub mod diagram;
pub mod inspector;
pub mod motion;
pub mod strings;
pub mod tester;

use mqplay_core::rabbit::queue::Properties;
use mqplay_core::rabbit::spec::{
    Action as RabbitAction, On, Op, PublishProperties, MAX_BODY_BYTES, MAX_SHORTSTR_BYTES,
};
use mqplay_core::rabbit::view::RabbitView;
use mqplay_core::scenario::Action;
use mqplay_core::{Lang, Scenario, ScenarioError};

use crate::i18n::t;

/// The connection a learner's own clicks use.
pub const LEARNER_CONNECTION: &str = "app";

/// An element of the RabbitMQ diagram the inspector can show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selected {
    Exchange(String),
    Queue(String),
    Connection(String),
    Consumer {
        connection: String,
        channel: u16,
        tag: String,
    },
}

/// What a learner asked the broker to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    Publish {
        exchange: String,
        routing_key: String,
        body: String,
        persistent: bool,
        mandatory: bool,
    },
    Get {
        queue: String,
    },
    /// `basic.ack` with tag 0 and multiple: everything unacked on that channel.
    AckAll {
        connection: String,
        channel: u16,
    },
    Restart,
    /// The pattern tester: route a trial publish through the current bindings (nothing is sent).
    Try {
        exchange: String,
        routing_key: String,
        headers: String,
    },
}

fn refuse(path: &str, lang: Lang, key: &'static str) -> Vec<ScenarioError> {
    vec![ScenarioError {
        path: path.into(),
        reason: t(lang, key).into(),
    }]
}

/// The script line for an intent, or why there is none. The core validates it again.
pub fn intent(intent: &Intent, scenario: &Scenario, lang: Lang) -> Result<Action, Vec<ScenarioError>> {
    if scenario.rabbitmq.is_none() {
        return Err(refuse("rabbitmq", lang, "rq.no_rabbit"));
    }
    let learner = On {
        connection: LEARNER_CONNECTION.into(),
        channel: 1,
    };
    let (on, op) = match intent {
        Intent::Publish {
            exchange,
            routing_key,
            body,
            persistent,
            mandatory,
        } => {
            if routing_key.len() > MAX_SHORTSTR_BYTES {
                return Err(refuse("routing_key", lang, "rq.err.key_too_long"));
            }
            if body.len() > MAX_BODY_BYTES {
                return Err(refuse("body", lang, "rq.err.body_too_long"));
            }
            let basic = Properties {
                delivery_mode: persistent.then_some(2),
                ..Properties::default()
            };
            (
                learner,
                Op::Publish {
                    exchange: exchange.clone(),
                    routing_key: routing_key.clone(),
                    body: body.clone(),
                    mandatory: *mandatory,
                    properties: PublishProperties {
                        basic,
                        ..PublishProperties::default()
                    },
                    count: 1,
                },
            )
        }
        Intent::Get { queue } => (
            learner,
            Op::BasicGet {
                queue: queue.clone(),
                no_ack: false,
            },
        ),
        Intent::AckAll { connection, channel } => (
            On {
                connection: connection.clone(),
                channel: *channel,
            },
            Op::BasicAck {
                delivery_tag: Some(0),
                consumer_tag: None,
                nth: None,
                multiple: true,
            },
        ),
        Intent::Restart => (learner, Op::BrokerRestart {}),
        // Not a script line: the store answers it from the topology (`Store::try_route`).
        Intent::Try { .. } => return Err(refuse("rabbitmq", lang, "rq.no_rabbit")),
    };
    Ok(Action::Rabbitmq(RabbitAction { on, op }))
}

/// Exchanges a learner can publish to: every one that is not internal, the default first.
pub fn publishable(view: &RabbitView) -> Vec<String> {
    let mut names: Vec<String> = view
        .exchanges
        .iter()
        .filter(|x| !x.internal && (!x.builtin || x.name.is_empty()))
        .map(|x| x.name.clone())
        .collect();
    names.sort_by_key(|n| !n.is_empty());
    names
}
