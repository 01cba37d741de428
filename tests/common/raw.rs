//! Raw protocol clients: a line-oriented socket client for malformed input
//! and exact exchanges, and the handshake probe that tells a live daemon.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;

/// A plain line-oriented socket client, for malformed input.
pub struct RawClient {
    /// The stream, for writing.
    pub stream: UnixStream,
    reader: BufReader<UnixStream>,
}

impl RawClient {
    /// Connects with a read timeout, so a missing answer fails the test.
    pub fn connect(path: &Path) -> Self {
        let stream = UnixStream::connect(path).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let reader = BufReader::new(stream.try_clone().unwrap());
        Self { stream, reader }
    }

    /// Writes raw bytes.
    pub fn write(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).unwrap();
    }

    /// Reads one response line and parses it.
    pub fn read(&mut self) -> serde_json::Value {
        let mut line = String::new();
        let n = self.reader.read_line(&mut line).unwrap();
        assert!(n > 0, "connection closed without a response");
        serde_json::from_str(&line).unwrap()
    }

    /// Whether the daemon closed the connection (reads EOF).
    pub fn closed(&mut self) -> bool {
        let mut line = String::new();
        matches!(self.reader.read_line(&mut line), Ok(0))
    }

    /// Like [`Self::call`], but `None` when the daemon hung up.
    pub fn try_call(&mut self, line: &str) -> Option<serde_json::Value> {
        self.stream.write_all(format!("{line}\n").as_bytes()).ok()?;
        let mut buf = String::new();
        self.reader.read_line(&mut buf).ok().filter(|n| *n > 0)?;
        serde_json::from_str(&buf).ok()
    }

    /// Sends one line and reads the answer.
    pub fn call(&mut self, line: &str) -> serde_json::Value {
        self.write(line.as_bytes());
        self.write(b"\n");
        self.read()
    }
}

/// The error kind of a failed response, or panics.
pub fn error_kind(v: &serde_json::Value) -> &str {
    assert_eq!(v["ok"], false, "expected an error, got {v}");
    v["error"]["kind"].as_str().unwrap()
}

/// Whether a daemon on `socket` answers the protocol handshake.
pub fn answers(socket: &Path) -> bool {
    let Ok(mut stream) = UnixStream::connect(socket) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    if stream
        .write_all(b"{\"type\":\"hello\",\"version\":1}\n")
        .is_err()
    {
        return false;
    }
    let mut line = String::new();
    BufReader::new(stream).read_line(&mut line).is_ok() && line.contains("\"ok\":true")
}
