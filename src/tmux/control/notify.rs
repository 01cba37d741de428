//! The notifications a control client reads between replies (tmux(1),
//! CONTROL MODE). Only those the engine acts on get a variant; the rest
//! are kept by name, so a newer tmux's additions are harmless.

/// One notification line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notification {
    /// A session was created or destroyed.
    SessionsChanged,
    /// A window was added to the attached session (`@ID`).
    WindowAdd(String),
    /// A window of the attached session closed.
    WindowClose(String),
    /// A window not linked to the attached session closed.
    UnlinkedWindowClose(String),
    /// A window not linked to the attached session was added.
    UnlinkedWindowAdd(String),
    /// A session's current window changed (`$S`, `@W`).
    SessionWindowChanged(String, String),
    /// A pane entered or left a mode such as copy mode (`%P`).
    PaneModeChanged(String),
    /// The layout of a window changed: panes were split or killed (`@W`).
    LayoutChange(String),
    /// Output from a pane (`%P`), with tmux's octal escapes undone.
    Output(String, Vec<u8>),
    /// The client is about to exit, with the reason when one is given.
    Exit(Option<String>),
    /// Any other notification, by name.
    Other(String),
}

impl Notification {
    /// Whether it says the server's sessions, windows or panes changed in
    /// a way a scan must see (one gone, one added, one renamed, one in or
    /// out of copy mode), or that the client is ending.
    pub fn is_structural(&self) -> bool {
        match self {
            Self::Output(..) => false,
            Self::Other(name) => matches!(
                name.as_str(),
                "session-renamed"
                    | "window-renamed"
                    | "unlinked-window-renamed"
                    | "window-pane-changed"
                    | "client-session-changed"
            ),
            _ => true,
        }
    }

    /// Parses a line that starts with `%`; `None` for anything else,
    /// including the guard lines, which are framing.
    pub fn parse(line: &str) -> Option<Self> {
        let body = line.strip_prefix('%')?;
        let (name, rest) = body.split_once(' ').unwrap_or((body, ""));
        let arg = |i: usize| rest.split(' ').nth(i).unwrap_or("").to_owned();
        Some(match name {
            "" | "begin" | "end" | "error" => return None,
            "sessions-changed" => Self::SessionsChanged,
            "window-add" => Self::WindowAdd(arg(0)),
            "window-close" => Self::WindowClose(arg(0)),
            "unlinked-window-close" => Self::UnlinkedWindowClose(arg(0)),
            "unlinked-window-add" => Self::UnlinkedWindowAdd(arg(0)),
            "session-window-changed" => Self::SessionWindowChanged(arg(0), arg(1)),
            "pane-mode-changed" => Self::PaneModeChanged(arg(0)),
            "layout-change" => Self::LayoutChange(arg(0)),
            "output" => {
                let (pane, data) = rest.split_once(' ').unwrap_or((rest, ""));
                Self::Output(pane.to_owned(), unescape(data))
            }
            "exit" => Self::Exit((!rest.is_empty()).then(|| rest.to_owned())),
            _ if name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') => {
                Self::Other(name.to_owned())
            }
            _ => return None,
        })
    }
}

/// Undoes the escaping of `%output` data: tmux writes bytes below 32 and
/// the backslash as `\ooo`.
fn unescape(data: &str) -> Vec<u8> {
    let b = data.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\'
            && i + 3 < b.len()
            && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c))
        {
            let v = u32::from(b[i + 1] - b'0') * 64
                + u32::from(b[i + 2] - b'0') * 8
                + u32::from(b[i + 3] - b'0');
            // tmux escapes single bytes (`\000` to `\377`); anything above
            // is not its escape, and is kept as the text it is.
            let Ok(byte) = u8::try_from(v) else {
                out.push(b[i]);
                i += 1;
                continue;
            };
            out.push(byte);
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_names() {
        let n = Notification::parse;
        assert_eq!(n("%sessions-changed"), Some(Notification::SessionsChanged));
        assert_eq!(
            n("%session-window-changed $1 @4"),
            Some(Notification::SessionWindowChanged("$1".into(), "@4".into()))
        );
        assert_eq!(
            n("%pane-mode-changed %7"),
            Some(Notification::PaneModeChanged("%7".into()))
        );
        assert_eq!(
            n("%exit server exited"),
            Some(Notification::Exit(Some("server exited".into())))
        );
        assert_eq!(
            n("%client-detached /dev/pts/3"),
            Some(Notification::Other("client-detached".into()))
        );
        for not in ["%end 1 2 1", "%begin 1 2 1", "plain", "%", "% x", "%Weird"] {
            assert_eq!(n(not), None, "{not}");
        }
    }

    #[test]
    fn output_is_unescaped() {
        assert_eq!(
            Notification::parse("%output %3 a\\015\\012b\\134c"),
            Some(Notification::Output("%3".into(), b"a\r\nb\\c".to_vec()))
        );
        assert_eq!(unescape("trailing \\01"), b"trailing \\01".to_vec());
        assert_eq!(
            unescape("\\477"),
            b"\\477".to_vec(),
            "not a byte: kept as text"
        );
    }
}
