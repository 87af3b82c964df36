//! `mqplay run scenario.json`: run a scenario headless, print the trace as JSON lines on stdout,
//! then a line `--- summary` and the summary as one JSON line (where and why the run ended, what
//! the trace dropped, and each system's state: log end offsets, groups with member ids,
//! assignments, committed offsets, lag). `--lang zh|en` adds each entry's sentence;
//! `--max-work N` lowers the work budget (events plus trace entries) for this run.
//!
//! `mqplay defaults [kafka|rocketmq]`: every setting the simulator models, by its real name,
//! with its default, meaning (en, zh) and source, as JSON (both systems' tables, or one).
//!
//! `mqplay lesson lesson.json [--lang en|zh]`: play a lesson step by step, as the page does:
//! for each step its title, its stretch of virtual time, the trace lines it made, and what its
//! check, prediction measure and comparison rows read at its end (for lesson authors).
//!
//! `mqplay assign input.json [--lang en|zh]`: run Kafka's client assignors (range, roundrobin,
//! sticky, cooperative-sticky, or the document's `assignors`) on an assignor-lab document
//! (topics with partition counts or replica racks; members with subscriptions,
//! `group.instance.id`, `client.rack`, owned partitions and generation) and print one JSON
//! object: each assignor's assignment (`member -> topic -> partitions`), the cooperative one's
//! `revoked`, and with `--lang` a sentence per partition.
//!
//! Exit status: 0 when the run reached its end; 2 for bad input (with the JSON path of each
//! problem); 3 when the run halted on a budget or limit (the reason is in the summary and on
//! stderr).
use std::io::Write;
use std::process::ExitCode;

use mqplay_core::summary::{run_streaming, Summary};
use mqplay_core::{Lang, Scenario, Sim};

/// Exit status of a run that stopped on a budget or limit before its end.
const HALTED: u8 = 3;

const USAGE: &str = "usage: mqplay run <scenario.json> [--lang en|zh] [--summary-only] [--max-work N]\n       mqplay check <scenario.json>\n       mqplay lesson <lesson.json> [--lang en|zh]\n       mqplay defaults [kafka|rocketmq]\n       mqplay assign <input.json> [--lang en|zh]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(None) => ExitCode::SUCCESS,
        Ok(Some(halted)) => {
            eprintln!("the simulation halted before its end: {halted}");
            ExitCode::from(HALTED)
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}

