//! The classifier over every captured screen of the real agents
//! (`tests/fixtures/screens/<agent>-<version>/`): each folder's `EXPECTED`
//! names the state of each capture, and a new agent version is a new
//! folder. A capture missing from `EXPECTED` fails the test, so none is
//! left undecided.

use std::path::Path;

use super::{Profiles, SentText};

/// One line of `EXPECTED`: `NAME STATE [known-wrong: WHY]`.
struct Expected<'a> {
    capture: &'a str,
    state: &'a str,
    known_wrong: Option<&'a str>,
}

fn expected(text: &str) -> Vec<Expected<'_>> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (head, known_wrong) = match l.split_once(" known-wrong:") {
                Some((head, why)) => (head, Some(why.trim())),
                None => (l, None),
            };
            let (capture, state) = head
                .split_once(' ')
                .unwrap_or_else(|| panic!("EXPECTED: {l}"));
            Expected {
                capture,
                state: state.trim(),
                known_wrong,
            }
        })
        .collect()
}

#[test]
fn every_captured_screen_of_every_real_agent_reads_as_expected() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/screens");
    let profiles = Profiles::builtin();
    let (mut wrong, mut known) = (Vec::new(), Vec::new());
    let mut checked = 0;
    let mut folders: Vec<_> = std::fs::read_dir(&root)
        .expect("fixture folder")
        .map(|e| e.expect("entry").path())
        .collect();
    folders.sort();
    for folder in folders {
        let name = folder.file_name().unwrap().to_string_lossy().into_owned();
        let provider = name.split('-').next().unwrap();
        let text = std::fs::read_to_string(folder.join("EXPECTED"))
            .unwrap_or_else(|e| panic!("{name}/EXPECTED: {e}"));
        let table = expected(&text);
        let mut files: Vec<String> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        for file in files {
            let Some(capture) = file.strip_suffix(".txt") else {
                continue;
            };
            let capture = capture.strip_suffix(".J").unwrap_or(capture);
            if capture.starts_with("hook-") {
                continue;
            }
            let Some(want) = table.iter().find(|e| e.capture == capture) else {
                wrong.push(format!("{name}/{file}: not in EXPECTED"));
                continue;
            };
            let screen = std::fs::read_to_string(folder.join(&file)).unwrap();
            let v = profiles.classify(provider, &screen);
            checked += 1;
            let read = v.state.as_str();
            match (read == want.state, want.known_wrong) {
                (true, None) => {}
                (true, Some(_)) => wrong.push(format!(
                    "{name}/{file}: reads {read} now; remove its known-wrong mark"
                )),
                (false, Some(why)) => known.push(format!(
                    "{name}/{file}: reads {read}, should read {} ({why})",
                    want.state
                )),
                (false, None) => wrong.push(format!(
                    "{name}/{file}: read {read} (rule {:?}), expected {}",
                    v.rule, want.state
                )),
            }
        }
    }
    eprintln!("{} known misreadings:\n{}", known.len(), known.join("\n"));
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

/// The daemon reads a pane blind to the echo of the prompts it typed there
/// (`Profiles::classify_sent`). Every Codex capture must read the same when
/// each prompt echoed in its transcript (`› TEXT`) counts as sent: Codex's
/// streaming answer is recognised only by that echo above it.
#[test]
fn codex_screens_read_the_same_when_the_echoed_prompts_were_sent() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/screens/codex-0.171.0");
    let profiles = Profiles::builtin();
    let text = std::fs::read_to_string(root.join("EXPECTED")).unwrap();
    let mut wrong = Vec::new();
    for want in expected(&text).iter().filter(|e| e.known_wrong.is_none()) {
        let screen = std::fs::read_to_string(root.join(format!("{}.txt", want.capture))).unwrap();
        let sent: Vec<SentText> = screen
            .lines()
            .filter_map(|l| l.strip_prefix("› "))
            .filter(|t| !t.starts_with(|c: char| c.is_ascii_digit()))
            .map(SentText::new)
            .collect();
        let v = profiles.classify_sent("codex", &screen, &sent);
        if v.state.as_str() != want.state {
            wrong.push(format!(
                "{}: read {} (rule {:?}), expected {}",
                want.capture,
                v.state.as_str(),
                v.rule,
                want.state
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
