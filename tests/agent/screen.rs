//! Draws the stand-in's screen in the look of the agent it plays, close
//! enough to the real UIs that the built-in detection profiles recognise
//! it: Claude Code's `╭─╮ │ > │ ╰─╯` input box, Codex's `›` composer.

/// Which agent's look to imitate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Claude,
    Codex,
}

/// What the agent is doing, as far as drawing is concerned.
pub enum View {
    Idle,
    Busy {
        secs: u64,
        frame: usize,
    },
    Dialog,
    /// A usage-limit banner; `resets`: the reset time it shows.
    Limited {
        resets: Option<String>,
    },
}

/// Everything the screen shows.
pub struct Frame<'a> {
    pub style: Style,
    pub name: &'a str,
    pub transcript: &'a [String],
    pub composer: &'a str,
    /// Show the input below the box, leaving the box itself empty.
    pub echo_below: bool,
    pub view: View,
    pub width: usize,
    pub height: usize,
}

const SPINNER: [&str; 6] = ["·", "✢", "✳", "✶", "✻", "✽"];

/// The screen as lines, at most `height - 1` of them so nothing scrolls
/// into the pane's history on redraw.
pub fn render(f: &Frame) -> Vec<String> {
    let inner = f.width.clamp(24, 84) - 6;
    let mut bottom: Vec<String> = Vec::new();
    match (&f.view, f.style) {
        (View::Busy { secs, frame }, Style::Claude) => {
            bottom.push(format!(
                "{} Working… ({secs}s · esc to interrupt)",
                SPINNER[frame % SPINNER.len()]
            ));
            bottom.push(String::new());
        }
        (View::Busy { secs, frame }, Style::Codex) => {
            bottom.push(format!(
                "{} Working ({secs}s • esc to interrupt)",
                if frame % 2 == 0 { "•" } else { "◦" }
            ));
            bottom.push(String::new());
        }
        (View::Limited { resets: Some(at) }, Style::Claude) => {
            bottom.push(format!("⏺ You've hit your 5-hour limit · resets {at}"));
            bottom.push("  /upgrade to increase your usage limit.".into());
            bottom.push(String::new());
        }
        (View::Limited { .. }, Style::Claude) => {
            bottom.push("⏺ 5-hour limit reached ∙ resets 3pm".into());
            bottom.push("  /upgrade to increase your usage limit.".into());
            bottom.push(String::new());
        }
        (View::Limited { .. }, Style::Codex) => {
            bottom.push("■ You've hit your usage limit. Try again in 2 hours.".into());
            bottom.push(String::new());
        }
        _ => {}
    }
    match (&f.view, f.style) {
        (View::Dialog, Style::Claude) => {
            let rows = [
                "Bash command",
                "  make deploy",
                "Do you want to proceed?",
                "❯ 1. Yes",
                "  2. No",
            ];
            bottom.push(format!("╭{}╮", "─".repeat(inner + 2)));
            bottom.extend(rows.iter().map(|r| format!("│ {} │", pad(r, inner))));
            bottom.push(format!("╰{}╯", "─".repeat(inner + 2)));
        }
        (View::Dialog, Style::Codex) => {
            bottom.push("Would you like to run the following command?".into());
            bottom.push("  $ make deploy".into());
            bottom.push("› 1. Yes, proceed (y)".into());
            bottom.push("  2. No, and tell Codex what to do differently (esc)".into());
        }
        (_, Style::Claude) => {
            let (inside, below) = if f.echo_below {
                ("", f.composer)
            } else {
                (f.composer, "")
            };
            bottom.push(format!("╭{}╮", "─".repeat(inner + 2)));
            for (i, line) in composer_lines(inside, inner - 2).iter().enumerate() {
                let lead = if i == 0 { "> " } else { "  " };
                bottom.push(format!("│ {lead}{} │", pad(line, inner - 2)));
            }
            bottom.push(format!("╰{}╯", "─".repeat(inner + 2)));
            if !below.is_empty() {
                let echo = composer_lines(below, inner);
                bottom.extend(echo.iter().map(|l| format!("  {l}")));
            }
            bottom.push("  ? for shortcuts".into());
        }
        (_, Style::Codex) => {
            for (i, line) in composer_lines(f.composer, inner).iter().enumerate() {
                bottom.push(format!("{}{line}", if i == 0 { "› " } else { "  " }));
            }
            bottom.push(String::new());
            bottom.push("  ⏎ send   ⌃J newline   100% context left".into());
        }
    }
    let header = match f.style {
        Style::Claude => format!("✻ Claude Code stand-in ({})", f.name),
        Style::Codex => format!(">_ OpenAI Codex stand-in ({})", f.name),
    };
    let room = f.height.saturating_sub(1 + 2 + bottom.len());
    let mut lines = vec![header, String::new()];
    let skip = f.transcript.len().saturating_sub(room);
    lines.extend(
        f.transcript[skip..]
            .iter()
            .map(|l| truncate(l, f.width.saturating_sub(1))),
    );
    lines.extend(bottom);
    lines.truncate(f.height.saturating_sub(1).max(1));
    lines
}

/// The input box shows at most four lines, each cut to the box width.
fn composer_lines(text: &str, width: usize) -> Vec<String> {
    let all: Vec<&str> = text.split('\n').collect();
    let mut out: Vec<String> = all
        .iter()
        .take(4)
        .map(|l| truncate(&l.replace('\t', " "), width))
        .collect();
    if all.len() > 4 {
        out[3] = format!("… +{} lines", all.len() - 3);
    }
    out
}

/// Cuts `s` to `width` terminal columns.
fn truncate(s: &str, width: usize) -> String {
    let mut used = 0;
    s.chars()
        .filter(|c| !c.is_control())
        .take_while(|&c| {
            used += columns(c);
            used <= width
        })
        .collect()
}

fn pad(s: &str, width: usize) -> String {
    let s = truncate(s, width);
    let n: usize = s.chars().map(columns).sum();
    format!("{s}{}", " ".repeat(width.saturating_sub(n)))
}

/// Terminal columns of a character: 2 for the common wide (CJK, emoji)
/// ranges, so the box's right border stays in place.
fn columns(c: char) -> usize {
    match u32::from(c) {
        0x1100..=0x115F
        | 0x2E80..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF
        | 0x20000..=0x3FFFD => 2,
        _ => 1,
    }
}
