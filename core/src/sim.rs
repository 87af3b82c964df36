//! The simulation: a scenario, the kernel and the systems, run one step at a time. A step is the
//! scenario's next due action or the kernel's next due item (a delivery, a timer, a request
//! timeout); at equal times actions go first, then queued events, then timeouts. One scenario and
//! one seed always give the same steps, natively and in wasm.
//!
//! Going back in time restores a checkpoint and replays: the state (kernel and systems) is `Clone`
//! and cheap to clone (logs and the record arena share chunks), a checkpoint is taken every
//! `checkpoint_interval` work units, so `seek` replays at most that much work plus one event,
//! backward or forward. The trace lives outside the checkpoints: a seek shows the entries made by
//! the target step and keeps later ones as the recorded future, which a replay shows again (see
//! `TraceRing`) until a learner's action changes the scenario.
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use crate::kernel::time::Instant;
use crate::kernel::trace::{Lang, TraceEntry};
use crate::kernel::{Due, Limits};
use crate::scenario::{Action, Scenario, ScenarioError, TimedAction, MAX_DURATION_MS};
use crate::systems::{Event, SimKernel, Systems, Told, Trace};

/// How far past its time a live action extends a scenario, so a learner can keep playing.
pub const LIVE_EXTENSION_MS: u64 = 60_000;
/// Work units between checkpoints at first (`Limits::checkpoint_interval`); doubled each time the
/// checkpoints are thinned.
pub const CHECKPOINT_INTERVAL: u64 = 100_000;
/// Checkpoints kept at most; past it every other one is dropped (so memory stays bounded).
pub const MAX_CHECKPOINTS: usize = 256;

/// What one `advance` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Advance {
    /// The trace gained at least one entry.
    Entry,
    /// Time passed (up to the quiet limit) without anything worth a sentence.
    Quiet,
    /// The work allowance ran out first; call again to go on.
    Busy,
    /// Nothing is left to happen within the scenario's duration.
    Finished,
}

/// Everything that changes as the simulation runs, except the trace.
#[derive(Debug, Clone)]
struct State {
    kernel: SimKernel,
    systems: Systems,
    /// Index of the next scenario action to run.
    next_action: usize,
}

#[derive(Debug, Clone)]
struct Checkpoint {
    steps: u64,
    work: u64,
    trace_total: u64,
    state: State,
}

#[derive(Debug, Clone)]
pub struct Sim {
    scenario: Rc<Scenario>,
    limits: Limits,
    state: State,
    trace: Trace,
    checkpoints: Vec<Checkpoint>,
    checkpoint_interval: u64,
}

impl Sim {
    pub fn new(scenario: Scenario) -> Result<Sim, Vec<ScenarioError>> {
        Sim::with_limits(scenario, Limits::default())
    }

