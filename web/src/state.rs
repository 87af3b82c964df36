//! The store: the one place that owns the simulation. Components receive `Store` (plain view data
//! plus a revision) and send `Msg`s; every rule of the simulation stays in `mqplay_core`. What a
//! system's controls mean (a Kafka "produce" click) is turned into a scenario action by that
//! system's folder (`crate::kafka::intent`); the store only pushes actions and runs the clock.
//!
//! Work is bounded per message: a play tick, a step or a frame of a long jump spends at most
//! `WORK_PER_FRAME` work units. A jump that needs more becomes a `Job` that the page continues
//! frame by frame, showing its progress, and that the learner can stop.
use std::cell::RefCell;
use std::rc::Rc;

use mqplay_core::delay::view::DelayView;
use mqplay_core::kafka::view::KafkaView;
use mqplay_core::lesson::Lesson;
use mqplay_core::rabbit::view::RabbitView;
use mqplay_core::rocket::view::RocketView;
use mqplay_core::scenario::Action;
use mqplay_core::{Advance, Lang, Scenario, ScenarioError, Sim, SimView};
use yew::prelude::*;

/// Work units (events plus trace entries) one message may spend: a few milliseconds of wasm, so
/// the page answers at once whatever the scenario.
pub const WORK_PER_FRAME: u64 = 60_000;
/// Virtual time one step may skip without a trace entry before it stops and shows the clock.
pub const STEP_QUIET_MS: u64 = 5_000;
/// Trace entries handed to the event log.
pub const LOG_WINDOW: usize = 200;
/// Playback speeds: virtual time per real time, so 1× is real time.
pub const SPEEDS: &[(f64, &str)] = &[
    (0.25, "0.25×"),
    (0.5, "0.5×"),
    (1.0, "1×"),
    (2.0, "2×"),
    (5.0, "5×"),
    (10.0, "10×"),
    (100.0, "100×"),
];
/// In a lesson step, how much faster than the chosen speed a stretch with nothing to tell runs,
/// once nothing has been told for `QUIET_AFTER_REAL_MS` of real time: a rebalance's quick
/// succession plays as it is, a broker's 30 s wait for its next check does not.
pub const QUIET_FAST_FORWARD: f64 = 40.0;
pub const QUIET_AFTER_REAL_MS: f64 = 1_500.0;
/// The speed the page starts at: 1×, real time.
pub const DEFAULT_SPEED: usize = 2;
/// Real time each new log line holds the clock at 1×, so it can be read (scaled by 1/speed).
pub const DWELL_AT_1X_MS: f64 = 450.0;
/// Real time one frame may account for (a background tab resumes without a leap).
pub const MAX_FRAME_MS: f64 = 250.0;
/// Log lines one frame may show at high speed.
pub const MAX_ENTRIES_PER_FRAME: usize = 400;

/// How long a new log line holds the clock at a speed.
pub fn dwell_ms(speed: f64) -> f64 {
    (DWELL_AT_1X_MS / speed).clamp(2.0, 1_200.0)
}

/// What the inspector shows: an element of one system's view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    Kafka(crate::kafka::Selected),
    Rabbit(crate::rabbit::Selected),
}

/// One line of the event log, already told in the page's language. (`PartialEq` only: a
/// RabbitMQ entry can carry float header values.)
#[derive(Debug, Clone, PartialEq)]
pub struct LogRow {
    /// Position in the trace (0 = first entry ever told).
    pub seq: u64,
    pub step: u64,
    pub at_ms: u64,
    pub node: String,
    /// The explanation key (the trace kind), for styling.
    pub key: &'static str,
    pub text: String,
    /// The entry with its names, for the views that animate it.
    pub told: Rc<mqplay_core::systems::Told>,
}

/// Long work the page continues frame by frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Run until this step (a share link's step, a jump past what was computed).
    ToStep { target: u64, from: u64 },
    /// Run until the trace gains an entry (a step across a long, busy stretch).
    ToEntry { trace_total: u64 },
}

/// Where the page is: the calm home (welcome, paused, plain sentences), a lesson, or free play.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Home,
    Lesson,
    FreePlay,
}

/// A question the page asks before it throws work away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    /// Free play restarts the default scenario; the learner's actions would be lost.
    FreePlay,
}

/// A lesson step being played: its own events, from where its actions begin to where it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepPlay {
    pub span: mqplay_core::lesson::StepSpan,
    /// The step has played to its end (or was skipped there).
    pub done: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LessonPos {
    pub index: usize,
    pub step: usize,
    /// For a step with a prediction: whether its actions have run.
    pub revealed: bool,
    pub choice: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// Real milliseconds passed while playing.
    Tick(f64),
    TogglePlay,
    Pause,
    StepForward,
    StepBack,
    Seek(u64),
    SetSpeed(usize),
    Reset,
    SetLang(Lang),
    /// A system's control was used.
    Kafka(crate::kafka::Intent),
    Rabbit(crate::rabbit::Intent),
    Delay(crate::delay::Intent),
    Rocket(crate::rocket::Intent),
    /// Continue the current job by one frame of work.
    Work,
    /// Stop the current job where it is.
    StopJob,
    Select(Option<Selection>),
    Import(String),
    DismissErrors,
    OpenLesson(usize),
    LessonGo(usize),
    LessonChoose(usize),
    LessonReveal,
    LeaveLesson,
    ResumeLesson,
    FreePlay,
    /// Answer to the pending question.
    Confirmed(bool),
    ToggleDetails,
    /// Play the current lesson step again from its start.
    LessonReplay,
    /// Show the end of the current lesson step at once.
    LessonSkip,
}

