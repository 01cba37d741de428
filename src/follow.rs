//! What `follow` shows of a pane: the lines that appeared in it, found by
//! comparing successive captures (assignerctl(1), `follow`).
//!
//! An agent's TUI redraws in place: its spinner and status line change many
//! times a second, and its transcript scrolls. A line is shown once it has
//! held still between two captures, so the spinner's frames never reach
//! the reader while the transcript does, each line once and in screen
//! order. The daemon diffs its captures; the client uses the same diff
//! after a reconnect, to drop what it already printed.

use std::collections::HashMap;

/// Above this many cells the exact diff gives way to a cheaper one, so a
/// pane with a very long history cannot make a capture costly.
const MAX_CELLS: usize = 1 << 20;

/// The lines of `after` that are not matched, in order, by lines of
/// `before` (a longest common subsequence), blank lines left out.
pub fn appeared(before: &[String], after: &[String]) -> Vec<String> {
    let matched = matched(before, after);
    after
        .iter()
        .zip(matched)
        .filter(|(line, m)| !m && !line.trim().is_empty())
        .map(|(line, _)| line.clone())
        .collect()
}

/// The lines of `after` that `before` also holds, in order.
fn kept(before: &[String], after: &[String]) -> Vec<String> {
    let matched = matched(before, after);
    after
        .iter()
        .zip(matched)
        .filter(|(_, m)| *m)
        .map(|(line, _)| line.clone())
        .collect()
}

/// Which lines of `b` belong to a longest common subsequence with `a`.
fn matched(a: &[String], b: &[String]) -> Vec<bool> {
    let mut m = vec![false; b.len()];
    let pre = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suf = a[pre..]
        .iter()
        .rev()
        .zip(b[pre..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    m[..pre].fill(true);
    m[b.len() - suf..].fill(true);
    let (a, mid) = (&a[pre..a.len() - suf], &mut m[pre..b.len() - suf]);
    let b = &b[pre..b.len() - suf];
    if a.len().saturating_mul(b.len()) > MAX_CELLS {
        mid.copy_from_slice(&matched_anywhere(a, b));
        return m;
    }
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let w = b.len() + 1;
    let mut lcs = vec![0u32; (a.len() + 1) * w];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i * w + j] = if a[i] == b[j] {
                lcs[(i + 1) * w + j + 1] + 1
            } else {
                lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            mid[j] = true;
            i += 1;
            j += 1;
        } else if lcs[(i + 1) * w + j] >= lcs[i * w + j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    m
}

/// Which lines of `b` equal a line of `a`, wherever it is: each line of
/// `a` matches at most one line of `b`.
fn matched_anywhere(a: &[String], b: &[String]) -> Vec<bool> {
    let mut left: HashMap<&str, usize> = HashMap::new();
    for line in a {
        *left.entry(line).or_default() += 1;
    }
    b.iter()
        .map(|line| {
            left.get_mut(line.as_str())
                .filter(|n| **n > 0)
                .map(|n| *n -= 1)
                .is_some()
        })
        .collect()
}

/// The lines of `lines` not among `printed`, wherever they were printed:
/// after a reconnect the daemon sends the pane's lines in screen order,
/// while they were printed in the order they appeared.
pub fn not_printed(printed: &[String], lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .zip(matched_anywhere(printed, lines))
        .filter(|(_, m)| !m)
        .map(|(line, _)| line.clone())
        .collect()
}

/// Splits a capture into lines.
pub fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_owned).collect()
}

/// One reader's view of a pane: the last capture, and the steady lines
/// already shown.
#[derive(Debug, Default)]
pub struct PaneView {
    last: Vec<String>,
    shown: Vec<String>,
}

impl PaneView {
    /// Takes a new capture; returns the lines to show now: those that held
    /// still since the previous capture and were not shown yet.
    pub fn update(&mut self, capture: &str) -> Vec<String> {
        let now = lines(capture);
        let steady = kept(&self.last, &now);
        self.last = now;
        let new = appeared(&self.shown, &steady);
        self.shown = steady;
        new
    }

    /// Takes the final text (the prompt's stored response); returns every
    /// line of it not shown yet, steady or not: nothing moves any more.
    pub fn finish(&mut self, text: &str) -> Vec<String> {
        let now = lines(text);
        let new = appeared(&self.shown, &now);
        self.shown = now;
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|l| (*l).to_owned()).collect()
    }

    #[test]
    fn appeared_keeps_order_and_skips_matched_and_blank_lines() {
        let before = v(&["a", "b", "c"]);
        assert_eq!(
            appeared(&before, &v(&["a", "x", "b", "", "c", "y"])),
            v(&["x", "y"])
        );
        assert_eq!(appeared(&[], &v(&["a", "a"])), v(&["a", "a"]));
        assert_eq!(appeared(&v(&["a"]), &v(&["a", "a"])), v(&["a"]));
        assert!(appeared(&before, &before).is_empty());
    }

    #[test]
    fn a_changing_line_is_never_shown_but_a_steady_one_is_shown_once() {
        let mut view = PaneView::default();
        assert!(view.update("> fix it\n⠋ Working (1s)\n│ > │").is_empty());
        assert_eq!(
            view.update("> fix it\n⠙ Working (1s)\n│ > │"),
            v(&["> fix it", "│ > │"])
        );
        assert!(view.update("> fix it\n⠹ Working (2s)\n│ > │").is_empty());
        assert_eq!(
            view.finish("> fix it\n⏺ Done\n│ > │"),
            v(&["⏺ Done"]),
            "the final text shows what is new, steady or not"
        );
    }

    #[test]
    fn not_printed_ignores_the_order_lines_were_printed_in() {
        let printed = v(&["head", "box", "> prompt"]);
        let again = v(&["head", "> prompt", "> prompt", "box", "⏺ Done"]);
        assert_eq!(not_printed(&printed, &again), v(&["> prompt", "⏺ Done"]));
    }

    #[test]
    fn long_captures_use_the_cheap_diff() {
        let before: Vec<String> = (0..2000).map(|i| format!("line {i}")).collect();
        let mut after: Vec<String> = before.iter().rev().cloned().collect();
        after.push("new".into());
        assert_eq!(appeared(&before, &after), v(&["new"]));
    }
}
