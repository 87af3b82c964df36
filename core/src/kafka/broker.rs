//! A broker's request handling: Produce (append to the partition log it leads), Fetch (long poll:
//! answer at once when there is data, else park the request for `fetch.max.wait.ms`), ListOffsets,
//! and, when it is a group's coordinator, the group requests (see `group`).
use alloc::vec::Vec;

use super::group;
use super::trace::{Event, Told};
use super::{
    BrokerId, Cluster, Ctx, ErrorCode, ListFrom, Node, RecordId, Request, Response, Timer, Tp, MAX_LOG_RECORDS,
};

/// `fetch.max.wait.ms` (consumer default 500): how long a broker holds a fetch that found no data.
pub const FETCH_MAX_WAIT_MS: u64 = 500;
/// Records returned by one fetch response. Kafka bounds a fetch by bytes (`fetch.max.bytes` 50 MiB,
/// `max.partition.fetch.bytes` 1 MiB) and the client hands out at most `max.poll.records` (500) per
/// poll; the sandbox caps the response at 500 records instead, which keeps events small.
pub const MAX_FETCH_RECORDS: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParkedFetch {
    pub broker: BrokerId,
    pub client: Node,
    pub request_id: u64,
    pub positions: Vec<(Tp, u64)>,
}

pub fn handle_request(cluster: &mut Cluster, broker: BrokerId, ctx: &mut Ctx<'_>, from: Node, id: u64, req: Request) {
    let reply = |ctx: &mut Ctx<'_>, body: Response| ctx.respond(from, id, body);
    match req {
        Request::Produce { tp, records } => {
            let result = append(cluster, broker, ctx, tp, &records);
            reply(ctx, Response::Produce(result));
            if result.is_ok() {
                wake_parked_fetches(cluster, broker, ctx, tp);
            }
        }
        Request::Fetch { positions } => {
            let (records, errors) = read(cluster, broker, &positions);
            if records.is_empty() && errors.is_empty() {
                cluster.next_park_id += 1;
                let park_id = cluster.next_park_id;
                cluster.parked_fetches.insert(
                    park_id,
                    ParkedFetch {
                        broker,
                        client: from,
                        request_id: id,
                        positions,
                    },
                );
                ctx.timer_in(FETCH_MAX_WAIT_MS, Timer::FetchWait { park_id });
            } else {
                reply(ctx, Response::Fetch { records, errors });
            }
        }
        Request::ListOffsets { tp, from: which } => {
            let result = if cluster.leader(tp) == Some(broker) {
                Ok(match which {
                    ListFrom::Earliest => 0,
                    ListFrom::Latest => cluster.log_end_offset(tp),
                })
            } else {
                Err(ErrorCode::NotLeaderOrFollower)
            };
            reply(ctx, Response::ListOffsets(result));
        }
        Request::FindCoordinator { group } => {
            // Any broker answers from its metadata: the leader of the group's offsets partition.
            let result = cluster.offsets_leader(&group).ok_or(ErrorCode::CoordinatorNotAvailable);
            reply(ctx, Response::FindCoordinator(result));
        }
        other => group::handle_request(cluster, broker, ctx, from, id, other),
    }
}

fn append(
    cluster: &mut Cluster,
    broker: BrokerId,
    ctx: &mut Ctx<'_>,
    tp: Tp,
    records: &[RecordId],
) -> Result<u64, ErrorCode> {
    if cluster.leader(tp) != Some(broker) {
        return Err(ErrorCode::NotLeaderOrFollower);
    }
    let Some(partition) = cluster.partition_mut(tp) else {
        return Err(ErrorCode::NotLeaderOrFollower);
    };
    if partition.log.len() + records.len() > MAX_LOG_RECORDS {
        ctx.trace(Told::LimitReached {
            what: "partition log records".into(),
            limit: MAX_LOG_RECORDS as u64,
        });
        return Err(ErrorCode::KafkaStorageError);
    }
    let base = partition.log.len() as u64;
    for (i, record) in records.iter().enumerate() {
        ctx.trace(Event::RecordAppended {
            broker: broker.0 as u16,
            topic: tp.topic as u16,
            partition: tp.partition,
            offset: (base + i as u64) as u32,
            record: *record,
        });
    }
    partition.log.extend_from_slice(records);
    Ok(base)
}

/// What a fetch returns: records per partition (from an offset), and per-partition errors.
type FetchData = (Vec<(Tp, u64, Vec<RecordId>)>, Vec<(Tp, ErrorCode)>);

fn read(cluster: &Cluster, broker: BrokerId, positions: &[(Tp, u64)]) -> FetchData {
    let mut records = Vec::new();
    let mut errors = Vec::new();
    let mut budget = MAX_FETCH_RECORDS;
    for &(tp, offset) in positions {
        if cluster.leader(tp) != Some(broker) {
            errors.push((tp, ErrorCode::NotLeaderOrFollower));
            continue;
        }
        let Some(p) = cluster.partition(tp) else {
            continue;
        };
        let start = (offset as usize).min(p.log.len());
        let end = (start + budget).min(p.log.len());
        if end > start {
            budget -= end - start;
            let mut ids = Vec::with_capacity(end - start);
            p.log.copy_range_into(start, end, &mut ids);
            records.push((tp, start as u64, ids));
        }
    }
    (records, errors)
}

/// New data answers the parked fetches waiting on that partition (`fetch.min.bytes=1`).
fn wake_parked_fetches(cluster: &mut Cluster, broker: BrokerId, ctx: &mut Ctx<'_>, tp: Tp) {
    let waiting: Vec<u64> = cluster
        .parked_fetches
        .iter()
        .filter(|(_, f)| f.broker == broker && f.positions.iter().any(|(t, _)| *t == tp))
        .map(|(id, _)| *id)
        .collect();
    for park_id in waiting {
        let Some(f) = cluster.parked_fetches.get(&park_id) else {
            continue;
        };
        let (records, errors) = read(cluster, broker, &f.positions);
        if records.is_empty() && errors.is_empty() {
            continue;
        }
        if let Some(f) = cluster.parked_fetches.remove(&park_id) {
            ctx.respond(f.client, f.request_id, Response::Fetch { records, errors });
        }
    }
}

/// `fetch.max.wait.ms` passed with no data: answer empty.
pub fn on_fetch_wait(cluster: &mut Cluster, ctx: &mut Ctx<'_>, park_id: u64) {
    if let Some(f) = cluster.parked_fetches.remove(&park_id) {
        let (records, errors) = read(cluster, f.broker, &f.positions);
        ctx.respond(f.client, f.request_id, Response::Fetch { records, errors });
    }
}
