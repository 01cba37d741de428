//! `assignerctl` left running while the test acts (`wait`, `follow`): owned
//! by a guard that kills it, its output kept in files to read at any time.

use std::process::{Command, Stdio};
use std::time::Duration;

use super::child::ChildGuard;
use super::daemon::TestDaemon;
use super::wait::wait_until;

/// A running `assignerctl`.
pub struct Background {
    child: ChildGuard,
    out: tempfile::NamedTempFile,
    err: tempfile::NamedTempFile,
    code: Option<Option<i32>>,
}

impl Background {
    /// Starts `assignerctl --socket … ARGS` against `d`.
    pub fn start(d: &TestDaemon, args: &[&str]) -> Self {
        let out = tempfile::NamedTempFile::new().unwrap();
        let err = tempfile::NamedTempFile::new().unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_assignerctl"));
        cmd.arg("--socket")
            .arg(&d.socket)
            .args(args)
            .env_remove("ASSIGNER_SOCKET")
            .stdin(Stdio::null())
            .stdout(out.reopen().unwrap())
            .stderr(err.reopen().unwrap());
        Self {
            child: ChildGuard(cmd.spawn().unwrap()),
            out,
            err,
            code: None,
        }
    }

    /// What it printed on stdout so far.
    pub fn stdout(&self) -> String {
        std::fs::read_to_string(self.out.path()).unwrap()
    }

    /// What it printed on stderr so far.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(self.err.path()).unwrap()
    }

    /// Whether it has exited.
    pub fn exited(&mut self) -> bool {
        if self.code.is_none()
            && let Some(status) = self.child.0.try_wait().unwrap()
        {
            self.code = Some(status.code());
        }
        self.code.is_some()
    }

    /// Waits for it to exit within `within`; returns its exit code. Fails
    /// the test, with what it printed, when it is still running.
    pub fn exit_code(&mut self, within: Duration) -> Option<i32> {
        let exited = wait_until(within, || self.exited());
        assert!(
            exited,
            "assignerctl still running\nstdout:\n{}\nstderr:\n{}",
            self.stdout(),
            self.stderr()
        );
        self.code.unwrap()
    }
}
