//! The agent's echo of what was sent to it. Agents show a prompt in their
//! input box and again in their transcript, so a prompt that quotes "usage
//! limit reached" or "Do you want to proceed?" would otherwise read as a
//! banner or a dialog on its own pane.

/// A prompt sent to a pane, in the form its echo is compared in (runs of
/// whitespace as one space), made once when it is sent rather than on every
/// scan: prompts can be large.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentText(String);

impl SentText {
    /// The comparable form of `text`.
    pub fn new(text: &str) -> Self {
        Self(words(text))
    }
}

/// `lines` with every line that is (a wrapped row of) one of `sent` blanked,
/// so that rules see the same number of lines but not the echo.
pub(super) fn quiet<'a>(lines: &[&'a str], sent: &[SentText]) -> Vec<&'a str> {
    lines
        .iter()
        .map(|l| if echoes(l, sent) { "" } else { l })
        .collect()
}

/// `text` with runs of whitespace made single spaces.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether a screen line is (a wrapped row of) a sent prompt: its words
/// after any leading glyphs (`>`, `│`, `❯`, bullets) and before a closing
/// box border appear in one of `sent`. Lines of a few characters say too
/// little.
pub(super) fn echoes(line: &str, sent: &[SentText]) -> bool {
    if sent.is_empty() {
        return false;
    }
    let body = line
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .trim_end_matches(|c: char| c.is_whitespace() || c == '│');
    let body = words(body);
    body.chars().count() >= 8 && sent.iter().any(|s| s.0.contains(&body))
}

#[cfg(test)]
mod tests {
    use super::{SentText, quiet};

    #[test]
    fn blanks_echoed_rows_and_keeps_the_rest() {
        let sent = [SentText::new(
            "fix the   usage limit reached\nerror in the client",
        )];
        let lines = [
            "> fix the usage limit reached",
            "  error in the client",
            "│ > fix the usage limit │",
            "⏺ 5-hour limit reached ∙ resets 3pm",
            "> fix",
        ];
        assert_eq!(
            quiet(&lines, &sent),
            ["", "", "", "⏺ 5-hour limit reached ∙ resets 3pm", "> fix"]
        );
        assert_eq!(quiet(&lines, &[]), lines);
    }
}