/// `Ok(Some(reason))` when the run halted before its end.
fn run(args: &[String]) -> Result<Option<String>, String> {
    let (command, rest) = args.split_first().ok_or(USAGE)?;
    if command == "defaults" {
        let kafka = mqplay_core::kafka::config::REFERENCE;
        let rocketmq = mqplay_core::rocket::config::REFERENCE;
        let table = match rest.first().map(String::as_str) {
            None => Some(serde_json::json!({ "kafka": kafka, "rocketmq": rocketmq })),
            Some("kafka") => Some(serde_json::json!({ "kafka": kafka })),
            Some("rocketmq") => Some(serde_json::json!({ "rocketmq": rocketmq })),
            Some(_) => None,
        };
        return match table {
            Some(table) => {
                let text = serde_json::to_string_pretty(&table).map_err(|e| e.to_string())?;
                // A closed pipe (`| head`) ends the output quietly.
                let _ = writeln!(std::io::stdout(), "{text}");
                Ok(None)
            }
            None => Err(format!(
                "no settings table for `{}` (kafka and rocketmq have one)\n{USAGE}",
                rest[0]
            )),
        };
    }
    let mut path = None;
    let mut lang = None;
    let mut summary_only = false;
    let mut limits = mqplay_core::Limits::default();
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--lang" => {
                lang = Some(match it.next().map(String::as_str) {
                    Some("en") => Lang::En,
                    Some("zh") => Lang::Zh,
                    other => return Err(format!("--lang takes en or zh, not {other:?}")),
                })
            }
            "--summary-only" => summary_only = true,
            "--max-work" => {
                let n = it.next().and_then(|n| n.parse::<u64>().ok()).filter(|n| *n > 0);
                let n = n.ok_or_else(|| format!("--max-work takes a positive number of work units\n{USAGE}"))?;
                limits.max_work = n.min(limits.max_work);
            }
            _ if path.is_none() => path = Some(a.clone()),
            _ => return Err(format!("unexpected argument `{a}`\n{USAGE}")),
        }
    }
    let path = path.ok_or(USAGE)?;
    let metadata = std::fs::metadata(&path).map_err(|e| format!("{path}: {e}"))?;
    if metadata.len() > mqplay_core::scenario::MAX_DOCUMENT_BYTES as u64 {
        return Err(format!(
            "{path}: the document is {} bytes; the limit is {} bytes",
            metadata.len(),
            mqplay_core::scenario::MAX_DOCUMENT_BYTES
        ));
    }
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    if command == "lesson" {
        return lesson(&path, &text, lang.unwrap_or(Lang::En)).map(|()| None);
    }
    if command == "assign" {
        use mqplay_core::kafka::assignor::document;
        let doc = document::AssignDocument::from_json(&text).map_err(|errors| {
            let lines: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
            format!("{path}: invalid assignor document\n{}", lines.join("\n"))
        })?;
        let reports = document::run(&doc, lang);
        let _ = writeln!(std::io::stdout(), "{}", document::to_json(&reports));
        return Ok(None);
    }
    let scenario = Scenario::from_json(&text).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
        format!("{path}: invalid scenario\n{}", lines.join("\n"))
    })?;
    match command.as_str() {
        "check" => {
            println!("{path}: ok");
            Ok(None)
        }
        "run" => {
            let mut sim = Sim::with_limits(scenario, limits).map_err(|e| format!("{path}: {e:?}"))?;
            let out = std::io::stdout();
            let mut out = std::io::BufWriter::new(out.lock());
            let mut failed = None;
            if summary_only {
                sim.run_to_end();
                let summary = Summary::of(&sim).to_json();
                if let Err(e) = writeln!(out, "--- summary\n{summary}") {
                    failed = Some(e);
                }
            } else {
                // Entry by entry, as they are made: a long trace is never held whole.
                run_streaming(&mut sim, lang, &mut |line| {
                    if failed.is_none() {
                        if let Err(e) = writeln!(out, "{line}") {
                            failed = Some(e);
                        }
                    }
                });
            }
            if let Some(e) = failed.or_else(|| out.flush().err()) {
                return Err(e.to_string());
            }
            Ok(sim.halted().map(String::from))
        }
        other => Err(format!("unknown command `{other}`\n{USAGE}")),
    }
}

/// `mqplay lesson`: each step of the lesson with its trace and what its measures read.
fn lesson(path: &str, text: &str, lang: Lang) -> Result<(), String> {
    use mqplay_core::lesson::Lesson;
    let lesson = Lesson::from_json(text).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
        format!("{path}: invalid lesson\n{}", lines.join("\n"))
    })?;
    let pick = |t: &mqplay_core::scenario::Text| match lang {
        Lang::En => t.en.clone(),
        Lang::Zh => t.zh.clone(),
    };
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    for (i, step) in lesson.steps.iter().enumerate() {
        let (sim, span) = lesson.sim_with_span(i, true).map_err(|e| format!("{path}: {e:?}"))?;
        let _ = writeln!(
            out,
            "--- step {}: {} [{} ms → {} ms]",
            i + 1,
            pick(&step.title),
            span.start_ms,
            span.end_ms
        );
        let trace = sim.trace();
        for e in (0..trace.len()).filter_map(|j| trace.get(j)) {
            if e.step() > span.start_steps {
                let _ = writeln!(out, "{}", sim.entry_json(e, Some(lang)));
            }
        }
        if let Some(check) = &step.check {
            let v = check.evaluate(&sim);
            let _ = writeln!(
                out,
                "check: {} ({})",
                if v.passed { "passed" } else { "FAILED" },
                pick(&v.detail)
            );
        }
        if let Some(p) = &step.predict {
            let _ = writeln!(
                out,
                "predict: {:?} measures {:?}",
                pick(&p.prompt),
                p.measure.evaluate(&sim)
            );
        }
        if let Some(c) = &step.compare {
            for (row, cell) in c.rows.iter().zip(c.read(&sim)) {
                let _ = writeln!(
                    out,
                    "compare: {} = {:?} (off by {:?} ms)",
                    pick(&row.label),
                    cell.value,
                    cell.late_ms
                );
            }
        }
    }
    out.flush().map_err(|e| e.to_string())
}
