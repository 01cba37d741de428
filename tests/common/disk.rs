//! A small tmpfs mounted over a directory, for full-disk faults (needs
//! root; without it the caller is told and skips).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Unmounted on drop (lazily, so a daemon still holding files there cannot
/// keep it).
pub struct SmallDisk(PathBuf);

impl SmallDisk {
    /// Mounts a tmpfs of `size` (`8m`) over `dir`; `None` when that is not
    /// allowed here.
    pub fn mount(dir: &Path, size: &str) -> Option<Self> {
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("NOTE: cannot mount a tmpfs (needs root); full-disk faults not run here");
        }
        ok.then(|| Self(dir.to_owned()))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Writes `path` until the file system is full.
pub fn fill(path: &Path) {
    let mut f = std::fs::File::create(path).unwrap();
    let chunk = vec![0x5a; 64 * 1024];
    while f.write_all(&chunk).is_ok() {}
    let _ = f.sync_all();
}
