//! What a test asks of a running [`TestDaemon`]: `assignerctl` runs (plain,
//! with stdin, expected to succeed, as JSON), `send`, and a raw socket
//! client.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use super::daemon::TestDaemon;
use super::raw::RawClient;

impl TestDaemon {
    /// Runs `assignerctl --socket … ARGS`.
    pub fn ctl(&self, args: &[&str]) -> Output {
        self.ctl_stdin(args, None)
    }

    /// Runs `assignerctl` with `input` on stdin.
    pub fn ctl_stdin(&self, args: &[&str], input: Option<&[u8]>) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_assignerctl"));
        // A safety net, not the 10 s default: a daemon held up by a frozen
        // tmux server (tests/it/engine/faults.rs) answers late, but answers.
        cmd.arg("--socket")
            .arg(&self.socket)
            .args(["--request-timeout", "120"])
            .args(args);
        cmd.env_remove("ASSIGNER_SOCKET");
        cmd.stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        if let Some(data) = input {
            child.stdin.take().unwrap().write_all(data).unwrap();
        }
        child.wait_with_output().unwrap()
    }

    /// Runs `assignerctl` and expects success; returns stdout.
    pub fn ctl_ok(&self, args: &[&str]) -> String {
        let out = self.ctl(args);
        assert!(
            out.status.success(),
            "assignerctl {args:?} failed ({}): {}\nlog:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr),
            self.logs()
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// `assignerctl --json ARGS`, parsed.
    pub fn ctl_json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        serde_json::from_str(&self.ctl_ok(&all)).unwrap()
    }

    /// Queues a prompt; returns its id.
    pub fn send(&self, args: &[&str]) -> i64 {
        let mut all = vec!["send"];
        all.extend_from_slice(args);
        self.ctl_ok(&all).trim().parse().unwrap()
    }

    /// A raw socket client.
    pub fn raw(&self) -> RawClient {
        RawClient::connect(&self.socket)
    }
}