/// The assignor lab's answer: the form's problems, or every assignor's report on its input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabOutcome {
    pub errors: Vec<ScenarioError>,
    pub input: mqplay_core::kafka::assignor::GroupInput,
    pub reports: Vec<(
        mqplay_core::kafka::assignor::AssignorName,
        mqplay_core::kafka::assignor::document::AssignorReport,
    )>,
}

#[derive(Clone)]
pub struct Store {
    sim: Rc<RefCell<Sim>>,
    /// The kernel's part of the view (clock, progress, nodes); each system's part is apart.
    pub view: Rc<SimView>,
    pub kafka: Option<Rc<KafkaView>>,
    pub rabbit: Option<Rc<RabbitView>>,
    pub delay: Option<Rc<DelayView>>,
    pub rocket: Option<Rc<RocketView>>,
    /// The pattern tester's last answer.
    pub rabbit_trial: Option<Rc<mqplay_core::rabbit::explain::RouteTrial>>,
    /// The assignor lab's last answer.
    pub kafka_lab: Option<Rc<LabOutcome>>,
    /// Key colours, learned in the order keys appear (stable while the page is open).
    pub palette: Rc<crate::kafka::palette::KeyPalette>,
    /// The last `LOG_WINDOW` trace entries as sentences, and how many came before them.
    pub log: Rc<Vec<LogRow>>,
    pub log_skipped: u64,
    /// Log rows with `seq >= fresh_from` are new since the last refresh (moving forward).
    pub fresh_from: u64,
    last_total: u64,
    /// Bumped when the run is replaced, so told rows are not reused across runs.
    log_epoch: u64,
    log_key: (u64, Lang, bool),
    pub job: Option<Job>,
    pub revision: u64,
    pub lang: Lang,
    pub playing: bool,
    pub speed: usize,
    /// Real time the newest log line still holds the clock, and virtual time not yet run.
    dwell_left_ms: f64,
    /// Real time since the last told event while a lesson step plays (see `QUIET_AFTER_REAL_MS`).
    quiet_real_ms: f64,
    carry_ms: f64,
    pub mode: Mode,
    /// Show member ids, KIP numbers and hash arithmetic (free play), or plain sentences.
    pub details: bool,
    pub confirm: Option<Confirm>,
    /// The lesson step playing (or played).
    pub step_play: Option<StepPlay>,
    /// The furthest step reached, so the scrubber can move forward again after going back.
    pub horizon: u64,
    pub selected: Option<Selection>,
    pub errors: Vec<ScenarioError>,
    pub error_intro: &'static str,
    pub lessons: Rc<Vec<Lesson>>,
    pub lesson: Option<LessonPos>,
    pub resume: Option<LessonPos>,
    /// The scenario as it stands (learner actions included); re-cloned only when it changed.
    pub scenario: Rc<Scenario>,
}

impl PartialEq for Store {
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision
    }
}

impl Store {
    pub fn new(scenario: Scenario, step: u64, lang: Lang) -> Store {
        let sim = Sim::new(scenario.clone()).unwrap_or_else(|_| {
            Sim::new(mqplay_core::catalog::default_scenario()).expect("the default scenario is valid")
        });
        let mut store = Store {
            sim: Rc::new(RefCell::new(sim)),
            view: Rc::default(),
            kafka: None,
            rabbit: None,
            delay: None,
            rocket: None,
            rabbit_trial: None,
            kafka_lab: None,
            palette: Rc::default(),
            log: Rc::default(),
            log_skipped: 0,
            fresh_from: 0,
            last_total: 0,
            log_epoch: 0,
            log_key: (u64::MAX, lang, false),
            job: None,
            revision: 0,
            lang,
            playing: false,
            speed: DEFAULT_SPEED,
            dwell_left_ms: 0.0,
            quiet_real_ms: 0.0,
            carry_ms: 0.0,
            mode: Mode::Home,
            details: false,
            confirm: None,
            step_play: None,
            horizon: 0,
            selected: None,
            errors: Vec::new(),
            error_intro: "scn.invalid",
            lessons: Rc::new(mqplay_core::catalog::lessons()),
            lesson: None,
            resume: None,
            scenario: Rc::new(scenario),
        };
        // A link's step may be far (or absurd): get there frame by frame, clamped to what the
        // scenario can reach.
        let target = step.min(store.sim.borrow().max_steps());
        if target > 0 {
            store.job = Some(Job::ToStep { target, from: 0 });
        }
        store.refresh();
        store
    }

