//! What the screen shows around an agent's input box. The box alone says
//! too little: some agents echo pasted input below it and keep the box
//! itself empty, so an empty box is no proof that a prompt was submitted,
//! nor that nothing waits in the agent's input. The transcript above the
//! box is where a submitted prompt shows; text of ours below it is input
//! not yet submitted.

use super::composer::composer_holds;
use super::echo::{SentText, echoes};
use super::profile_set::Profiles;

/// Characters of a prompt's first line looked for in the transcript: a
/// transcript line may add a suffix (`[+2 lines]`) or be cut at the width.
const PROBE: usize = 40;

impl Profiles {
    /// The screen's lines above and below the input box (the lowest line
    /// the composer pattern matches among the bottom `tail_lines`), or
    /// `None` when no input box is visible.
    pub fn around_input<'a>(
        &self,
        provider: &str,
        screen: &'a str,
    ) -> Option<(Vec<&'a str>, Vec<&'a str>)> {
        let profile = self.get(provider);
        let re = profile.composer.as_ref()?;
        let lines: Vec<&str> = screen.lines().map(str::trim_end).collect();
        let end = lines
            .iter()
            .rposition(|l| !l.is_empty())
            .map_or(0, |i| i + 1);
        let start = end.saturating_sub(profile.tail_lines);
        let at = (start..end).rev().find(|&i| re.is_match(lines[i]))?;
        Some((lines[..at].to_vec(), lines[at + 1..end].to_vec()))
    }

    /// Whether the transcript above the input box shows `text` as
    /// submitted: a line that starts with the start of its first line, or
    /// the agent's collapsed-paste marker for it.
    pub fn shows_submitted(&self, provider: &str, screen: &str, text: &str) -> bool {
        let Some((above, _)) = self.around_input(provider, screen) else {
            return false;
        };
        let first = words(text.lines().find(|l| !l.trim().is_empty()).unwrap_or(""));
        let probe: String = first.chars().take(PROBE).collect();
        !probe.is_empty()
            && above.iter().any(|line| {
                let body = words(strip_glyphs(line));
                body.starts_with(&probe) || composer_holds(&body, text)
            })
    }

    /// Whether the lines below the input box show one of `sent`: input the
    /// agent echoes there and has not submitted.
    pub fn shows_unsent_below(&self, provider: &str, screen: &str, sent: &[SentText]) -> bool {
        self.around_input(provider, screen)
            .is_some_and(|(_, below)| below.iter().any(|l| echoes(l, sent)))
    }
}

/// A transcript line without the glyphs an agent puts around it (`>`,
/// `│`, `❯`, bullets).
fn strip_glyphs(line: &str) -> &str {
    line.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '[')
        .trim_end_matches(|c: char| c.is_whitespace() || c == '│')
}

fn words(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOX: &str = "╭──────────╮\n│ >        │\n╰──────────╯\n  ? for shortcuts";

    fn screen(above: &str, below: &str) -> String {
        let (head, tail) = BOX.split_at(BOX.find("  ?").unwrap());
        format!("✻ Claude Code\n\n{above}\n{head}{below}{tail}\n")
    }

    #[test]
    fn a_prompt_shows_as_submitted_only_above_the_box() {
        let p = Profiles::builtin();
        let text = "fix the flaky test in crate foo\nand run it twice";
        let above = screen("> fix the flaky test in crate foo [+1 lines]", "");
        assert!(p.shows_submitted("claude", &above, text));
        let below = screen("", "  fix the flaky test in crate foo\n");
        assert!(!p.shows_submitted("claude", &below, text));
        let marker = screen("> [Pasted text #1 +1 lines]", "");
        assert!(p.shows_submitted("claude", &marker, text));
        let other = screen("> fix the docs", "");
        assert!(!p.shows_submitted("claude", &other, text));
        assert!(!p.shows_submitted("claude", "no box here\n", text));
    }

    #[test]
    fn our_text_below_the_box_is_unsent_input() {
        let p = Profiles::builtin();
        let sent = [SentText::new("fix the flaky test in crate foo")];
        let below = screen("", "  fix the flaky test in crate foo\n");
        assert!(p.shows_unsent_below("claude", &below, &sent));
        let above = screen("> fix the flaky test in crate foo", "");
        assert!(!p.shows_unsent_below("claude", &above, &sent));
        assert!(!p.shows_unsent_below("claude", &below, &[]));
    }
}
