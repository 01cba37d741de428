//! Answers and client errors as the user sees them: JSON lines for
//! scripts, text for people with anything non-printable escaped, and the
//! exit status an answer carries.

use super::{output, printable};
use crate::client::ClientError;
use crate::error::exit;
use crate::protocol::{Reply, Response, WireError};

/// A successful answer can still carry bad news a script must see: an
/// integrity check that found problems exits EX_DATAERR, online or offline.
pub(crate) fn exit_status(reply: &Reply) -> i32 {
    match reply {
        Reply::Cleanup { report }
            if !report.integrity.is_empty()
                && !crate::maintenance::verify::is_healthy(&report.integrity) =>
        {
            exit::DATAERR
        }
        _ => exit::OK,
    }
}

pub(crate) fn print(reply: &Reply, json: bool) {
    if json {
        let mut s = serde_json::to_string(reply).unwrap_or_default();
        s.push('\n');
        write_out(&s);
    } else {
        print_text(&output::human(reply));
    }
}

/// Writes text for people, anything non-printable escaped.
pub(super) fn print_text(text: &str) {
    write_out(&printable::text(text));
}

/// Writes to stdout and flushes: a script reading the output as it comes
/// (`follow`, `watch`) sees each piece at once.
fn write_out(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// One line on stderr for people; with `--json`, also the error object on
/// stdout, so scripts can match on its stable `kind`.
pub(super) fn report(e: &ClientError, socket: &std::path::Path, json: bool) {
    if json {
        let err = WireError::new(e.kind(), e.to_string());
        println!("{}", Response::Err(err).to_line());
    }
    match e {
        ClientError::Connect { source, .. } => eprintln!(
            "assignerctl: cannot connect to assignerd at {}: {source}; start it with \
             'systemctl --user start assigner.socket' (your own daemon), \
             'sudo systemctl start assigner.socket' (the system service), or run 'assignerd' in a terminal",
            socket.display()
        ),
        ClientError::Daemon(w) => eprintln!(
            "assignerctl: {} ({})",
            printable::text(&w.message),
            w.kind.as_str()
        ),
        other => eprintln!("assignerctl: {}", printable::text(&other.to_string())),
    }
}
