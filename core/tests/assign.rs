//! Kafka's own assignor test cases as data: every `tests/assign/<name>.input.json` (ported from
//! RangeAssignorTest, RoundRobinAssignorTest, StickyAssignorTest, CooperativeStickyAssignorTest
//! and AbstractStickyAssignorTest; `tests/assign/README.md` says which test each is and what
//! Kafka pins) runs through `mqplay assign`'s code, and its JSON result must equal its line in
//! `tests/assign/expected.jsonl`. Refresh with `UPDATE_GOLDEN=1 cargo test -p mqplay-core --test
//! assign` and read the diff: every line was checked against Kafka's real assignors when written.
use std::path::{Path, PathBuf};

use mqplay_core::kafka::assignor::document::{run, to_json, AssignDocument};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/assign")
}

#[test]
fn kafka_test_cases_give_kafkas_assignments() {
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(dir())
        .expect("tests/assign exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".input.json"))
        .collect();
    inputs.sort();
    assert!(
        inputs.len() >= 300,
        "expected Kafka's test cases, found {}",
        inputs.len()
    );
    let mut lines = Vec::new();
    for path in &inputs {
        let name = path.file_name().unwrap().to_string_lossy().replace(".input.json", "");
        let text = std::fs::read_to_string(path).unwrap();
        let doc = AssignDocument::from_json(&text).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        lines.push(format!(
            "{{\"case\":\"{name}\",\"result\":{}}}",
            to_json(&run(&doc, None))
        ));
    }
    let actual = lines.join("\n") + "\n";
    let expected_path = dir().join("expected.jsonl");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&expected_path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&expected_path).expect("run with UPDATE_GOLDEN=1 to create expected.jsonl");
    for (a, e) in actual.lines().zip(expected.lines()) {
        assert_eq!(a, e, "an assignment changed");
    }
    assert_eq!(
        actual.lines().count(),
        expected.lines().count(),
        "cases were added or removed"
    );
}
