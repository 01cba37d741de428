//! What reaches the operator's terminal. Text in a reply came from clients
//! (targets, env values, reasons) or from agents' panes; the protocol
//! refuses control characters in new requests (`assigner-protocol(7)`), but
//! rows written before that, or by a legacy import, may still hold them.
//! An escape sequence printed raw could retitle, rewrite or drive the
//! terminal, so everything non-printable is shown as a visible escape.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Text for a multi-line body: newlines and tabs stay, anything else
/// non-printable becomes `\x1b` or `\u{202e}`.
pub fn text(s: &str) -> Cow<'_, str> {
    escape(s, |c| c == '\n' || c == '\t')
}

/// One table cell or field on one line: newlines and tabs are escaped too.
pub fn cell(s: &str) -> Cow<'_, str> {
    escape(s, |_| false)
}

fn escape(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    let hidden = |c: char| !keep(c) && is_hidden(c);
    if !s.chars().any(hidden) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !hidden(c) {
            out.push(c);
        } else if c.is_ascii() {
            let _ = write!(out, "\\x{:02x}", c as u32);
        } else {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
    Cow::Owned(out)
}

/// Control characters (C0, DEL, C1), and the invisible format characters
/// that reorder or hide text (bidirectional overrides, zero-width marks).
fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_a_terminal_would_act_on() {
        assert!(matches!(text("plain é\n\tnext"), Cow::Borrowed(_)));
        assert_eq!(
            text("a\u{1b}]0;title\u{7}b\r\n"),
            "a\\x1b]0;title\\x07b\\x0d\n"
        );
        assert_eq!(text("\u{9b}31m\u{7f}\u{202e}"), "\\u{9b}31m\\x7f\\u{202e}");
        assert_eq!(cell("a\nb\tc"), "a\\x0ab\\x09c");
    }
}
