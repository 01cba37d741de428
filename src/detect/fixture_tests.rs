//! The classifier over every captured screen of the real agents
//! (`tests/fixtures/screens/<agent>-<version>/`): each folder's `EXPECTED`
//! names the state of each capture, and a new agent version is a new
//! folder. A capture missing from `EXPECTED` fails the test, so none is
//! left undecided.

use std::path::Path;

use super::Profiles;

#[test]
fn every_captured_screen_of_every_real_agent_reads_as_expected() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/screens");
    let profiles = Profiles::builtin();
    let mut wrong = Vec::new();
    let mut checked = 0;
    let mut folders: Vec<_> = std::fs::read_dir(&root)
        .expect("fixture folder")
        .map(|e| e.expect("entry").path())
        .collect();
    folders.sort();
    for folder in folders {
        let name = folder.file_name().unwrap().to_string_lossy().into_owned();
        let provider = name.split('-').next().unwrap();
        let expected = std::fs::read_to_string(folder.join("EXPECTED"))
            .unwrap_or_else(|e| panic!("{name}/EXPECTED: {e}"));
        let table: Vec<(&str, &str)> = expected
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| {
                l.split_once(' ')
                    .unwrap_or_else(|| panic!("{name}/EXPECTED: {l}"))
            })
            .collect();
        for entry in std::fs::read_dir(&folder).unwrap() {
            let file = entry.unwrap().file_name().to_string_lossy().into_owned();
            let Some(capture) = file.strip_suffix(".txt") else {
                continue;
            };
            let capture = capture.strip_suffix(".J").unwrap_or(capture);
            if capture.starts_with("hook-") {
                continue;
            }
            let Some((_, want)) = table.iter().find(|(c, _)| *c == capture) else {
                wrong.push(format!("{name}/{file}: not in EXPECTED"));
                continue;
            };
            let screen = std::fs::read_to_string(folder.join(&file)).unwrap();
            let v = profiles.classify(provider, &screen);
            checked += 1;
            if v.state.as_str() != *want {
                wrong.push(format!(
                    "{name}/{file}: read {} (rule {:?}), expected {want}",
                    v.state.as_str(),
                    v.rule
                ));
            }
        }
    }
    assert!(checked > 0, "no captures under {}", root.display());
    assert!(
        wrong.is_empty(),
        "{} of {checked}:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// The input box after an API error holds only a hint that reads as empty;
/// a typed draft reads as the draft. Claude Code draws `❯` then a no-break
/// space in both.
#[test]
fn claude_code_hints_read_as_an_empty_box_and_drafts_as_text() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/screens/claude-2.1.332");
    let profiles = Profiles::builtin();
    let read = |name: &str| {
        let screen = std::fs::read_to_string(root.join(name)).unwrap();
        profiles.composer_text("claude", &screen)
    };
    assert_eq!(read("api-error-500.txt").as_deref(), Some(""));
    assert_eq!(read("busy-with-queued.txt").as_deref(), Some(""));
    assert_eq!(read("idle-fresh.txt").as_deref(), Some(""));
    assert_eq!(
        read("draft.txt").as_deref(),
        Some("a draft that is typed but not submitted")
    );
}
