//! The store: the one place that owns the simulation. Components receive `Store` (plain view data
//! plus a revision) and send `Msg`s; every rule of the simulation stays in `mqplay_core`.
use std::cell::RefCell;
use std::rc::Rc;

use mqplay_core::lesson::Lesson;
use mqplay_core::scenario::{Action, ConsumerSpec, OffsetReset, MAX_KEY_BYTES, MAX_VALUE_BYTES};
use mqplay_core::{Lang, Scenario, ScenarioError, Sim, SimView, TraceEntry};
use yew::prelude::*;

/// Events one "step" may process while looking for the next trace entry (quiet stretches such as
/// a 45 s session timeout are mostly heartbeats and empty fetches).
pub const STEP_EVENT_BUDGET: u64 = 1_000_000;
/// Virtual time one step may skip without a trace entry before it stops and shows the clock.
pub const STEP_QUIET_MS: u64 = 5_000;
/// Trace entries handed to the event log.
pub const LOG_WINDOW: usize = 200;
/// Playback speeds: trace entries shown per second.
pub const SPEEDS: &[(u32, &str)] = &[(1, "0.5×"), (2, "1×"), (4, "2×"), (8, "4×"), (20, "10×")];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    Broker(u32),
    Partition(String),
    Record { partition: String, offset: u64 },
    Consumer(String),
    Group(String),
    Producer(String),
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
    Produce { key: String, value: String },
    AddConsumer,
    RemoveConsumer(String),
    CrashConsumer(String),
    CrashBroker(u32),
    RestartBroker(u32),
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
    pub view: Rc<SimView>,
    /// The last `LOG_WINDOW` trace entries, and how many came before them.
    pub log: Rc<Vec<TraceEntry>>,
    pub log_skipped: u64,
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
            log: Rc::default(),
            log_skipped: 0,
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
        store.sim.borrow_mut().run_steps(step);
        store.refresh();
        store
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
        self.view = Rc::new(sim.view());
        let trace = sim.trace();
        let start = trace.len().saturating_sub(LOG_WINDOW);
        self.log = Rc::new(trace[start..].to_vec());
        self.log_skipped = sim.trace_dropped() + start as u64;
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
    }

    fn step_forward(&mut self) -> mqplay_core::Advance {
        self.sim.borrow_mut().advance(STEP_EVENT_BUDGET, STEP_QUIET_MS)
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
                if self.playing && self.step_forward() == mqplay_core::Advance::Finished {
                    self.playing = false;
                }
            }
            Msg::TogglePlay => self.playing = !self.playing && !self.view.finished,
            Msg::Pause => self.playing = false,
            Msg::StepForward => {
                self.playing = false;
                self.step_forward();
            }
            Msg::StepBack => {
                self.playing = false;
                let now = self.sim.borrow().steps();
                // Back to the state right after the previous event that said something.
                let target = self
                    .sim
                    .borrow()
                    .trace()
                    .iter()
                    .rev()
                    .map(|e| e.step)
                    .find(|s| *s < now)
                    .unwrap_or(0);
                self.sim.borrow_mut().seek(target);
            }
            Msg::Seek(step) => {
                self.playing = false;
                let now = self.sim.borrow().steps();
                if step >= now {
                    self.sim.borrow_mut().run_steps(step - now);
                } else {
                    self.sim.borrow_mut().seek(step);
                }
            }
            Msg::SetSpeed(i) => self.speed = i.min(SPEEDS.len() - 1),
            Msg::Reset => {
                self.playing = false;
                self.sim.borrow_mut().seek(0);
                self.horizon = 0;
            }
            Msg::SetLang(lang) => self.lang = lang,
            Msg::Produce { key, value } => {
                if key.len() > MAX_KEY_BYTES {
                    self.errors = vec![ScenarioError {
                        path: "key".into(),
                        reason: crate::i18n::t(self.lang, "err.key_too_long").into(),
                    }];
                } else if value.len() > MAX_VALUE_BYTES {
                    self.errors = vec![ScenarioError {
                        path: "value".into(),
                        reason: crate::i18n::t(self.lang, "err.value_too_long").into(),
                    }];
                } else {
                    let producer = self.scenario.kafka.producers.first().map(|p| p.id.clone());
                    let topic = self.scenario.kafka.topics.first().map(|t| t.name.clone());
                    match (producer, topic) {
                        (Some(producer), Some(topic)) => {
                            let key = (!key.is_empty()).then_some(key);
                            self.push(Action::Produce {
                                producer,
                                topic,
                                key,
                                value,
                            });
                        }
                        _ => {
                            self.errors = vec![ScenarioError {
                                path: "kafka.producers".into(),
                                reason: crate::i18n::t(self.lang, "act.no_producer").into(),
                            }]
                        }
                    }
                }
            }
            Msg::AddConsumer => {
                let scenario = self.scenario.clone();
                let template = self.sim.borrow().consumers().first().map(|c| c.spec.clone());
                let (group, topics) = match template {
                    Some(c) => (c.group, c.topics),
                    None => match scenario.kafka.topics.first() {
                        Some(t) => ("group-1".to_string(), vec![t.name.clone()]),
                        None => return,
                    },
                };
                let taken: Vec<String> = self
                    .sim
                    .borrow()
                    .consumers()
                    .iter()
                    .map(|c| c.spec.id.clone())
                    .collect();
                let id = (1..)
                    .map(|n| format!("{group}-{n}"))
                    .find(|id| !taken.contains(id))
                    .unwrap_or_default();
                let spec = ConsumerSpec {
                    id,
                    group,
                    topics,
                    auto_offset_reset: OffsetReset::Earliest,
                    enable_auto_commit: true,
                    auto_commit_interval_ms: 5_000,
                    session_timeout_ms: 45_000,
                    heartbeat_interval_ms: 3_000,
                };
                self.push(Action::AddConsumer { consumer: spec });
            }
            Msg::RemoveConsumer(consumer) => self.push(Action::RemoveConsumer { consumer }),
            Msg::CrashConsumer(consumer) => self.push(Action::CrashConsumer { consumer }),
            Msg::CrashBroker(broker) => self.push(Action::CrashBroker { broker }),
            Msg::RestartBroker(broker) => self.push(Action::RestartBroker { broker }),
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
