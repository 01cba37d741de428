//! The git branch of a pane's working directory, for routing's branch
//! preference and for `sessions`.
//!
//! Read straight from the repository's files, not by running `git`: a scan
//! must not cost a process per pane. From the directory up, the first
//! `.git` is the repository: a directory, or a file (`gitdir: PATH`, as in
//! linked worktrees and submodules) naming it. Its `HEAD` says
//! `ref: refs/heads/NAME` on a branch; a detached HEAD has no branch.
//! Results are kept per directory for [`REFRESH`], so a checkout shows up
//! within seconds while an unchanged fleet reads nothing most scans.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a directory's branch is trusted before it is read again.
pub const REFRESH: Duration = Duration::from_secs(10);

/// Branches by directory, each with when it was read.
#[derive(Debug, Default)]
pub struct Branches {
    cache: HashMap<String, (Instant, Option<String>)>,
}

impl Branches {
    /// The branch checked out in `dir` (empty: unknown), read again when
    /// the cached answer is older than [`REFRESH`].
    pub fn get(&mut self, dir: &str, now: Instant) -> Option<String> {
        if dir.is_empty() {
            return None;
        }
        if let Some((at, branch)) = self.cache.get(dir)
            && now.saturating_duration_since(*at) < REFRESH
        {
            return branch.clone();
        }
        let branch = read_branch(Path::new(dir));
        self.cache.insert(dir.to_owned(), (now, branch.clone()));
        branch
    }

    /// Forgets directories no pane is in any more.
    pub fn retain(&mut self, in_use: &[&str]) {
        self.cache.retain(|dir, _| in_use.contains(&dir.as_str()));
    }
}

/// The branch checked out in the repository containing `dir`, if any.
pub fn read_branch(dir: &Path) -> Option<String> {
    let head = read_small(&git_dir(dir)?.join("HEAD"))?;
    let name = head.trim_end().strip_prefix("ref: refs/heads/")?;
    Some(name.to_owned()).filter(|n| !n.is_empty())
}

/// The git directory of the repository containing `dir`: the first `.git`
/// going up decides, even when it is not a repository git would accept.
fn git_dir(dir: &Path) -> Option<PathBuf> {
    let (holder, meta) = dir
        .ancestors()
        .find_map(|d| Some((d, fs::metadata(d.join(".git")).ok()?)))?;
    let dot_git = holder.join(".git");
    if meta.is_dir() {
        return Some(dot_git);
    }
    let text = read_small(&dot_git)?;
    let target = text.lines().next()?.strip_prefix("gitdir:")?.trim();
    // Relative paths are relative to the directory holding `.git`.
    Some(holder.join(target))
}

/// A small regular file's text. Anything else (a FIFO would block the
/// engine's loop for ever, a device could be read without end) is no
/// answer.
fn read_small(path: &Path) -> Option<String> {
    use std::io::Read;
    const LIMIT: u64 = 4096;
    if !fs::metadata(path).ok()?.is_file() {
        return None;
    }
    let mut text = String::new();
    fs::File::open(path)
        .ok()?
        .take(LIMIT)
        .read_to_string(&mut text)
        .ok()?;
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    #[test]
    fn a_branch_from_any_directory_inside_the_repository() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = tmp.path().join("repo");
        write(&repo.join(".git/HEAD"), "ref: refs/heads/feature/x\n");
        let deep = repo.join("src/engine");
        fs::create_dir_all(&deep).unwrap();
        assert_eq!(read_branch(&repo).as_deref(), Some("feature/x"));
        assert_eq!(read_branch(&deep).as_deref(), Some("feature/x"));
        assert_eq!(read_branch(tmp.path()), None);
    }

    #[test]
    fn the_first_git_entry_decides_and_only_small_regular_files_are_read() {
        let tmp = tempfile::tempdir().unwrap();
        write(&tmp.path().join(".git/HEAD"), "ref: refs/heads/outer\n");
        // A `.git` file that names no git dir: not the outer repository's.
        let inner = tmp.path().join("inner");
        write(&inner.join(".git"), "not a gitdir line\n");
        assert_eq!(read_branch(&inner), None);
        // A FIFO as HEAD is never opened.
        let piped = tmp.path().join("piped");
        fs::create_dir_all(piped.join(".git")).unwrap();
        nix::unistd::mkfifo(&piped.join(".git/HEAD"), nix::sys::stat::Mode::S_IRWXU).unwrap();
        assert_eq!(read_branch(&piped), None);
    }

    #[test]
    fn a_detached_head_has_no_branch() {
        let tmp = tempfile::tempdir().unwrap();
        write(
            &tmp.path().join(".git/HEAD"),
            "3f786850e387550fdab836ed7e6dc881de23001b\n",
        );
        assert_eq!(read_branch(tmp.path()), None);
    }

    #[test]
    fn worktrees_and_submodules_follow_their_gitdir_file() {
        let tmp = tempfile::tempdir().unwrap();
        let main = tmp.path().join("main/.git");
        write(&main.join("worktrees/wt/HEAD"), "ref: refs/heads/topic\n");
        let wt = tmp.path().join("wt");
        write(
            &wt.join(".git"),
            &format!("gitdir: {}\n", main.join("worktrees/wt").display()),
        );
        assert_eq!(read_branch(&wt).as_deref(), Some("topic"));
        // A submodule names its git dir relative to itself.
        write(&main.join("modules/lib/HEAD"), "ref: refs/heads/vendored\n");
        let sub = tmp.path().join("main/lib");
        write(&sub.join(".git"), "gitdir: ../.git/modules/lib\n");
        assert_eq!(read_branch(&sub).as_deref(), Some("vendored"));
        // A `.git` file naming nothing readable: no branch, no error.
        let broken = tmp.path().join("broken");
        write(&broken.join(".git"), "not a gitdir line\n");
        assert_eq!(read_branch(&broken), None);
    }

    #[test]
    fn the_cache_rereads_only_after_the_refresh() {
        let tmp = tempfile::tempdir().unwrap();
        let head = tmp.path().join(".git/HEAD");
        write(&head, "ref: refs/heads/one\n");
        let dir = tmp.path().to_str().unwrap();
        let mut b = Branches::default();
        let t0 = Instant::now();
        assert_eq!(b.get(dir, t0).as_deref(), Some("one"));
        write(&head, "ref: refs/heads/two\n");
        assert_eq!(b.get(dir, t0 + REFRESH / 2).as_deref(), Some("one"));
        assert_eq!(b.get(dir, t0 + REFRESH).as_deref(), Some("two"));
        assert_eq!(b.get("", t0), None);
        b.retain(&[]);
        assert!(b.cache.is_empty());
    }
}