    /// The simulation, for reading (views, lesson checks). Never held across a message.
    pub fn sim(&self) -> std::cell::Ref<'_, Sim> {
        self.sim.borrow()
    }

    /// A page opened on a shared link: the learner chose this state, so details are on.
    pub fn free_play(mut self) -> Store {
        self.mode = Mode::FreePlay;
        self.details = true;
        self.refresh();
        self
    }

    pub fn speed_factor(&self) -> f64 {
        SPEEDS.get(self.speed).map_or(1.0, |s| s.0)
    }

    /// Whether free play would lose something: actions the learner added, or an imported scenario.
    pub fn has_own_work(&self) -> bool {
        self.mode != Mode::Lesson && *self.scenario != mqplay_core::catalog::default_scenario()
    }

    /// The newest log line at the current step: what is happening now.
    pub fn latest(&self) -> Option<&LogRow> {
        self.log.last()
    }

    pub fn with_errors(mut self, errors: Vec<ScenarioError>, intro: &'static str) -> Store {
        self.errors = errors;
        self.error_intro = intro;
        self
    }

    pub fn steps(&self) -> u64 {
        self.view.steps
    }

    pub fn lesson(&self) -> Option<(&Lesson, LessonPos)> {
        let pos = self.lesson?;
        Some((self.lessons.get(pos.index)?, pos))
    }

    /// Verdict of the current lesson step's check, if it has one.
    pub fn lesson_check(&self) -> Option<mqplay_core::check::Verdict> {
        let (lesson, pos) = self.lesson()?;
        let step = lesson.steps.get(pos.step)?;
        let check = step.check.as_ref()?;
        if step.predict.is_some() && !pos.revealed {
            return None;
        }
        Some(check.evaluate(&self.sim.borrow()))
    }

    /// The current step's comparison, its rows read off the simulation (once a prediction, if
    /// any, is revealed).
    pub fn lesson_compare(&self) -> Option<Vec<mqplay_core::lesson::CompareCell>> {
        let (lesson, pos) = self.lesson()?;
        let step = lesson.steps.get(pos.step)?;
        if step.predict.is_some() && !pos.revealed {
            return None;
        }
        Some(step.compare.as_ref()?.read(&self.sim.borrow()))
    }

    /// The measured outcome of the current prediction once revealed.
    pub fn lesson_outcome(&self) -> Option<String> {
        let (lesson, pos) = self.lesson()?;
        let p = lesson.steps.get(pos.step)?.predict.as_ref()?;
        if !pos.revealed {
            return None;
        }
        p.measure.evaluate(&self.sim.borrow())
    }

    fn refresh(&mut self) {
        let sim = self.sim.borrow();
        let mut view = sim.view();
        self.kafka = view.kafka.take().map(Rc::new);
        // system: rabbitmq. Rebuilt only when it changed, so the diagram's props stay equal.
        match (view.rabbitmq.take(), &self.rabbit) {
            (Some(new), Some(old)) if **old == new => {}
            (new, _) => self.rabbit = new.map(Rc::new),
        }
        // system: delay
        match (view.delay.take(), &self.delay) {
            (Some(new), Some(old)) if **old == new => {}
            (new, _) => self.delay = new.map(Rc::new),
        }
        // system: rocketmq
        match (view.rocketmq.take(), &self.rocket) {
            (Some(new), Some(old)) if **old == new => {}
            (new, _) => self.rocket = new.map(Rc::new),
        }
        if let Some(kafka) = &self.kafka {
            // system: kafka
            if !self.palette.knows_all(kafka) {
                let mut palette = (*self.palette).clone();
                palette.learn(kafka);
                self.palette = Rc::new(palette);
            }
        }
        self.view = Rc::new(view);
        let trace = sim.trace();
        let total = trace.total();
        let first = total.saturating_sub(LOG_WINDOW as u64);
        // Rows already told stay valid while the same run is shown in the same words: the trace
        // only grows or is cut back, so only the new entries are told (30 times a second).
        let key = (self.log_epoch, self.lang, self.details);
        let mut rows: Vec<LogRow> = if self.log_key == key {
            self.log
                .iter()
                .filter(|r| r.seq >= first && r.seq < total)
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        let have_from = rows.first().map_or(total, |r| r.seq);
        let have_to = rows.last().map_or(total, |r| r.seq + 1);
        if have_from != first || rows.is_empty() {
            rows.clear();
        }
        let told_from = if rows.is_empty() { first } else { have_to };
        let (lang, details) = (self.lang, self.details);
        let new_rows = trace.tail((total - told_from) as usize).enumerate().map(|(i, e)| {
            let told = sim.tell(e);
            LogRow {
                seq: told_from + i as u64,
                step: e.step(),
                at_ms: e.at_ms(),
                node: sim.node_name(e).to_string(),
                key: told.key(),
                text: if details {
                    told.sentence(lang)
                } else {
                    told.sentence_plain(lang)
                },
                told: Rc::new(told),
            }
        });
        rows.extend(new_rows);
        // What moved forward since the last refresh, for the views to animate.
        self.fresh_from = if self.log_key == key && total > self.last_total {
            self.last_total
        } else {
            total
        };
        self.last_total = total;
        self.log_key = key;
        self.log_skipped = total - rows.len() as u64;
        self.log = Rc::new(rows);
        self.horizon = self.horizon.max(sim.steps());
        if *self.scenario != *sim.scenario() {
            self.scenario = Rc::new(sim.scenario().clone());
        }
        drop(sim);
        self.revision += 1;
    }

    fn replace_sim(&mut self, sim: Sim) {
        self.sim = Rc::new(RefCell::new(sim));
        self.log_epoch += 1;
        self.horizon = 0;
        self.playing = false;
        self.job = None;
        self.step_play = None;
        self.dwell_left_ms = 0.0;
        self.carry_ms = 0.0;
    }

    /// Plays for `real_ms` of real time: virtual time runs at the chosen speed, and each new log
    /// line holds the clock for `dwell_ms(speed)` so it can be read. A lesson step stops at its
    /// end. Bounded by `WORK_PER_FRAME` and `MAX_ENTRIES_PER_FRAME`.
    fn play_for(&mut self, real_ms: f64) {
        let speed = self.speed_factor();
        let mut real_left = real_ms.clamp(0.0, MAX_FRAME_MS);
        let mut sim = self.sim.borrow_mut();
        let work_end = sim.work() + WORK_PER_FRAME;
        let bound = self.step_play.filter(|p| !p.done).map(|p| p.span.end_ms);
        for _ in 0..MAX_ENTRIES_PER_FRAME {
            if self.dwell_left_ms > 0.0 {
                let used = self.dwell_left_ms.min(real_left);
                self.dwell_left_ms -= used;
                real_left -= used;
                if self.dwell_left_ms > 0.0 {
                    break;
                }
            }
            let now = sim.now_ms();
            if let Some(end) = bound {
                if now >= end && sim.next_wakeup().is_none_or(|t| t > end) {
                    self.playing = false;
                    if let Some(p) = self.step_play.as_mut() {
                        p.done = true;
                    }
                    break;
                }
            }
            if real_left <= 0.0 {
                break;
            }
            let virtual_ms = real_left * speed + self.carry_ms;
            let whole = virtual_ms.floor();
            let mut target = now.saturating_add(whole as u64);
            if let Some(end) = bound {
                target = target.min(end);
            }
            let budget = work_end.saturating_sub(sim.work());
            if budget == 0 {
                break;
            }
            match sim.advance(budget, target - now) {
                Advance::Entry => {
                    let spent = sim.now_ms().saturating_sub(now) as f64 / speed;
                    real_left = (real_left - spent).max(0.0);
                    self.carry_ms = 0.0;
                    self.dwell_left_ms = dwell_ms(speed);
                    self.quiet_real_ms = 0.0;
                }
                Advance::Quiet => {
                    self.carry_ms = (virtual_ms - whole).min(1.0);
                    real_left = 0.0;
                    // In a lesson step silence runs `QUIET_FAST_FORWARD` times faster, up to
                    // the next event that tells something (or the step's end), so a broker's
                    // 30 s check interval does not cost the learner 30 s. Free play keeps the
                    // chosen speed.
                    self.quiet_real_ms += real_ms.clamp(0.0, MAX_FRAME_MS);
                    if let Some(end) = bound.filter(|_| self.quiet_real_ms >= QUIET_AFTER_REAL_MS) {
                        let extra = (real_ms.clamp(0.0, MAX_FRAME_MS) * speed * QUIET_FAST_FORWARD) as u64;
                        let target = sim.now_ms().saturating_add(extra).min(end);
                        let budget = work_end.saturating_sub(sim.work());
                        if target > sim.now_ms() && budget > 0 {
                            let from = sim.now_ms();
                            if sim.advance(budget, target - from) == Advance::Entry {
                                self.dwell_left_ms = dwell_ms(speed);
                                self.quiet_real_ms = 0.0;
                            }
                        }
                    }
                }
                Advance::Busy => break,
                Advance::Finished => {
                    self.playing = false;
                    // Nothing more happens: a lesson step's clock still runs to its end.
                    if let Some(end) = bound {
                        sim.run_until(end);
                        if let Some(p) = self.step_play.as_mut() {
                            p.done = true;
                        }
                    }
                    break;
                }
            }
        }
    }

    fn step_forward(&mut self) -> Advance {
        self.sim.borrow_mut().advance(WORK_PER_FRAME, STEP_QUIET_MS)
    }

    /// One frame of the current job.
    fn work(&mut self) {
        let Some(job) = self.job else { return };
        let done = match job {
            Job::ToStep { target, .. } => self.sim.borrow_mut().run_toward(target, WORK_PER_FRAME),
            Job::ToEntry { trace_total } => {
                let mut sim = self.sim.borrow_mut();
                sim.advance(WORK_PER_FRAME, STEP_QUIET_MS) != Advance::Busy || sim.trace_total() > trace_total
            }
        };
        if done {
            self.job = None;
        }
    }

    /// Goes to `step`: at once when checkpoints cover it, else as a job.
    fn seek(&mut self, step: u64) {
        self.playing = false;
        let now = self.sim.borrow().steps();
        if step <= now || step <= self.horizon {
            self.job = None;
            self.sim.borrow_mut().seek(step);
        } else {
            self.job = Some(Job::ToStep {
                target: step,
                from: now,
            });
            self.work();
        }
    }

    /// A learner's action joins the scenario at the next millisecond; then show its first effect.
    fn push(&mut self, action: Action) {
        let result = self.sim.borrow_mut().push_action(action);
        match result {
            Ok(at_ms) => {
                // Later steps of the old history no longer describe this scenario.
                self.horizon = self.sim.borrow().steps();
                // Run up to the action's millisecond: actions win ties, so its first effects
                // (e.g. "record key k -> partition p") are in the log when the click returns.
                self.sim.borrow_mut().run_until(at_ms);
            }
            Err(errors) => {
                self.errors = errors;
                self.error_intro = "scn.invalid";
            }
        }
    }

    fn load_lesson(&mut self, pos: LessonPos) {
        let Some(lesson) = self.lessons.get(pos.index) else {
            return;
        };
        let include = lesson
            .steps
            .get(pos.step)
            .is_none_or(|s| s.predict.is_none() || pos.revealed);
        match lesson.sim_with_span(pos.step, include) {
            Ok((sim, span)) => {
                self.replace_sim(sim);
                self.lesson = Some(pos);
                self.selected = None;
                self.horizon = span.end_steps;
                if include && !span.is_empty() {
                    // Play the step's own events rather than jump to its end.
                    self.step_play = Some(StepPlay { span, done: false });
                    self.replay_step();
                }
            }
            Err(errors) => {
                self.errors = errors;
                self.error_intro = "scn.invalid";
            }
        }
    }

    /// Back to the start of the lesson step's own events, playing.
    fn replay_step(&mut self) {
        let Some(play) = self.step_play.as_mut() else { return };
        play.done = false;
        let start = play.span.start_steps;
        self.job = None;
        self.dwell_left_ms = 0.0;
        self.carry_ms = 0.0;
        self.sim.borrow_mut().rewind(start);
        self.playing = true;
    }

    /// The first thing a learner does on the home page ends the welcome (and starts free play).
    /// Details stay as they were: only Free play or the toggle turns them on.
    fn leave_home(&mut self) {
        if self.mode == Mode::Home {
            self.mode = Mode::FreePlay;
        }
    }

    fn enter_free_play(&mut self, restart: bool) {
        self.mode = Mode::FreePlay;
        self.details = true;
        self.lesson = None;
        self.step_play = None;
        if restart && *self.scenario != mqplay_core::catalog::default_scenario() {
            self.replace_sim(
                Sim::new(mqplay_core::catalog::default_scenario()).expect("the default scenario is valid"),
            );
        }
        self.selected = None;
    }

    /// The step to go Back to: undo the newest visible change (the newest log line at or before
    /// now), landing right after the line before it. A quiet stretch only moved the clock, so it
    /// is no change of its own: Back from 600 s after a last line at 10 s undoes that line.
    fn previous_visible_change(&self) -> u64 {
        let sim = self.sim.borrow();
        let now = sim.steps();
        let mut steps = sim.trace().iter().rev().map(|e| e.step()).filter(|s| *s <= now);
        let Some(newest) = steps.next() else { return 0 };
        steps.find(|s| *s < newest).unwrap_or(0)
    }

    pub fn apply(&mut self, msg: Msg) {
        match msg {
            Msg::Tick(real_ms) => {
                if self.playing && self.job.is_none() {
                    self.play_for(real_ms);
                }
            }
            Msg::TogglePlay => {
                self.leave_home();
                let step_done = self.step_play.is_some_and(|p| p.done) && self.mode == Mode::Lesson;
                if step_done && !self.playing {
                    // A played lesson step plays on past its end only in free play.
                    self.replay_step();
                } else {
                    self.playing = !self.playing && !self.view.finished;
                }
            }
            Msg::Pause => self.playing = false,
            Msg::StepForward => {
                self.leave_home();
                self.playing = false;
                let before = self.sim.borrow().trace_total();
                if self.job.is_none() && self.step_forward() == Advance::Busy {
                    self.job = Some(Job::ToEntry { trace_total: before });
                }
            }
            Msg::Work => self.work(),
            Msg::StopJob => self.job = None,
            Msg::StepBack => {
                self.playing = false;
                self.job = None;
                let target = self.previous_visible_change();
                self.sim.borrow_mut().seek(target);
            }
            Msg::Seek(step) => self.seek(step),
            Msg::SetSpeed(i) => self.speed = i.min(SPEEDS.len() - 1),
            Msg::Reset => {
                self.playing = false;
                self.job = None;
                self.sim.borrow_mut().seek(0);
                self.horizon = 0;
            }
            Msg::SetLang(lang) => self.lang = lang,
            Msg::Kafka(crate::kafka::Intent::Assign(form)) => {
                // The assignors are the core's: the code the group leader runs.
                use mqplay_core::kafka::assignor::document;
                self.kafka_lab = Some(Rc::new(match form.document() {
                    Ok(doc) => LabOutcome {
                        errors: Vec::new(),
                        input: doc.input(),
                        reports: document::run(&doc, Some(self.lang)),
                    },
                    Err(errors) => LabOutcome {
                        errors,
                        input: Default::default(),
                        reports: Vec::new(),
                    },
                }));
            }
            Msg::Kafka(intent) => {
                self.leave_home();
                let action = crate::kafka::intent(&intent, &self.scenario, self.kafka.as_deref(), self.lang);
                match action {
                    Ok(action) => self.push(action),
                    Err(errors) => {
                        self.errors = errors;
                        self.error_intro = "scn.invalid";
                    }
                }
            }
            Msg::Rabbit(crate::rabbit::Intent::Try {
                exchange,
                routing_key,
                headers,
            }) => {
                // Routing is the core's: the same walk a publish takes, on the broker as it is now.
                use mqplay_core::rabbit::explain::{parse_headers, try_route, RouteTrial};
                let sim = self.sim.borrow();
                let trial = match (sim.rabbit(), parse_headers(&headers)) {
                    (Some(r), Ok(h)) => try_route(&r.broker.topology, &exchange, &routing_key, &h),
                    (_, Err(e)) => RouteTrial {
                        error: Some(e),
                        exchanges: Vec::new(),
                        queues: Vec::new(),
                    },
                    (None, _) => RouteTrial {
                        error: None,
                        exchanges: Vec::new(),
                        queues: Vec::new(),
                    },
                };
                drop(sim);
                self.rabbit_trial = Some(Rc::new(trial));
            }
            Msg::Rabbit(intent) => {
                self.leave_home();
                match crate::rabbit::intent(&intent, &self.scenario, self.lang) {
                    Ok(action) => self.push(action),
                    Err(errors) => {
                        self.errors = errors;
                        self.error_intro = "scn.invalid";
                    }
                }
            }
            Msg::Delay(intent) => {
                self.leave_home();
                match crate::delay::intent(&intent, &self.scenario, self.lang) {
                    Ok(action) => self.push(action),
                    Err(errors) => {
                        self.errors = errors;
                        self.error_intro = "scn.invalid";
                    }
                }
            }
            Msg::Rocket(intent) => {
                self.leave_home();
                match crate::rocket::intent(&intent, &self.scenario, self.lang) {
                    Ok(action) => self.push(action),
                    Err(errors) => {
                        self.errors = errors;
                        self.error_intro = "scn.invalid";
                    }
                }
            }
            Msg::Select(selection) => self.selected = selection,
            Msg::Import(text) => match Scenario::from_json(&text).and_then(Sim::new) {
                Ok(sim) => {
                    self.replace_sim(sim);
                    self.mode = Mode::FreePlay;
                    self.details = true;
                    self.lesson = None;
                    self.selected = None;
                    self.errors.clear();
                }
                Err(errors) => {
                    self.errors = errors;
                    self.error_intro = "scn.invalid";
                }
            },
            Msg::DismissErrors => self.errors.clear(),
            Msg::OpenLesson(index) => {
                self.resume = None;
                self.mode = Mode::Lesson;
                self.details = false;
                self.load_lesson(LessonPos {
                    index,
                    step: 0,
                    revealed: false,
                    choice: None,
                });
            }
            Msg::LessonGo(step) => {
                if let Some(pos) = self.lesson {
                    let last = self
                        .lessons
                        .get(pos.index)
                        .map_or(0, |l| l.steps.len().saturating_sub(1));
                    // Past either end (an aria-disabled button, a key) nothing happens.
                    if step != pos.step && step <= last {
                        self.load_lesson(LessonPos {
                            step,
                            revealed: false,
                            choice: None,
                            ..pos
                        });
                    }
                }
            }
            Msg::LessonChoose(choice) => {
                if let Some(pos) = self.lesson.as_mut() {
                    if !pos.revealed {
                        pos.choice = Some(choice);
                    }
                }
            }
            Msg::LessonReveal => {
                if let Some(pos) = self.lesson.filter(|p| p.choice.is_some() && !p.revealed) {
                    self.load_lesson(LessonPos { revealed: true, ..pos });
                }
            }
            Msg::LeaveLesson => {
                self.resume = self.lesson.take();
                self.enter_free_play(false);
            }
            Msg::ResumeLesson => {
                if let Some(pos) = self.resume.take() {
                    self.mode = Mode::Lesson;
                    self.details = false;
                    self.load_lesson(pos);
                }
            }
            Msg::FreePlay => {
                if self.has_own_work() {
                    self.confirm = Some(Confirm::FreePlay);
                } else {
                    self.enter_free_play(true);
                }
            }
            Msg::Confirmed(yes) => {
                if self.confirm.take() == Some(Confirm::FreePlay) && yes {
                    self.enter_free_play(true);
                }
            }
            Msg::ToggleDetails => self.details = !self.details,
            Msg::LessonReplay => self.replay_step(),
            Msg::LessonSkip => {
                if let Some(play) = self.step_play.as_mut() {
                    play.done = true;
                    let span = play.span;
                    self.playing = false;
                    self.dwell_left_ms = 0.0;
                    let mut sim = self.sim.borrow_mut();
                    sim.seek(span.end_steps);
                    sim.run_until(span.end_ms);
                }
            }
        }
        self.refresh();
    }
}

