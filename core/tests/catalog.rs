//! Every file that ships (default scenario, lessons) loads, and every lesson is internally true:
//! its checks pass at their steps and each prediction's real outcome is one of its options.
use mqplay_core::catalog::{default_scenario, DEFAULT_SCENARIO, LESSON_FILES};
use mqplay_core::lesson::Lesson;
use mqplay_core::scenario::Text;
use mqplay_core::Scenario;

fn both(t: &Text, what: &str) {
    assert!(!t.en.trim().is_empty(), "{what}: English text is empty");
    assert!(!t.zh.trim().is_empty(), "{what}: Chinese text is empty");
    assert!(
        t.zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{what}: the zh text has no Chinese: {:?}",
        t.zh
    );
}

#[test]
fn every_example_loads_and_has_a_title_in_both_languages() {
    for (id, text) in mqplay_core::catalog::EXAMPLE_FILES {
        let s = Scenario::from_json(text).unwrap_or_else(|e| panic!("{id}: {e:?}"));
        both(s.title.as_ref().unwrap_or_else(|| panic!("{id} has no title")), id);
    }
    assert_eq!(
        mqplay_core::catalog::examples().len(),
        mqplay_core::catalog::EXAMPLE_FILES.len()
    );
}

#[test]
fn default_scenario_loads() {
    let parsed = Scenario::from_json(DEFAULT_SCENARIO).expect("default scenario");
    assert_eq!(parsed, default_scenario());
}

#[test]
fn every_lesson_loads_and_tells_the_truth() {
    assert!(!LESSON_FILES.is_empty());
    // LESSON=<id> checks one lesson only (handy while writing one).
    let only = std::env::var("LESSON").ok();
    // LESSON_FILE=<path> checks a lesson file that is not in the catalog yet.
    let extra = std::env::var("LESSON_FILE").ok().map(|path| {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let name = std::path::Path::new(&path)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        (name, text)
    });
    let files: Vec<(String, String)> = match extra {
        Some(file) => vec![file],
        None => LESSON_FILES
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect(),
    };
    for (name, text) in &files {
        let (name, text) = (name.as_str(), text.as_str());
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        let lesson = Lesson::from_json(text).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(&lesson.id, name, "lesson id must match its file name");
        assert!(lesson.steps.len() >= 5, "{name}: a lesson needs at least 5 steps");
        both(&lesson.title, &format!("{name} title"));
        both(&lesson.summary, &format!("{name} summary"));
        let last = lesson.steps.last().unwrap();
        assert!(
            last.predict.is_some() || lesson.steps.iter().rev().take(2).any(|s| s.predict.is_some()),
            "{name}: must end with a predict-the-outcome question"
        );
        for (i, step) in lesson.steps.iter().enumerate() {
            let at = format!("{name} steps[{i}]");
            both(&step.title, &at);
            both(&step.narration, &at);
            let sim = lesson.sim_at(i, true).unwrap_or_else(|e| panic!("{at}: {e:?}"));
            let view = sim.view();
            let rabbit_names = view
                .rabbitmq
                .as_ref()
                .map(mqplay_core::rabbit::check::names)
                .unwrap_or_default();
            for id in &step.highlight {
                let kafka_knows = view.kafka.as_ref().is_some_and(|view| {
                    view.brokers.iter().any(|b| format!("broker-{}", b.id) == *id)
                        || view
                            .topics
                            .iter()
                            .any(|t| t.name == *id || t.partitions.iter().any(|p| p.name == *id))
                        || view.consumers.iter().any(|c| c.id == *id)
                        || view.producers.iter().any(|p| p.id == *id)
                        || view.groups.iter().any(|g| g.id == *id)
                });
                let known = kafka_knows || rabbit_names.contains(id);
                assert!(known, "{at}: highlight `{id}` names nothing in the simulation");
            }
            if let Some(check) = &step.check {
                let v = check.evaluate(&sim);
                assert!(v.passed, "{at}: check {check:?} fails: {}", v.detail.en);
            }
            if let Some(c) = &step.compare {
                both(&c.caption, &format!("{at} compare caption"));
                for (row, cell) in c.rows.iter().zip(c.read(&sim)) {
                    both(&row.label, &format!("{at} compare row"));
                    assert!(
                        cell.value.is_some(),
                        "{at}: compare row {:?} measures nothing",
                        row.measure
                    );
                }
            }
            if let Some(p) = &step.predict {
                both(&p.prompt, &format!("{at} prompt"));
                both(&p.explain, &format!("{at} explain"));
                let mut values: Vec<&str> = p.options.iter().map(|o| o.value.as_str()).collect();
                values.sort();
                values.dedup();
                assert_eq!(values.len(), p.options.len(), "{at}: option values must differ");
                for o in &p.options {
                    both(&o.label, &format!("{at} option {}", o.value));
                }
                let actual = p
                    .measure
                    .evaluate(&sim)
                    .unwrap_or_else(|| panic!("{at}: {:?} measures nothing", p.measure));
                let right = p.options.iter().find(|o| o.value == actual);
                let right = right.unwrap_or_else(|| panic!("{at}: the outcome `{actual}` is not among the options"));
                // The explanation names the option the run proves right, first, in both languages,
                // so an option worded against its own explanation cannot ship.
                assert!(
                    p.explain.en.starts_with(&right.label.en) && p.explain.zh.starts_with(&right.label.zh),
                    "{at}: the explanation must open with the right option `{}` / `{}`, it opens {:?} / {:?}",
                    right.label.en,
                    right.label.zh,
                    p.explain.en.chars().take(40).collect::<String>(),
                    p.explain.zh.chars().take(20).collect::<String>()
                );
                for wrong in p.options.iter().filter(|o| o.value != actual) {
                    assert!(
                        !p.explain.en.starts_with(&wrong.label.en) && !p.explain.zh.starts_with(&wrong.label.zh),
                        "{at}: the explanation opens with a wrong option `{}`",
                        wrong.label.en
                    );
                }
                // Before the step runs, the outcome must not already be decided the same way for a
                // trivial reason: the state before the step must differ in what it measures, or the
                // question teaches nothing. (Allowed when the measure is undefined before.)
                let before = lesson.sim_at(i, false).unwrap();
                let earlier = p.measure.evaluate(&before);
                assert!(
                    earlier.as_deref() != Some(actual.as_str()) || step.actions.is_empty(),
                    "{at}: the prediction's answer `{actual}` is already visible before the step runs"
                );
            }
        }
    }
}

