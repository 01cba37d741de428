//! A process a test spawned, owned so that it is killed and reaped when the
//! test ends, a failed assertion included. Only this process is signalled.

use std::process::Child;

/// Kills (if still running) and reaps its child on drop.
pub struct ChildGuard(pub Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
        }
        let _ = self.0.wait();
    }
}

/// Runs `cmd` to its exit, as [`Command::output`] does, but fails the test
/// instead of hanging when the process is still running after
/// [`super::WAIT`] (a daemon that should have refused to start).
pub fn exit_of(mut cmd: std::process::Command) -> (Option<i32>, String) {
    let err = tempfile::NamedTempFile::new().unwrap();
    cmd.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(err.reopen().unwrap());
    let mut child = ChildGuard(cmd.spawn().unwrap());
    let mut status = None;
    let exited = super::wait_until(super::WAIT, || {
        status = child.0.try_wait().unwrap();
        status.is_some()
    });
    let stderr = std::fs::read_to_string(err.path()).unwrap_or_default();
    assert!(exited, "{cmd:?} is still running; stderr:\n{stderr}");
    (status.and_then(|s| s.code()), stderr)
}
