//! Whether an input box holds the prompt assigner typed, as opposed to a
//! person's draft. The answer decides whether Enter may be pressed on it
//! after a restart, or whether it may be cleared and the prompt sent
//! elsewhere: a false "ours" submits someone else's text or runs a prompt
//! twice, so a match must be meaningful, never a mere substring.

use std::sync::LazyLock;

use regex::Regex;

/// Least characters of the prompt's first line the box must show (all of
/// it when the line is shorter): "fix" in the box is no evidence that
/// "fix the flaky test" was typed.
const MIN_SHOWN: usize = 12;

/// Texts of at least this many characters may be collapsed by an agent
/// into a marker even on one line.
const LONG_PASTE: usize = 800;

/// Claude Code's placeholder for a collapsed paste.
static PASTE_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\[Pasted text #\d+(?: \+(\d+) lines?)?\]$").expect("valid regex")
});

/// Whether `composer` (the box's text, as `Profiles::composer_text` reads
/// it) shows `text`: the start of its first non-blank line, at least
/// `MIN_SHOWN` characters of it, compared with whitespace runs as one
/// space (boxes show tabs as spaces and cut lines at their width); or an
/// agent's collapsed-paste marker, when `text` is one the agent would
/// collapse and the marker's line count, if shown, is the text's.
pub fn composer_holds(composer: &str, text: &str) -> bool {
    let shown = words(composer);
    if shown.is_empty() {
        return false;
    }
    if let Some(m) = PASTE_MARKER.captures(&shown) {
        let newlines = text.trim_end_matches('\n').matches('\n').count();
        let collapsible = newlines > 0 || text.chars().count() >= LONG_PASTE;
        let count_matches = m.get(1).is_none_or(|n| n.as_str().parse() == Ok(newlines));
        return collapsible && count_matches;
    }
    let first = words(text.lines().find(|l| !l.trim().is_empty()).unwrap_or(""));
    let needed = MIN_SHOWN.min(first.chars().count());
    first.starts_with(&shown) && shown.chars().count() >= needed
}

fn words(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::composer_holds;

    #[test]
    fn the_start_of_the_first_line_is_ours() {
        let text = "fix the flaky test in\tcrate foo\nand run it twice";
        assert!(composer_holds("fix the flaky test in crate foo", text));
        assert!(
            composer_holds("fix the flaky test i", text),
            "cut at the box width"
        );
        assert!(composer_holds("hi", "hi"), "a short prompt shown whole");
        assert!(composer_holds("ok", "\n  ok\nmore"), "first non-blank line");
    }

    #[test]
    fn a_draft_is_not_ours() {
        let text = "fix the flaky test in crate foo";
        assert!(!composer_holds("", text));
        assert!(!composer_holds("   ", text));
        assert!(!composer_holds("fix", text), "too short to say");
        assert!(!composer_holds("fix the flaky", "fix"), "longer than ours");
        assert!(
            !composer_holds("the flaky test in crate", text),
            "not the start"
        );
        assert!(!composer_holds("ls -la", text));
        assert!(!composer_holds(
            "and run it twice",
            "a prompt\nand run it twice"
        ));
        assert!(!composer_holds(
            "fix the flaky test in crate foo and more",
            text
        ));
    }

    #[test]
    fn a_paste_marker_is_ours_only_when_it_fits() {
        let three = "one\ntwo\nthree";
        assert!(composer_holds("[Pasted text #1 +2 lines]", three));
        assert!(composer_holds(
            "[Pasted text #3 +2 lines]",
            "one\ntwo\nthree\n"
        ));
        assert!(composer_holds("[Pasted text #1]", three), "no count shown");
        assert!(
            !composer_holds("[Pasted text #1 +90 lines]", three),
            "count differs"
        );
        assert!(
            !composer_holds("[Pasted text #1 +0 lines]", "one line"),
            "never collapsed"
        );
        assert!(composer_holds(
            "[Pasted text #1 +0 lines]",
            &"x".repeat(900)
        ));
        assert!(!composer_holds("draft [Pasted text #1 +2 lines]", three));
    }
}
