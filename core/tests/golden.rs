//! Golden scenarios: every `tests/golden/<name>.scenario.json` is run to its end and its trace
//! (JSON lines) and summary are compared with `<name>.expected.txt`. Refresh with
//! `UPDATE_GOLDEN=1 cargo test -p mqplay-core --test golden` and read the diff before committing.
use std::path::{Path, PathBuf};

use mqplay_core::summary::render;
use mqplay_core::{Scenario, Sim};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/golden")
}

#[test]
fn golden_scenarios_match() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut names: Vec<PathBuf> = std::fs::read_dir(golden_dir())
        .expect("tests/golden exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".scenario.json"))
        .collect();
    names.sort();
    assert!(names.len() >= 6, "expected the golden scenarios, found {names:?}");
    // Version-1 documents (the Foundation's format) keep loading: five goldens stay version 1.
    let v1 = names
        .iter()
        .filter(|p| std::fs::read_to_string(p).unwrap().contains("\"version\": 1"))
        .count();
    assert!(v1 >= 5, "the version-1 goldens are gone: {v1}");
    let mut failures = Vec::new();
    for path in names {
        let text = std::fs::read_to_string(&path).unwrap();
        let scenario = Scenario::from_json(&text).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        let seed = scenario.seed;
        let mut sim = Sim::new(scenario).unwrap();
        let actual = render(&mut sim, None);
        let expected_path = PathBuf::from(path.to_string_lossy().replace(".scenario.json", ".expected.txt"));
        if update {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let Ok(expected) = std::fs::read_to_string(&expected_path) else {
            failures.push(format!(
                "{}: no expected file; run with UPDATE_GOLDEN=1",
                expected_path.display()
            ));
            continue;
        };
        if expected != actual {
            let line = expected
                .lines()
                .zip(actual.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            failures.push(format!(
                "{} (seed {seed}) differs at line {}:\n  expected: {}\n  actual:   {}",
                path.display(),
                line + 1,
                expected.lines().nth(line).unwrap_or("<end>"),
                actual.lines().nth(line).unwrap_or("<end>")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
