//! Control-mode framing: telling replies from notifications in the lines a
//! `tmux -C` client prints (tmux(1), CONTROL MODE).
//!
//! A command's reply is the lines between `%begin TIME NUMBER FLAGS` and
//! `%end` or `%error` with the same three fields; FLAGS is 1 for commands
//! this client wrote, 0 for anything else run on its behalf (the attach
//! itself). Everything else starting with `%` is a notification. Two
//! things make a naive reader wrong:
//! - a reply's lines are raw, so a captured screen may hold a line that
//!   looks like `%end …` or `%window-add …`: only the exact closing guard
//!   ends a block, and a reply the caller marked as content is all content;
//! - before tmux 3.5 a command that changes windows prints its own
//!   notifications inside its block: in a block that is not content, a
//!   line that parses as a notification is one.

use super::notify::Notification;

/// The three fields of a guard line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guard {
    /// Seconds since the epoch when the command was queued.
    pub time: u64,
    /// The server's command number.
    pub number: u64,
    /// 1 for a command this client wrote.
    pub flags: u8,
}

impl Guard {
    fn parse(rest: &str) -> Option<Self> {
        let mut it = rest.split(' ');
        let guard = Self {
            time: it.next()?.parse().ok()?,
            number: it.next()?.parse().ok()?,
            flags: it.next()?.parse().ok()?,
        };
        it.next().is_none().then_some(guard)
    }
}

/// What one line (or the line that closed a block) amounts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Framed {
    /// A reply to a command this client wrote (FLAGS 1), in order.
    Reply {
        /// `%end` (true) or `%error` (false).
        ok: bool,
        /// The lines between the guards.
        lines: Vec<String>,
    },
    /// The reply to a command run on the client's behalf but not written
    /// by it (FLAGS 0): the attach that started it.
    Foreign {
        /// `%end` (true) or `%error` (false).
        ok: bool,
        /// The lines between the guards.
        lines: Vec<String>,
    },
    /// A notification.
    Notify(Notification),
    /// Nothing yet (a line inside an open block), or a stray line outside
    /// any block.
    Nothing,
}

#[derive(Debug)]
struct Open {
    guard: Guard,
    content: bool,
    lines: Vec<String>,
}

/// The reader's state: at most one block is open at a time.
#[derive(Debug, Default)]
pub struct Framer {
    open: Option<Open>,
}

impl Framer {
    /// Takes one line (without its newline). `content` says, when a block
    /// of ours opens, whether the command it answers returns raw content
    /// (a capture), whose lines are never notifications.
    pub fn line(&mut self, line: &str, content: impl FnOnce() -> bool) -> Framed {
        if let Some(open) = &mut self.open {
            if let Some(ok) = closes(line, open.guard) {
                let open = self.open.take().expect("open block");
                let lines = open.lines;
                return if open.guard.flags == 1 {
                    Framed::Reply { ok, lines }
                } else {
                    Framed::Foreign { ok, lines }
                };
            }
            if !open.content
                && let Some(n) = Notification::parse(line)
            {
                return Framed::Notify(n);
            }
            open.lines.push(line.to_owned());
            return Framed::Nothing;
        }
        if let Some(guard) = line.strip_prefix("%begin ").and_then(Guard::parse) {
            self.open = Some(Open {
                guard,
                content: guard.flags == 1 && content(),
                lines: Vec::new(),
            });
            return Framed::Nothing;
        }
        Notification::parse(line).map_or(Framed::Nothing, Framed::Notify)
    }

    /// Whether a block is open (a reply is being read).
    #[cfg(test)]
    pub fn in_block(&self) -> bool {
        self.open.is_some()
    }
}

/// `Some(ok)` when `line` is the exact `%end`/`%error` guard of `open`.
fn closes(line: &str, open: Guard) -> Option<bool> {
    let (ok, rest) = if let Some(rest) = line.strip_prefix("%end ") {
        (true, rest)
    } else if let Some(rest) = line.strip_prefix("%error ") {
        (false, rest)
    } else {
        return None;
    };
    (Guard::parse(rest)? == open).then_some(ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(f: &mut Framer, lines: &[&str], content: bool) -> Vec<Framed> {
        lines
            .iter()
            .map(|l| f.line(l, || content))
            .filter(|x| *x != Framed::Nothing)
            .collect()
    }

    fn reply(ok: bool, lines: &[&str]) -> Framed {
        Framed::Reply {
            ok,
            lines: lines.iter().map(|l| (*l).to_owned()).collect(),
        }
    }

    #[test]
    fn a_reply_and_the_attach_block_which_is_not_ours() {
        let mut f = Framer::default();
        let out = feed(
            &mut f,
            &[
                "%begin 1795963105 265 0",
                "%end 1795963105 265 0",
                "%begin 1795963105 266 1",
                "a: 1 windows",
                "%end 1795963105 266 1",
            ],
            false,
        );
        let attach = Framed::Foreign {
            ok: true,
            lines: vec![],
        };
        assert_eq!(out, [attach, reply(true, &["a: 1 windows"])]);
    }

    #[test]
    fn lookalike_guards_inside_a_capture_are_content() {
        let mut f = Framer::default();
        let screen = [
            "%begin 1795963105 267 1",
            "%end 1795963105 266 1",
            "%error 1795963105 267 0",
            "%end 1795963105 267 1 trailing",
            "%window-add @9",
            "%exit",
            "%end 1795963105 267 1",
        ];
        let mut f2 = Framer::default();
        let out = feed(&mut f2, &screen, true);
        assert_eq!(out, [reply(true, &screen[1..6])]);
        assert!(!f2.in_block());
        // The same lines in a command that is not content: the lookalike
        // guards are still content, the notifications are notifications.
        let out = feed(&mut f, &screen, false);
        assert_eq!(
            out,
            [
                Framed::Notify(Notification::WindowAdd("@9".into())),
                Framed::Notify(Notification::Exit(None)),
                reply(true, &screen[1..4]),
            ]
        );
    }

    #[test]
    fn notifications_between_blocks_and_an_error() {
        let mut f = Framer::default();
        let out = feed(
            &mut f,
            &[
                "%begin 1 10 1",
                "%end 1 10 1",
                "%sessions-changed",
                "%begin 1 11 1",
                "can't find pane: %99",
                "%error 1 11 1",
                "%window-close @3",
            ],
            false,
        );
        assert_eq!(
            out,
            [
                reply(true, &[]),
                Framed::Notify(Notification::SessionsChanged),
                reply(false, &["can't find pane: %99"]),
                Framed::Notify(Notification::WindowClose("@3".into())),
            ]
        );
    }

    #[test]
    fn malformed_guards_open_nothing() {
        let mut f = Framer::default();
        for line in ["%begin", "%begin 1 2", "%begin x 2 1", "%begin 1 2 1 4"] {
            assert_eq!(f.line(line, || false), Framed::Nothing, "{line}");
            assert!(!f.in_block(), "{line}");
        }
    }
}