impl Reducible for Store {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(msg);
        Rc::new(next)
    }
}

pub type StoreHandle = UseReducerHandle<Store>;

#[cfg(test)]
mod tests {
    use super::*;
    use mqplay_core::catalog::default_scenario;

    fn quiet_cluster() -> Scenario {
        // A producer and one consumer without auto-commit: once the group settles only heartbeats
        // happen, which say nothing, so only the clock moves.
        Scenario::from_json(
            r#"{"version": 1, "seed": 1, "duration_ms": 300000,
                "kafka": {"brokers": 1, "topics": [{"name": "t", "partitions": 1}], "producers": [{"id": "p"}],
                          "consumers": [{"id": "c", "group": "g", "topics": ["t"], "enable_auto_commit": false}]},
                "actions": []}"#,
        )
        .unwrap()
    }

    /// The quiet cluster after its group settled and its consumer caught up.
    fn settled() -> Store {
        let mut store = Store::new(quiet_cluster(), 0, Lang::En);
        store.sim.borrow_mut().run_until(10_000);
        store.refresh();
        store
    }

    fn play(store: &mut Store, real_ms: f64, frame_ms: f64) {
        let mut left = real_ms;
        while left > 0.0 && store.playing {
            store.apply(Msg::Tick(frame_ms.min(left)));
            left -= frame_ms;
        }
    }

    #[test]
    fn the_home_page_waits_for_the_learner_with_plain_sentences() {
        let mut store = Store::new(default_scenario(), 0, Lang::En);
        assert!(!store.playing);
        assert_eq!(store.mode, Mode::Home);
        assert!(!store.details);
        assert_eq!(store.view.now_ms, 0, "nothing ran before the learner acted");
        store.apply(Msg::TogglePlay);
        assert!(store.playing);
        assert_eq!(store.mode, Mode::FreePlay, "acting ends the welcome");
        play(&mut store, 20_000.0, 40.0);
        assert!(!store.log.is_empty());
        assert!(store
            .log
            .iter()
            .all(|r| !r.text.contains("KIP-") && !r.text.contains("hashCode")));
        store.apply(Msg::ToggleDetails);
        assert!(store
            .log
            .iter()
            .any(|r| r.text.contains("KIP-") || r.text.contains("hashCode")));
    }

    #[test]
    fn one_x_is_real_time_and_other_speeds_are_multiples() {
        for (index, (factor, _)) in SPEEDS.iter().enumerate() {
            let mut store = settled();
            let (start, lines) = (store.view.now_ms, store.log.len());
            store.apply(Msg::SetSpeed(index));
            store.apply(Msg::TogglePlay);
            play(&mut store, 2_000.0, 40.0);
            assert_eq!(store.log.len(), lines, "a quiet stretch");
            let expected = (2_000.0 * factor) as u64;
            let now = store.view.now_ms - start;
            assert!(
                now.abs_diff(expected) <= 1 + expected / 1000,
                "{factor}×: 2 s real gave {now} ms virtual"
            );
        }
    }

    #[test]
    fn each_new_line_holds_the_clock_to_be_read() {
        let mut store = Store::new(default_scenario(), 0, Lang::En);
        let before = store.log.len();
        store.apply(Msg::TogglePlay);
        // The consumers look for their coordinator at once: one line per dwell, not all.
        store.apply(Msg::Tick(40.0));
        let first = store.log.len();
        assert_eq!(first, before + 1, "one line per dwell at 1×");
        store.apply(Msg::Tick(DWELL_AT_1X_MS - 100.0));
        assert_eq!(store.log.len(), first, "the line is still being read");
        store.apply(Msg::Tick(200.0));
        assert_eq!(store.log.len(), first + 1);
    }

    #[test]
    fn back_undoes_the_newest_visible_change_even_after_a_quiet_stretch() {
        let mut store = settled();
        let before = store.log.len();
        store.apply(Msg::Kafka(crate::kafka::Intent::Produce {
            key: "k".into(),
            value: "v".into(),
        }));
        store.apply(Msg::SetSpeed(SPEEDS.len() - 1));
        store.apply(Msg::TogglePlay);
        play(&mut store, 1_000.0, 40.0);
        let lines = store.log.len();
        assert!(
            lines >= before + 4,
            "partitioned, sent, appended, acked, consumed: {lines}"
        );
        assert!(store.view.now_ms > 60_000, "a long quiet stretch followed");
        store.apply(Msg::StepBack);
        assert_eq!(
            store.log.len(),
            lines - 1,
            "Back removes the newest line, not only the clock"
        );
    }

    #[test]
    fn a_lesson_step_plays_its_events_and_stops_at_its_end() {
        let mut store = Store::new(default_scenario(), 0, Lang::En);
        store.apply(Msg::OpenLesson(0));
        let lesson = store.lessons[0].clone();
        // The first step with events of its own.
        let step = (0..lesson.steps.len())
            .find(|&i| {
                let (_, span) = lesson.sim_with_span(i, true).unwrap();
                lesson.steps[i].predict.is_none() && span.end_steps > span.start_steps + 5
            })
            .unwrap();
        store.apply(Msg::LessonGo(step));
        let play_state = store.step_play.unwrap();
        assert!(store.playing && !play_state.done);
        assert_eq!(
            store.steps(),
            play_state.span.start_steps,
            "it starts where the step's actions begin"
        );
        let mut seen = Vec::new();
        for i in 0..10_000 {
            if i == 9_999 {
                panic!(
                    "still playing: {:?} at {} ms, steps {}",
                    store.step_play,
                    store.view.now_ms,
                    store.steps()
                );
            }
            if !store.playing {
                break;
            }
            let before = store.log.len();
            store.apply(Msg::Tick(40.0));
            // The events that spoke in this frame: one at most at this pace.
            let mut steps: Vec<u64> = store.log[before.min(store.log.len())..]
                .iter()
                .map(|r| r.step)
                .collect();
            steps.dedup();
            seen.push(steps.len());
        }
        assert!(
            !store.playing && store.step_play.unwrap().done,
            "{:?} at {} ms steps {} finished {}",
            store.step_play,
            store.view.now_ms,
            store.steps(),
            store.view.finished
        );
        let (end, _) = lesson.sim_with_span(step, true).unwrap();
        assert_eq!(store.steps(), end.steps(), "it stops exactly at the step's end");
        assert_eq!(store.view.now_ms, end.now_ms());
        // Lines arrived event by event, never in a burst.
        assert!(seen.iter().all(|n| *n <= 1), "{seen:?}");
        assert!(seen.iter().filter(|n| **n == 1).count() > 5);
        // Replay starts again; skip goes to the end at once.
        store.apply(Msg::LessonReplay);
        assert!(store.playing);
        assert_eq!(store.steps(), play_state.span.start_steps);
        store.apply(Msg::LessonSkip);
        assert!(!store.playing);
        assert_eq!(store.steps(), end.steps());
    }

    /// The log told from scratch, to compare with the rows the store reuses.
    fn told_afresh(store: &Store) -> Vec<(u64, u64, String)> {
        let sim = store.sim();
        let total = sim.trace().total();
        let n = total.min(LOG_WINDOW as u64);
        sim.trace()
            .tail(LOG_WINDOW)
            .enumerate()
            .map(|(i, e)| {
                let told = sim.tell(e);
                let text = if store.details {
                    told.sentence(store.lang)
                } else {
                    told.sentence_plain(store.lang)
                };
                (total - n + i as u64, e.step(), text)
            })
            .collect()
    }

    #[test]
    fn reused_log_rows_match_a_fresh_telling() {
        let mut busy = default_scenario();
        let burst = Scenario::from_json(
            r#"{"version": 1, "seed": 1, "duration_ms": 60000,
                "kafka": {"brokers": 1, "topics": [{"name": "orders", "partitions": 3}], "producers": [{"id": "checkout"}]},
                "actions": [{"at_ms": 5000, "do": "produce_many", "producer": "checkout", "topic": "orders", "count": 300, "key_prefix": "k", "distinct_keys": 5}]}"#,
        )
        .unwrap();
        busy.actions.extend(burst.actions);
        let mut store = Store::new(busy, 0, Lang::En);
        let rows = |s: &Store| {
            s.log
                .iter()
                .map(|r| (r.seq, r.step, r.text.clone()))
                .collect::<Vec<_>>()
        };
        store.apply(Msg::SetSpeed(SPEEDS.len() - 1));
        store.apply(Msg::TogglePlay);
        for round in 0..6 {
            play(&mut store, 3_000.0, 40.0);
            assert_eq!(rows(&store), told_afresh(&store), "round {round} after playing");
            store.apply(Msg::StepBack);
            assert_eq!(rows(&store), told_afresh(&store), "round {round} after Back");
            match round {
                1 => store.apply(Msg::SetLang(Lang::Zh)),
                2 => store.apply(Msg::ToggleDetails),
                3 => store.apply(Msg::Seek(3)),
                4 => store.apply(Msg::Kafka(crate::kafka::Intent::Produce {
                    key: "k".into(),
                    value: "v".into(),
                })),
                _ => {}
            }
            assert_eq!(rows(&store), told_afresh(&store), "round {round} after a change");
            store.apply(Msg::TogglePlay);
            if !store.playing {
                store.apply(Msg::TogglePlay);
            }
        }
        assert!(store.log_skipped > 0, "the window moved past its first rows");
    }

    #[test]
    fn free_play_asks_before_it_throws_work_away() {
        let mut store = Store::new(default_scenario(), 0, Lang::En);
        store.apply(Msg::FreePlay);
        assert_eq!(
            (store.mode, store.confirm),
            (Mode::FreePlay, None),
            "nothing to lose, no question"
        );
        assert!(store.details, "free play shows details");
        store.apply(Msg::Kafka(crate::kafka::Intent::Produce {
            key: "k".into(),
            value: "v".into(),
        }));
        store.apply(Msg::FreePlay);
        assert_eq!(store.confirm, Some(Confirm::FreePlay));
        store.apply(Msg::Confirmed(false));
        assert_eq!(store.confirm, None);
        let default_actions = default_scenario().actions.len();
        assert_eq!(store.scenario.actions.len(), default_actions + 1, "kept");
        store.apply(Msg::FreePlay);
        store.apply(Msg::Confirmed(true));
        assert_eq!(store.scenario.actions.len(), default_actions, "restarted");
    }
}
