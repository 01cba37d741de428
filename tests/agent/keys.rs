//! What each input event does in each mode: idle it edits the input box
//! or submits it, busy only Escape counts, a dialog takes its answers, and
//! anything else is logged as a violation the tests look for.

use serde_json::json;

use crate::input::Event;
use crate::{Agent, Mode};

impl Agent {
    pub(super) fn handle(&mut self, ev: Event) {
        match (self.mode, ev) {
            (Mode::Idle, Event::Text(b) | Event::Paste(b)) => self.composer.extend(b),
            (Mode::Idle, Event::Newline) => self.composer.push(b'\n'),
            (Mode::Idle, Event::Backspace) => {
                let s = String::from_utf8_lossy(&self.composer).into_owned();
                let mut chars = s.chars();
                chars.next_back();
                self.composer = chars.as_str().as_bytes().to_vec();
            }
            (Mode::Idle, Event::ClearLine) if self.keep_on_clear => {
                self.record(&json!({"ignored": "clear"}));
            }
            (Mode::Idle, Event::ClearLine) => {
                let text =
                    String::from_utf8_lossy(&std::mem::take(&mut self.composer)).into_owned();
                self.record(&json!({"cleared": text}));
            }
            (Mode::Idle, Event::Enter) if self.deaf_enters > 0 && !self.composer.is_empty() => {
                self.deaf_enters -= 1;
                self.record(&json!({"ignored": "enter"}));
            }
            (Mode::Idle, Event::Enter) if self.picker_open() => {
                self.record(&json!({"picker": "accepted"}));
                self.composer.push(b' ');
            }
            (Mode::Idle, Event::Enter) if !self.composer.is_empty() => self.submit(),
            (Mode::Idle, _) => {}
            (Mode::Busy { .. }, Event::Escape) if self.deaf_escape => {
                self.record(&json!({"ignored": "escape"}));
            }
            (Mode::Busy { .. }, Event::Escape) => {
                self.record(&json!({"interrupt": "esc"}));
                self.transcript.push("⎿ Interrupted by user".into());
                self.then = None;
                self.mode = Mode::Idle;
            }
            (Mode::Busy { .. }, ev) => self.violation("input while busy", &ev),
            (Mode::Dialog, ev @ (Event::Text(_) | Event::Enter | Event::Escape)) => {
                let answer = match &ev {
                    Event::Text(b) if b == b"1" || b == b"2" => {
                        String::from_utf8_lossy(b).into_owned()
                    }
                    Event::Enter => "1".into(),
                    Event::Escape => "esc".into(),
                    _ => return self.violation("input in dialog", &ev),
                };
                self.record(&json!({"answer": answer}));
                self.transcript.push(format!("⏺ Dialog answered: {answer}"));
                self.mode = Mode::Idle;
            }
            (Mode::Dialog, ev) => self.violation("input in dialog", &ev),
            (Mode::Limited { .. }, ev) => self.violation("input while rate limited", &ev),
        }
    }

    /// The input ends in an unfinished `@path` token.
    fn picker_open(&self) -> bool {
        let text = String::from_utf8_lossy(&self.composer);
        self.picker
            && !text.ends_with(char::is_whitespace)
            && text
                .split_whitespace()
                .last()
                .is_some_and(|w| w.len() > 1 && w.starts_with('@'))
    }

    fn violation(&mut self, what: &str, ev: &Event) {
        self.record(&json!({"violation": what, "bytes": String::from_utf8_lossy(&ev.raw())}));
    }
}
