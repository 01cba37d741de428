//! What the mock model server saw (`tests/real/README.md`, "The mock"):
//! one JSON line per request in `--log`, one per finished answer in
//! `--ends`, each with `at` in the format of assigner's history.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The mock's two log files.
pub struct MockLog {
    /// `--log`: the requests.
    pub requests: PathBuf,
    /// `--ends`: the ends of streamed answers.
    pub ends: PathBuf,
}

/// One model request: the new prompt's text and when it arrived.
#[derive(Debug, Clone)]
pub struct Request {
    pub text: String,
    pub at: String,
}

impl MockLog {
    /// Log files in `dir`, created empty.
    pub fn new(dir: &Path) -> Self {
        let log = Self {
            requests: dir.join("mock.log"),
            ends: dir.join("mock-ends.log"),
        };
        std::fs::write(&log.requests, "").unwrap();
        std::fs::write(&log.ends, "").unwrap();
        log
    }

    /// The agent's own turns, oldest first: not side requests, nor the
    /// request that carries a tool's result back (the OpenAI mock logs the
    /// prompt's text with it, as the last user message).
    pub fn turns(&self) -> Vec<Request> {
        read(&self.requests)
            .iter()
            .filter(|e| e["side"] != true && e["tool_result"] != true)
            .map(request)
            .collect()
    }

    /// How many model requests carried `text` as the new prompt: the
    /// agent's own retries of a failed request included.
    pub fn requests_for(&self, text: &str) -> usize {
        self.turns().iter().filter(|t| t.text == text).count()
    }

    /// When the answer to the prompt `text` finished streaming, if it has.
    pub fn answer_end(&self, text: &str) -> Option<String> {
        read(&self.ends)
            .iter()
            .map(request)
            .find(|e| e.text == text)
            .map(|e| e.at)
    }
}

/// aider appends the rules of its edit format to every prompt
/// (tests/fixtures/screens/aider-0.86.2/NOTES.md, "Text received vs.
/// pasted"); what comes before them is the prompt, byte for byte.
const AIDER_RULES: &str = "\n\n# *SEARCH/REPLACE block* Rules:\n";

fn request(e: &Value) -> Request {
    let text = e["text"].as_str().unwrap_or_default();
    let text = text
        .split_once(AIDER_RULES)
        .map_or(text, |(prompt, _)| prompt);
    Request {
        text: text.to_owned(),
        at: e["at"].as_str().unwrap_or_default().to_owned(),
    }
}

/// Every complete line; a line the mock is still writing is left for the
/// next read.
fn read(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.split_inclusive('\n')
        .filter(|l| l.ends_with('\n'))
        .map(|l| serde_json::from_str(l).expect("mock log line is JSON"))
        .collect()
}

/// The prompt as it was pasted, from the text the model received, undoing
/// only Claude Code's own rewriting (tests/fixtures/screens/claude-*/NOTES.md,
/// "What the model receives"): 2.1.332 wraps a paste it shows collapsed as
/// `[Pasted text #N +M lines]` in `\n\n<pasted_content id="XXXX">\n` ...
/// `\n</pasted_content id="XXXX">\n`. Tabs, which both versions turn into
/// four spaces, are the caller's to expect.
pub fn unwrap_pasted(received: &str) -> &str {
    let Some(rest) = received.strip_prefix("\n\n<pasted_content id=\"") else {
        return received;
    };
    let Some((id, body)) = rest.split_once("\">\n") else {
        return received;
    };
    body.strip_suffix(&format!("\n</pasted_content id=\"{id}\">\n"))
        .unwrap_or(received)
}
