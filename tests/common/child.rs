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
