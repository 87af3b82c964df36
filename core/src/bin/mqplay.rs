//! `mqplay run scenario.json`: run a scenario headless, print the trace as JSON lines on stdout,
//! then the summary (log end offsets, group assignment, committed offsets, lag) as one JSON
//! document. `--lang zh|en` adds each entry's sentence. Bad input exits with status 2 and says
//! where the problem is.
use std::io::Write;
use std::process::ExitCode;

use mqplay_core::summary::Summary;
use mqplay_core::{Lang, Scenario, Sim};

const USAGE: &str =
    "usage: mqplay run <scenario.json> [--lang en|zh] [--summary-only]\n       mqplay check <scenario.json>";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let (command, rest) = args.split_first().ok_or(USAGE)?;
    let mut path = None;
    let mut lang = None;
    let mut summary_only = false;
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
    let scenario = Scenario::from_json(&text).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
        format!("{path}: invalid scenario\n{}", lines.join("\n"))
    })?;
    match command.as_str() {
        "check" => {
            println!("{path}: ok");
            Ok(())
        }
        "run" => {
            let mut sim = Sim::new(scenario).map_err(|e| format!("{path}: {e:?}"))?;
            sim.run_to_end();
            let out = std::io::stdout();
            let mut out = std::io::BufWriter::new(out.lock());
            let io = |e: std::io::Error| e.to_string();
            if !summary_only {
                for entry in sim.trace() {
                    let mut json = serde_json::to_value(entry).map_err(|e| e.to_string())?;
                    if let (Some(lang), Some(obj)) = (lang, json.as_object_mut()) {
                        obj.insert("sentence".into(), entry.kind.sentence(lang).into());
                    }
                    writeln!(out, "{json}").map_err(io)?;
                }
            }
            writeln!(out, "{}", Summary::of(&sim).to_json()).map_err(io)?;
            if let Some(why) = sim.halted() {
                eprintln!("warning: the simulation halted: {why}");
            }
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n{USAGE}")),
    }
}
