//! The name server (`NamesrvController`, `RouteInfoManager`) and a client's copy of the routes it
//! hands out (`MQClientInstance.topicRouteTable`). The name server holds what brokers last told
//! it: which broker processes are alive (`brokerLiveTable`) and which brokerName holds which
//! topic with how many queues (`topicQueueTable`). It learns nothing by itself: a broker
//! registers at start and every 30 s, a closed connection removes that broker at once, and a
//! broker silent for 120 s is removed when its idle connection is closed (the 5 s scan is the
//! backstop). Clients ask for a topic's route when they
//! first need it and again every `pollNameServerInterval`; between polls they work from their
//! copy, so a broker that went away stays in a client's route until its next poll.
use alloc::collections::BTreeMap;
use alloc::rc::Rc;
use alloc::vec::Vec;

use crate::kernel::NodeId;

/// `RouteInfoManager.DEFAULT_BROKER_CHANNEL_EXPIRED_TIME`: a broker not heard from for 2 min is
/// removed (`scanNotActiveBroker`; without `enableSlaveActingMaster` the broker sends no
/// timeout of its own). The name server's `IdleStateHandler` closes a connection idle for the
/// same 120 s (`serverChannelMaxIdleTimeSeconds`), which removes its broker first.
pub const BROKER_CHANNEL_EXPIRED_MS: u64 = 120_000;
/// `NamesrvController.startScheduleService`: `scanNotActiveBroker` first runs 5 s after start,
/// then every `NamesrvConfig.scanNotActiveBrokerInterval` (5000 ms).
pub const SCAN_NOT_ACTIVE_BROKER_MS: u64 = 5_000;
/// `BrokerController.start`: the periodic registration first runs 10 s after start, then every
/// `registerNameServerPeriod` clamped to 10..60 s.
pub const REGISTER_FIRST_MS: u64 = 10_000;
/// The name server's address (`namesrvAddr`), as exceptions name it.
pub const NAMESRV_ADDR: &str = "10.0.0.2:9876";
/// `ClientConfig.mqClientApiTimeout`: the timeout of GET_ROUTEINFO_BY_TOPIC.
pub const MQ_CLIENT_API_TIMEOUT_MS: u64 = 3_000;
/// `MQClientInstance.startScheduledTask`: the route poll first runs 10 ms after the client starts.
pub const POLL_FIRST_MS: u64 = 10;
/// `TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC`: the route a producer asks for when its topic has
/// none.
pub const AUTO_CREATE_TOPIC_KEY_TOPIC: &str = "TBW102";
/// `MixAll.MASTER_ID`; a slave has a `brokerId` above 0 (mqplay's slaves are brokerId 1).
pub const MASTER_ID: u8 = 0;
pub const SLAVE_ID: u8 = 1;

/// A broker process: (brokerName index, brokerId).
pub type Addr = (u8, u8);

/// One brokerName of a `TopicRouteData`: its `QueueData` (read = write queue nums) and which
/// addresses its `BrokerData` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteEntry {
    pub broker: u8,
    pub queues: u32,
    pub master: bool,
    pub slave: bool,
}

/// A topic's route, brokerNames in name order (`TopicRouteData.queueDatas` is sorted).
pub type Route = Vec<RouteEntry>;

/// Queues a producer may send to (`topicRouteData2TopicPublishInfo`): only brokerNames whose
/// route lists a master, queue ids 0..writeQueueNums, brokers in name order.
pub fn publish_queues(route: &Route) -> Vec<(u8, u32)> {
    route
        .iter()
        .filter(|e| e.master)
        .flat_map(|e| (0..e.queues).map(move |q| (e.broker, q)))
        .collect()
}

/// Queues a consumer divides (`topicRouteData2TopicSubscribeInfo`): every brokerName of the
/// route, master or not, queue ids 0..readQueueNums.
pub fn subscribe_queues(route: &Route) -> Vec<(u8, u32)> {
    route
        .iter()
        .flat_map(|e| (0..e.queues).map(move |q| (e.broker, q)))
        .collect()
}

#[derive(Debug, Clone)]
pub struct NameServer {
    pub node: NodeId,
    /// `brokerLiveTable`: address → when it last registered (ms).
    pub live: BTreeMap<Addr, u64>,
    /// `topicQueueTable`: topic → brokerName → queue count.
    pub topics: BTreeMap<Rc<str>, BTreeMap<u8, u32>>,
}

impl NameServer {
    pub fn new(node: NodeId) -> NameServer {
        NameServer {
            node,
            live: BTreeMap::new(),
            topics: BTreeMap::new(),
        }
    }

