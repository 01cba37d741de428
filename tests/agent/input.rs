//! Splits the raw terminal byte stream into key events, the way an agent
//! TUI does: bracketed pastes (`ESC[200~ … ESC[201~`) arrive as one event
//! with CR turned back into LF, and a CR outside a paste is Enter.

const PASTE_START: &[u8] = b"\x1b[200~";
const PASTE_END: &[u8] = b"\x1b[201~";

/// One input event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Typed bytes (printable, UTF-8, tab).
    Text(Vec<u8>),
    /// One bracketed paste, CR already turned into LF.
    Paste(Vec<u8>),
    /// CR outside a paste.
    Enter,
    /// LF outside a paste (C-j): a newline in the input box.
    Newline,
    /// DEL or C-h.
    Backspace,
    /// C-u.
    ClearLine,
    /// A lone ESC.
    Escape,
    /// Any other control byte or escape sequence.
    Other(Vec<u8>),
}

impl Event {
    /// The bytes as they arrived, for violation records.
    pub fn raw(&self) -> Vec<u8> {
        match self {
            Event::Text(b) | Event::Paste(b) | Event::Other(b) => b.clone(),
            Event::Enter => b"\r".to_vec(),
            Event::Newline => b"\n".to_vec(),
            Event::Backspace => b"\x7f".to_vec(),
            Event::ClearLine => b"\x15".to_vec(),
            Event::Escape => b"\x1b".to_vec(),
        }
    }
}

/// Incremental parser: bytes may be split anywhere across reads.
#[derive(Default)]
pub struct Parser {
    buf: Vec<u8>,
    in_paste: bool,
    paste: Vec<u8>,
}

impl Parser {
    /// Adds bytes and returns the events now complete.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Event> {
        self.buf.extend_from_slice(bytes);
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.buf.len() {
            if self.in_paste {
                let rest = &self.buf[i..];
                if let Some(j) = find(rest, PASTE_END) {
                    self.paste.extend_from_slice(&rest[..j]);
                    let body = std::mem::take(&mut self.paste);
                    out.push(Event::Paste(
                        body.into_iter()
                            .map(|b| if b == b'\r' { b'\n' } else { b })
                            .collect(),
                    ));
                    self.in_paste = false;
                    i += j + PASTE_END.len();
                    continue;
                }
                // Keep a possible partial end marker for the next read.
                let keep = (1..PASTE_END.len())
                    .rev()
                    .find(|&k| rest.ends_with(&PASTE_END[..k]))
                    .unwrap_or(0);
                self.paste.extend_from_slice(&rest[..rest.len() - keep]);
                i = self.buf.len() - keep;
                break;
            }
            let b = self.buf[i];
            match b {
                0x1b => {
                    let rest = &self.buf[i..];
                    if rest.len() < 2 {
                        break; // wait: lone ESC or start of a sequence
                    }
                    if rest[1] != b'[' {
                        out.push(Event::Escape);
                        i += 1;
                        continue;
                    }
                    match rest[2..].iter().position(|c| (0x40..=0x7e).contains(c)) {
                        Some(k) => {
                            let seq = &rest[..k + 3];
                            if seq == PASTE_START {
                                self.in_paste = true;
                            } else {
                                out.push(Event::Other(seq.to_vec()));
                            }
                            i += k + 3;
                        }
                        None => break, // incomplete sequence
                    }
                }
                b'\r' => {
                    out.push(Event::Enter);
                    i += 1;
                }
                b'\n' => {
                    out.push(Event::Newline);
                    i += 1;
                }
                0x7f | 0x08 => {
                    out.push(Event::Backspace);
                    i += 1;
                }
                0x15 => {
                    out.push(Event::ClearLine);
                    i += 1;
                }
                b'\t' | 0x20.. => {
                    let n = self.buf[i..]
                        .iter()
                        .take_while(|&&c| c == b'\t' || (c >= 0x20 && c != 0x7f))
                        .count();
                    out.push(Event::Text(self.buf[i..i + n].to_vec()));
                    i += n;
                }
                _ => {
                    out.push(Event::Other(vec![b]));
                    i += 1;
                }
            }
        }
        self.buf.drain(..i);
        out
    }

    /// Whether bytes wait for the rest of a sequence.
    pub fn pending(&self) -> bool {
        !self.buf.is_empty()
    }

    /// Called when no more bytes came for a moment: a pending lone ESC is
    /// the Escape key.
    pub fn flush(&mut self) -> Vec<Event> {
        if !self.in_paste && self.buf == [0x1b] {
            self.buf.clear();
            return vec![Event::Escape];
        }
        Vec::new()
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}
