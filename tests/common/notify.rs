//! A stand-in for systemd's `$NOTIFY_SOCKET`: a datagram socket that
//! records what the daemon says.

use std::os::unix::net::UnixDatagram;
use std::time::Duration;

use super::wait::{WAIT, wait_until};

/// Collects notification datagrams.
pub struct NotifyListener {
    sock: UnixDatagram,
    pub seen: Vec<String>,
}

impl NotifyListener {
    pub fn bind(path: &std::path::Path) -> Self {
        let sock = UnixDatagram::bind(path).unwrap();
        sock.set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        Self {
            sock,
            seen: Vec::new(),
        }
    }

    pub fn drain(&mut self) {
        let mut buf = [0u8; 4096];
        while let Ok(n) = self.sock.recv(&mut buf) {
            self.seen
                .push(String::from_utf8_lossy(&buf[..n]).into_owned());
        }
    }

    pub fn wait_for(&mut self, needle: &str) -> bool {
        wait_until(WAIT, || {
            self.drain();
            self.seen
                .iter()
                .any(|m| m.lines().any(|l| l.starts_with(needle)))
        })
    }

    pub fn count(&self, needle: &str) -> usize {
        self.seen
            .iter()
            .filter(|m| m.lines().any(|l| l == needle))
            .count()
    }
}
