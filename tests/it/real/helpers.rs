//! The processes an agent leaves behind once its pane is gone. Codex
//! starts `codex app-server --managed-daemon` and its `pid-update-loop`
//! detached, from a copy of its binaries under `$CODEX_HOME`
//! (tests/fixtures/screens/codex-0.171.0/NOTES.md), so they outlive the
//! tmux server. Their command lines name the test's private HOME, which
//! nothing else started by another test or user can name: that is how
//! they are found, and each is killed by its pid. Their sockets have a
//! second name in the shared `/tmp/codex-daemon-<uid>/`: the SHA-256 of the
//! socket's path, and that name with `.lock`; those are removed too.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::common::wait_until;

/// Pids of the processes whose command line names `home`, but `except`.
pub fn naming(home: &Path, except: u32) -> Vec<i32> {
    let needle = home.as_os_str().as_encoded_bytes();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|&pid| {
            i64::from(pid) != i64::from(except) && i64::from(pid) != i64::from(std::process::id())
        })
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|c| c.windows(needle.len()).any(|w| w == needle))
        })
        .collect()
}

/// Kills every process [`naming`] finds, and waits until they are gone.
pub fn reap(home: &Path, except: u32) {
    let pids = naming(home, except);
    for &pid in &pids {
        let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
    }
    let gone = wait_until(Duration::from_secs(10), || {
        pids.iter()
            .all(|&p| std::fs::metadata(format!("/proc/{p}")).is_err() || zombie(p))
    });
    if !gone {
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            format!("helpers of {} still running: {pids:?}\n", home.display()).as_bytes(),
        );
    }
}

/// Whether `pid` has exited and only waits for its parent to reap it.
fn zombie(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        s.rsplit_once(')')
            .is_some_and(|(_, r)| r.trim_start().starts_with('Z'))
    })
}

/// Removes the entries that name a socket under `home` from Codex's shared
/// `/tmp/codex-daemon-<uid>/`; no other entry can have their names.
pub fn remove_stray_sockets(home: &Path) {
    let shared = PathBuf::from(format!("/tmp/codex-daemon-{}", nix::unistd::getuid()));
    // Those Codex 0.171.0 makes, which it may have removed on its way
    // out, and any other socket left.
    let codex = home.join(".codex");
    let mut names = vec![
        codex.join("app-server-control/app-server-control.sock"),
        codex.join("app-server-daemon/daemon-updater.sock"),
    ];
    names.extend(sockets(home, 4));
    for socket in names {
        let Some(hash) = sha256(socket.as_os_str().as_encoded_bytes()) else {
            continue;
        };
        for name in [hash.clone(), format!("{hash}.lock")] {
            let _ = std::fs::remove_file(shared.join(name));
        }
    }
}

/// The Unix sockets in `dir`, down to `depth` levels.
fn sockets(dir: &Path, depth: usize) -> Vec<PathBuf> {
    use std::os::unix::fs::FileTypeExt;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_socket() {
            found.push(entry.path());
        } else if kind.is_dir() && depth > 0 {
            found.extend(sockets(&entry.path(), depth - 1));
        }
    }
    found
}

/// The SHA-256 of `bytes` in hex, from coreutils' `sha256sum`.
fn sha256(bytes: &[u8]) -> Option<String> {
    use std::io::Write;
    let mut child = Command::new("sha256sum")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(bytes).ok()?;
    let out = child.wait_with_output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    Some(text.split_whitespace().next()?.to_owned())
}