    /// `RouteInfoManager.registerBroker`. The topic configs of the brokerName's "prime" member
    /// update the queue table: the master, or (a 5.x broker always says `enableActingMaster`,
    /// even false) the live member with the lowest id when the master is gone; a slave with its
    /// master registered is ignored. Topics a broker stops listing are kept
    /// (`deleteTopicWithBrokerRegistration` is false by default). Returns whether the address
    /// is new, and whether the queue table changed.
    pub fn register(&mut self, addr: Addr, now_ms: u64, topics: &[(Rc<str>, u32)]) -> (bool, bool) {
        let new = self.live.insert(addr, now_ms).is_none();
        let mut changed = false;
        let prime = !self.live.keys().any(|a| a.0 == addr.0 && a.1 < addr.1);
        if prime {
            for (topic, queues) in topics {
                let old = self.topics.entry(topic.clone()).or_default().insert(addr.0, *queues);
                changed |= old != Some(*queues);
            }
        }
        (new, changed)
    }

    /// `onChannelDestroy` / the expiry in `scanNotActiveBroker` → `cleanTopicByUnRegisterRequests`:
    /// the address leaves its `BrokerData`; a brokerName with no address left leaves every
    /// topic's queue data, and a topic with no queue data left is gone. Returns whether the
    /// address was known.
    pub fn remove(&mut self, addr: Addr) -> bool {
        if self.live.remove(&addr).is_none() {
            return false;
        }
        let name_left = self.live.keys().any(|a| a.0 == addr.0);
        if !name_left {
            for queues in self.topics.values_mut() {
                queues.remove(&addr.0);
            }
            self.topics.retain(|_, q| !q.is_empty());
        }
        true
    }

    /// Addresses whose last registration is older than the expiry, in address order.
    pub fn expired(&self, now_ms: u64) -> Vec<Addr> {
        self.live
            .iter()
            .filter(|(_, last)| **last + BROKER_CHANNEL_EXPIRED_MS < now_ms)
            .map(|(a, _)| *a)
            .collect()
    }

    /// `pickupTopicRouteData`: `None` (TOPIC_NOT_EXIST) when no brokerName holds the topic.
    pub fn route(&self, topic: &str) -> Option<Route> {
        let queues = self.topics.get(topic)?;
        let route: Route = queues
            .iter()
            .map(|(b, n)| RouteEntry {
                broker: *b,
                queues: *n,
                master: self.live.contains_key(&(*b, MASTER_ID)),
                slave: self.live.contains_key(&(*b, SLAVE_ID)),
            })
            .collect();
        (!route.is_empty()).then_some(route)
    }

    /// The process died: both tables were in memory.
    pub fn crash(&mut self) {
        self.live.clear();
        self.topics.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ns() -> NameServer {
        let mut n = NameServer::new(NodeId(0));
        let t: Rc<str> = Rc::from("orders");
        n.register((0, MASTER_ID), 0, &[(t.clone(), 4)]);
        n.register((0, SLAVE_ID), 0, &[(t.clone(), 4)]);
        n.register((1, MASTER_ID), 0, &[(t, 2)]);
        n
    }

    #[test]
    fn a_brokername_stays_in_the_route_while_its_slave_is_alive() {
        let mut n = ns();
        assert!(n.remove((0, MASTER_ID)));
        let r = n.route("orders").unwrap();
        assert_eq!(
            r[0],
            RouteEntry {
                broker: 0,
                queues: 4,
                master: false,
                slave: true
            }
        );
        // The producer no longer sends to broker 0; the consumer still reads its queues.
        assert_eq!(publish_queues(&r), alloc::vec![(1, 0), (1, 1)]);
        assert_eq!(subscribe_queues(&r).len(), 6);
        assert!(n.remove((0, SLAVE_ID)));
        assert_eq!(n.route("orders").unwrap().len(), 1);
        assert!(n.remove((1, MASTER_ID)));
        assert_eq!(n.route("orders"), None);
        assert!(!n.remove((1, MASTER_ID)));
    }

    #[test]
    fn expiry_is_strictly_after_two_minutes() {
        let mut n = ns();
        n.register((1, MASTER_ID), 60_000, &[]);
        assert!(n.expired(120_000).is_empty());
        assert_eq!(n.expired(120_001), alloc::vec![(0, MASTER_ID), (0, SLAVE_ID)]);
    }

    #[test]
    fn a_slave_registers_topics_only_while_its_master_is_gone() {
        let mut n = NameServer::new(NodeId(0));
        n.register((0, MASTER_ID), 0, &[(Rc::from("a"), 4)]);
        n.register((0, SLAVE_ID), 0, &[(Rc::from("b"), 4)]);
        assert_eq!(n.route("b"), None);
        n.remove((0, MASTER_ID));
        let (new, changed) = n.register((0, SLAVE_ID), 1, &[(Rc::from("b"), 4)]);
        assert!(!new && changed);
        assert_eq!(
            n.route("b"),
            Some(alloc::vec![RouteEntry {
                broker: 0,
                queues: 4,
                master: false,
                slave: true
            }])
        );
    }
}