#[test]
fn every_lesson_step_replays_from_its_start_to_the_same_end() {
    // The page plays a step by seeking to where its actions begin and running on to its end; that
    // must land on exactly the state `sim_at` builds, trace included.
    for lesson in mqplay_core::catalog::lessons() {
        for step in 0..lesson.steps.len() {
            let (mut sim, span) = lesson.sim_with_span(step, true).unwrap();
            assert_eq!(span.end_steps, sim.steps(), "{} step {step}", lesson.id);
            let expected_hash = sim.trace_hash();
            let expected_entries = sim.trace_total();
            sim.rewind(span.start_steps);
            assert_eq!(sim.steps(), span.start_steps);
            assert!(
                sim.now_ms() <= span.start_ms,
                "{} step {step}: seek lands after the step began: {} > {span:?}",
                lesson.id,
                sim.now_ms()
            );
            sim.run_until(span.end_ms);
            assert_eq!(sim.steps(), span.end_steps, "{} step {step}", lesson.id);
            assert_eq!(sim.trace_total(), expected_entries, "{} step {step}", lesson.id);
            assert_eq!(sim.trace_hash(), expected_hash, "{} step {step}", lesson.id);
            if step > 0 {
                let (before, _) = lesson.sim_with_span(step - 1, true).unwrap();
                assert_eq!(
                    before.steps(),
                    span.start_steps,
                    "{} step {step} starts where the last ended",
                    lesson.id
                );
            }
        }
    }
}
