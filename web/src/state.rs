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

use mqplay_core::kafka::view::KafkaView;
use mqplay_core::lesson::Lesson;
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
/// Playback speeds: trace entries shown per second.
pub const SPEEDS: &[(u32, &str)] = &[(1, "0.5×"), (2, "1×"), (4, "2×"), (8, "4×"), (20, "10×")];

/// What the inspector shows: an element of one system's view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    Kafka(crate::kafka::Selected),
}

/// One line of the event log, already told in the page's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRow {
    pub step: u64,
    pub at_ms: u64,
    pub node: String,
    /// The explanation key (the trace kind), for styling.
    pub key: &'static str,
    pub text: String,
}

/// Long work the page continues frame by frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Run until this step (a share link's step, a jump past what was computed).
    ToStep { target: u64, from: u64 },
    /// Run until the trace gains an entry (a step across a long, busy stretch).
    ToEntry { trace_total: u64 },
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
    Tick,
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
}

#[derive(Clone)]
pub struct Store {
    sim: Rc<RefCell<Sim>>,
    /// The kernel's part of the view (clock, progress, nodes); each system's part is apart.
    pub view: Rc<SimView>,
    pub kafka: Option<Rc<KafkaView>>,
    /// The last `LOG_WINDOW` trace entries as sentences, and how many came before them.
    pub log: Rc<Vec<LogRow>>,
    pub log_skipped: u64,
    pub job: Option<Job>,
    pub revision: u64,
    pub lang: Lang,
    pub playing: bool,
    pub speed: usize,
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
            log: Rc::default(),
            log_skipped: 0,
            job: None,
            revision: 0,
            lang,
            playing: false,
            speed: 1,
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

    pub fn playing(mut self) -> Store {
        self.playing = true;
        self
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
        self.view = Rc::new(view);
        let trace = sim.trace();
        let rows: Vec<LogRow> = trace
            .tail(LOG_WINDOW)
            .map(|e| {
                let told = sim.tell(e);
                LogRow {
                    step: e.step(),
                    at_ms: e.at_ms(),
                    node: sim.node_name(e).to_string(),
                    key: told.key(),
                    text: told.sentence(self.lang),
                }
            })
            .collect();
        self.log_skipped = trace.total() - rows.len() as u64;
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
        self.horizon = 0;
        self.playing = false;
        self.job = None;
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
        match lesson.sim_at(pos.step, include) {
            Ok(sim) => {
                self.replace_sim(sim);
                self.lesson = Some(pos);
                self.selected = None;
            }
            Err(errors) => {
                self.errors = errors;
                self.error_intro = "scn.invalid";
            }
        }
    }

    pub fn apply(&mut self, msg: Msg) {
        match msg {
            Msg::Tick => {
                if self.playing && self.job.is_none() && self.step_forward() == Advance::Finished {
                    self.playing = false;
                }
            }
            Msg::TogglePlay => self.playing = !self.playing && !self.view.finished,
            Msg::Pause => self.playing = false,
            Msg::StepForward => {
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
                let now = self.sim.borrow().steps();
                // Back to the state right after the previous event that said something.
                let target = self
                    .sim
                    .borrow()
                    .trace()
                    .iter()
                    .rev()
                    .map(|e| e.step())
                    .find(|s| *s < now)
                    .unwrap_or(0);
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
            Msg::Kafka(intent) => {
                let action = crate::kafka::intent(&intent, &self.scenario, self.kafka.as_deref(), self.lang);
                match action {
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
                    self.load_lesson(LessonPos {
                        step: step.min(last),
                        revealed: false,
                        choice: None,
                        ..pos
                    });
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
            }
            Msg::ResumeLesson => {
                if let Some(pos) = self.resume.take() {
                    self.load_lesson(pos);
                }
            }
            Msg::FreePlay => {
                self.lesson = None;
                self.resume = None;
                self.replace_sim(
                    Sim::new(mqplay_core::catalog::default_scenario()).expect("the default scenario is valid"),
                );
                self.selected = None;
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