    pub fn with_limits(mut scenario: Scenario, limits: Limits) -> Result<Sim, Vec<ScenarioError>> {
        scenario.validate()?;
        scenario.sort_actions();
        let mut trace = Trace::new(limits.max_trace_entries);
        let mut kernel = SimKernel::new(scenario.seed, scenario.network.clone(), limits);
        let mut systems = Systems::new(&scenario, &mut kernel);
        kernel.set_fault_rules(scenario.fault_rules());
        systems.start(&mut kernel, &mut trace);
        let state = State {
            kernel,
            systems,
            next_action: 0,
        };
        let mut sim = Sim {
            scenario: Rc::new(scenario),
            limits,
            state,
            trace,
            checkpoints: Vec::new(),
            checkpoint_interval: limits.checkpoint_interval.max(1),
        };
        sim.checkpoint();
        Ok(sim)
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }
    pub fn now_ms(&self) -> u64 {
        self.state.kernel.now().ms()
    }
    /// Events processed so far.
    pub fn steps(&self) -> u64 {
        self.state.kernel.steps()
    }
    /// Work units spent so far (events plus trace entries); see `crate::budget`.
    pub fn work(&self) -> u64 {
        self.state.kernel.work()
    }
    pub fn limits(&self) -> Limits {
        self.limits
    }
    pub fn trace(&self) -> &Trace {
        &self.trace
    }
    /// Entries dropped from the front of the trace to respect `Limits::max_trace_entries`.
    pub fn trace_dropped(&self) -> u64 {
        self.trace.dropped()
    }
    /// Total entries ever made: kept plus dropped.
    pub fn trace_total(&self) -> u64 {
        self.trace.total()
    }
    pub fn halted(&self) -> Option<&str> {
        self.state.kernel.halted()
    }
    pub fn kernel(&self) -> &SimKernel {
        &self.state.kernel
    }
    pub fn systems(&self) -> &Systems {
        &self.state.systems
    }
    pub fn kafka(&self) -> Option<&crate::kafka::system::Kafka> {
        self.state.systems.kafka.as_ref()
    }
    pub fn rabbit(&self) -> Option<&crate::rabbit::system::Rabbit> {
        self.state.systems.rabbit.as_ref()
    }
    pub fn delay(&self) -> Option<&crate::delay::system::Delay> {
        self.state.systems.delay.as_ref()
    }
    pub fn rocket(&self) -> Option<&crate::rocket::system::Rocket> {
        self.state.systems.rocket.as_ref()
    }
    /// Checkpoints held now, for the bench and tests.
    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.len()
    }

    /// Time of the next event or action, if any is due within the scenario's duration.
    pub fn next_wakeup(&self) -> Option<u64> {
        if self.state.kernel.halted().is_some() {
            return None;
        }
        let q = self.state.kernel.next_time().map(Instant::ms);
        let a = self.scenario.actions.get(self.state.next_action).map(|a| a.at_ms);
        let t = match (q, a) {
            (Some(q), Some(a)) => q.min(a),
            (q, a) => q.or(a)?,
        };
        (t <= self.scenario.duration_ms).then_some(t)
    }

    pub fn finished(&self) -> bool {
        self.next_wakeup().is_none()
    }

    /// Process one action or kernel item. Returns false when there is nothing left to do.
    pub fn step(&mut self) -> bool {
        let Some(t) = self.next_wakeup() else {
            return false;
        };
        let at = Instant(t);
        let s = &mut self.state;
        s.kernel.begin_step(at);
        let action_due = self.scenario.actions.get(s.next_action).is_some_and(|a| a.at_ms == t);
        if action_due {
            let index = s.next_action;
            s.next_action += 1;
            let action = &self.scenario.actions[index].action;
            s.systems.apply(&mut s.kernel, &mut self.trace, index as u32, action);
        } else {
            match s.kernel.pop_due(at, &mut self.trace) {
                Due::Delivery { to, from, delivery } => {
                    s.systems.deliver(&mut s.kernel, &mut self.trace, to, from, delivery)
                }
                Due::Timer { node, timer } => s.systems.fire(&mut s.kernel, &mut self.trace, node, timer),
                Due::TimedOut(failed) => {
                    for (node, id) in failed {
                        s.systems.timed_out(&mut s.kernel, &mut self.trace, node, id);
                    }
                }
                Due::Nothing => {}
            }
        }
        if self.work() >= self.last_checkpoint_work() + self.checkpoint_interval {
            self.checkpoint();
        }
        true
    }

    /// Process every event due at or before `t_ms` (capped by the duration), then set the clock to it.
    pub fn run_until(&mut self, t_ms: u64) {
        let end = t_ms.min(self.scenario.duration_ms);
        while self.next_wakeup().is_some_and(|t| t <= end) {
            self.step();
        }
        if self.halted().is_none() {
            self.state.kernel.set_clock(Instant(end));
        }
    }

    pub fn run_steps(&mut self, n: u64) {
        for _ in 0..n {
            if !self.step() {
                break;
            }
        }
    }

    /// Runs until `target` steps or the end, spending at most `max_work` work units; says whether
    /// it got there (or can go no further). The UI calls this once per frame for long jumps.
    pub fn run_toward(&mut self, target: u64, max_work: u64) -> bool {
        let budget_end = self.work().saturating_add(max_work);
        while self.steps() < target {
            if self.work() >= budget_end {
                return false;
            }
            if !self.step() {
                return true;
            }
        }
        true
    }

    /// Run to the end of the scenario (or a halt). Bounded by the work budget.
    pub fn run_to_end(&mut self) {
        while self.step() {}
    }

    /// Step until the trace gains an entry, but spend at most `max_work` work units and let at most
    /// `max_quiet_ms` of virtual time pass: a quiet stretch (heartbeats, empty fetches) then shows
    /// as the clock moving rather than as a jump to the end of the scenario.
    pub fn advance(&mut self, max_work: u64, max_quiet_ms: u64) -> Advance {
        let before = self.trace_total();
        let deadline = self.now_ms().saturating_add(max_quiet_ms);
        let budget_end = self.work().saturating_add(max_work);
        loop {
            match self.next_wakeup() {
                None => return Advance::Finished,
                Some(t) if t > deadline => {
                    self.state.kernel.set_clock(Instant(deadline));
                    return Advance::Quiet;
                }
                Some(_) => {
                    self.step();
                    if self.trace_total() > before {
                        return Advance::Entry;
                    }
                    if self.work() >= budget_end {
                        return Advance::Busy;
                    }
                }
            }
        }
    }

    /// The most steps any run of this scenario can reach: every step spends a work unit.
    pub fn max_steps(&self) -> u64 {
        self.limits.max_work
    }

    /// Go to `step` (clamped to `max_steps`): restore the nearest checkpoint at or before it and
    /// replay from there. Going forward past every checkpoint runs the new work. Returns the work
    /// units replayed (at most a checkpoint interval plus one step, for a step already reached).
    pub fn seek(&mut self, step: u64) -> u64 {
        self.seek_inner(step, false)
    }

    /// As `seek`, and also when `step` is the current one: the clock goes back to where that
    /// step's event left it (a quiet stretch run since, with no event, is undone too).
    pub fn rewind(&mut self, step: u64) -> u64 {
        self.seek_inner(step, true)
    }

    fn seek_inner(&mut self, step: u64, same_step_too: bool) -> u64 {
        let target = step.min(self.max_steps());
        if target == self.steps() && !same_step_too {
            return 0;
        }
        let nearest = self.checkpoints.iter().rposition(|c| c.steps <= target);
        if let Some(i) = nearest {
            let cp = &self.checkpoints[i];
            if target <= self.steps() || cp.steps > self.steps() {
                self.state = cp.state.clone();
                // Back: later entries become the recorded future; forward: the entries up to
                // the checkpoint are shown again (they were recorded when the run first passed).
                self.trace.show_until(cp.trace_total);
            }
        }
        let remaining = target.saturating_sub(self.steps());
        let before = self.work();
        self.run_steps(remaining);
        self.work() - before
    }

    /// Work units between checkpoints now (it doubles when old checkpoints are thinned).
    pub fn checkpoint_interval(&self) -> u64 {
        self.checkpoint_interval
    }

    fn last_checkpoint_work(&self) -> u64 {
        self.checkpoints.last().map_or(0, |c| c.work)
    }

    /// Keeps the current state as a checkpoint (once per step number), thinning old ones to stay
    /// within `MAX_CHECKPOINTS`.
    fn checkpoint(&mut self) {
        if self.checkpoints.last().is_some_and(|c| c.steps >= self.steps()) {
            return;
        }
        if self.checkpoints.len() >= MAX_CHECKPOINTS {
            let mut i = 0;
            self.checkpoints.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.checkpoint_interval = self.checkpoint_interval.saturating_mul(2);
        }
        self.checkpoints.push(Checkpoint {
            steps: self.steps(),
            work: self.work(),
            trace_total: self.trace_total(),
            state: self.state.clone(),
        });
    }

    /// Add an action at the next millisecond (a learner's click). It becomes part of the scenario,
    /// so replays, seeks and share links include it. Returns the time it was scheduled for.
    pub fn push_action(&mut self, action: Action) -> Result<u64, Vec<ScenarioError>> {
        let at_ms = self.now_ms() + 1;
        let mut candidate = (*self.scenario).clone();
        candidate.duration_ms = candidate
            .duration_ms
            .max(at_ms.saturating_add(LIVE_EXTENSION_MS))
            .min(MAX_DURATION_MS);
        let index = candidate.actions.partition_point(|a| a.at_ms <= at_ms);
        candidate.actions.insert(index, TimedAction { at_ms, action });
        candidate.validate()?;
        self.scenario = Rc::new(candidate);
        // Later checkpoints and the recorded future trace describe the old scenario. Earlier
        // checkpoints stay right: every action they have not run yet comes at or after the new one.
        let now = self.steps();
        self.checkpoints.retain(|c| c.steps <= now);
        self.trace.forget_future();
        Ok(at_ms)
    }

    /// An entry with its names and text.
    pub fn tell(&self, entry: &TraceEntry<Event>) -> Told {
        self.state
            .systems
            .tell(&self.state.kernel, &self.scenario.actions, entry)
    }

    pub fn sentence(&self, entry: &TraceEntry<Event>, lang: Lang) -> String {
        self.tell(entry).sentence(lang)
    }

    /// The name of an entry's node.
    pub fn node_name(&self, entry: &TraceEntry<Event>) -> &str {
        self.state.kernel.node(entry.node).map_or("?", |n| n.name.as_str())
    }

    /// An entry as the runner's JSON line (with its sentence when `lang` is given).
    pub fn entry_json(&self, entry: &TraceEntry<Event>, lang: Option<Lang>) -> String {
        #[derive(serde::Serialize)]
        struct Line<'a> {
            step: u64,
            at_ms: u64,
            node: &'a str,
            #[serde(flatten)]
            told: &'a Told,
            #[serde(skip_serializing_if = "Option::is_none")]
            sentence: Option<String>,
        }
        let told = self.tell(entry);
        let line = Line {
            step: entry.step(),
            at_ms: entry.at_ms(),
            node: self.node_name(entry),
            told: &told,
            sentence: lang.map(|l| told.sentence(l)),
        };
        serde_json::to_string(&line).unwrap_or_default()
    }

    /// FNV-1a over every kept entry's JSON line, plus the number dropped: equal runs give equal
    /// hashes, natively and in wasm.
    pub fn trace_hash(&self) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |bytes: &[u8]| {
            for b in bytes {
                h ^= u64::from(*b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        };
        eat(&self.trace.dropped().to_le_bytes());
        for e in self.trace.iter() {
            eat(self.entry_json(e, None).as_bytes());
            eat(b"\n");
        }
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::net::NodeFault;

    fn quiet_scenario() -> Scenario {
        // One consumer that is stable after ~6 s, then only heartbeats and empty fetches.
        Scenario::from_json(
            r#"{"version":2,"seed":1,"duration_ms":60000,
                "kafka":{"brokers":1,"topics":[{"name":"t","partitions":1}],
                "consumers":[{"id":"c","group":"g","topics":["t"]}]}}"#,
        )
        .unwrap()
    }

    #[test]
    fn advance_stops_after_the_quiet_limit_instead_of_jumping_to_the_end() {
        let mut sim = Sim::new(quiet_scenario()).unwrap();
        sim.run_until(20_000);
        let before = sim.trace_total();
        assert_eq!(sim.advance(1_000_000, 5_000), Advance::Quiet);
        assert_eq!(sim.now_ms(), 25_000, "the clock moved exactly the quiet limit");
        assert_eq!(sim.trace_total(), before);
    }

    #[test]
    fn advance_reports_entries_and_the_end() {
        let mut sim = Sim::new(quiet_scenario()).unwrap();
        assert_eq!(sim.advance(1_000_000, 5_000), Advance::Entry);
        sim.run_to_end();
        assert_eq!(sim.advance(1_000_000, 5_000), Advance::Finished);
    }

    #[test]
    fn actions_win_ties_with_queued_events() {
        // A live action lands at now+1 and runs before any event queued for that millisecond,
        // which is what makes replays of learner clicks exact.
        let mut sim = Sim::new(quiet_scenario()).unwrap();
        sim.run_until(10_000);
        let at = sim
            .push_action(Action::Fault(NodeFault::Crash {
                node: "broker-0".into(),
            }))
            .unwrap();
        assert_eq!(at, 10_001);
        sim.run_until(at);
        let replay = {
            let mut r = Sim::new(sim.scenario().clone()).unwrap();
            r.run_until(at);
            r
        };
        assert_eq!(replay.trace_hash(), sim.trace_hash());
        let last = sim.trace().last().map(|e| sim.tell(e).key());
        assert_eq!(last, Some("BrokerCrashed"));
    }

    /// Regression (found by `tests/documents.rs`): a seek forward from before a checkpoint
    /// restored it and lost the trace entries between, because going back had deleted them.
    #[test]
    fn seek_forward_past_a_checkpoint_keeps_the_entries_between() {
        let text = r#"{"version":2,"seed":9,"duration_ms":60000,
            "kafka":{"brokers":2,"topics":[{"name":"t","partitions":3}],"producers":[{"id":"p"}],
                     "consumers":[{"id":"c","group":"g","topics":["t"],"auto_offset_reset":"earliest"}]},
            "actions":[{"at_ms":5000,"kafka":{"do":"produce_many","producer":"p","topic":"t","count":3000,
                        "key_prefix":"k","distinct_keys":10}}]}"#;
        let scenario = Scenario::from_json(text).unwrap();
        let limits = Limits {
            checkpoint_interval: 1_000,
            ..Limits::default()
        };
        let mut sim = Sim::with_limits(scenario.clone(), limits).unwrap();
        sim.run_to_end();
        assert!(sim.checkpoint_count() >= 5, "{} checkpoints", sim.checkpoint_count());
        let end = sim.steps();
        for target in [end / 10, end - 1, 3, end / 2, end] {
            sim.seek(target);
            let mut fresh = Sim::with_limits(scenario.clone(), limits).unwrap();
            fresh.run_steps(target);
            assert_eq!(sim.trace_total(), fresh.trace_total(), "seek({target})");
            assert_eq!(sim.trace_hash(), fresh.trace_hash(), "seek({target})");
        }
    }

    #[test]
    fn seek_restores_checkpoints_and_matches_a_fresh_run() {
        let mut sim = Sim::new(crate::catalog::default_scenario()).unwrap();
        sim.run_to_end();
        let end = sim.steps();
        for target in [0, 1, end / 3, end / 2, end - 1, end] {
            sim.seek(target);
            let mut fresh = Sim::new(crate::catalog::default_scenario()).unwrap();
            fresh.run_steps(target);
            assert_eq!(sim.steps(), target);
            assert_eq!(sim.trace_hash(), fresh.trace_hash(), "seek({target})");
            assert_eq!(sim.view(), fresh.view(), "seek({target})");
        }
    }
}
