//! Pools whose agents each work in a git worktree: made once and kept,
//! and made away from the daemon's loop, which goes on answering while
//! git takes its time.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::common::{PoolFleet, WAIT, stand_in_pool, wait_until};
use assigner::protocol::PromptStatus;

/// A git repository with one commit, in a temp dir.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new() -> Self {
        let repo = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "start",
        ]);
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `git -C REPO ARGS`, which must succeed; its stdout.
    fn git(&self, args: &[&str]) -> String {
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(self.path())
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Pool keys that give each agent a worktree of this repository.
    fn keys(&self, count: u32) -> String {
        format!(
            "count = {count}\nworktree = true\nworkdir = {:?}\nworktree_dir = {:?}\n",
            self.path(),
            self.path().join("trees")
        )
    }
}

/// A `git` for the daemon's PATH, in `dir/bin`: each call appends its pid
/// to `dir/calls`, waits until `dir/release` exists, then runs the real
/// git. It gives up once `dir` is gone, so none outlives the test.
fn held_git(dir: &Path) -> PathBuf {
    let real = std::env::split_paths(&std::env::var_os("PATH").unwrap())
        .map(|d| d.join("git"))
        .find(|p| p.is_file())
        .expect("git on PATH");
    let bin = dir.join("bin");
    std::fs::create_dir(&bin).unwrap();
    let d = dir.display();
    let script = format!(
        "#!/bin/sh\necho $$ >>'{d}/calls'\nwhile [ ! -e '{d}/release' ]; do\n  [ -d '{d}' ] || exit 1\n  sleep 0.05\ndone\nexec '{}' \"$@\"\n",
        real.display()
    );
    let git = bin.join("git");
    std::fs::write(&git, script).unwrap();
    std::fs::set_permissions(&git, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

/// The working directory `sessions` shows for `session`.
fn working_dir(f: &PoolFleet, session: &str) -> PathBuf {
    let sessions = f.d.ctl_json(&["sessions"]);
    let dir = sessions["sessions"]
        .as_array()
        .and_then(|all| all.iter().find(|s| s["name"] == session))
        .and_then(|s| s["working_dir"].as_str());
    PathBuf::from(dir.unwrap_or_else(|| panic!("no working_dir of {session}: {sessions}")))
}

#[test]
fn requests_and_other_agents_are_served_while_a_worktree_is_made() {
    let repo = Repo::new();
    let held = tempfile::tempdir().unwrap();
    let bin = held_git(held.path());
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let f = PoolFleet::with_pools_env(
        |log| {
            format!(
                "{}{}",
                stand_in_pool("claude", "claude", log, &[], ""),
                stand_in_pool("wt", "claude", log, &[], &repo.keys(1))
            )
        },
        &[("PATH", &path)],
    );
    let calls = held.path().join("calls");
    let called = wait_until(WAIT, || calls.exists());
    assert!(called, "git never ran: {}", f.d.logs());
    // git waits; the daemon answers and delivers meanwhile.
    let status = f.d.ctl_ok(&["status"]);
    assert!(status.contains("pool wt"), "{status}");
    f.up(1);
    let id = f.d.send(&["-t", "claude-1", "while git waits"]);
    f.wait_status(id, PromptStatus::Completed);
    let wt = f.pools()[1].clone();
    assert_eq!(wt["name"], "wt");
    assert_eq!(wt["agents"][0]["state"], "creating its worktree", "{wt}");
    let waiting = std::fs::read_to_string(&calls).unwrap();
    assert_eq!(waiting.lines().count(), 1, "git was not still waiting");
    std::fs::write(held.path().join("release"), "").unwrap();
    f.wait_pools("wt running", |p| p[1]["state"] == "running");
    f.wait_idle(&["wt-1"]);
    let tree = repo.path().join("trees/wt-1");
    assert_eq!(working_dir(&f, "wt-1"), tree);
    let branch = repo.git(&["-C", tree.to_str().unwrap(), "branch", "--show-current"]);
    assert_eq!(branch.trim(), "wt/wt-1");
}

#[test]
fn worktrees_are_made_once_and_kept_across_a_daemon_restart() {
    let repo = Repo::new();
    let git = |args: &[&str]| repo.git(args);
    let trees = repo.path().join("trees");
    let mut f = PoolFleet::new(&[], &repo.keys(2));
    f.up(2);
    let one = trees.join("claude-1");
    assert!(
        one.join(".git").is_file(),
        "no worktree at {}",
        one.display()
    );
    assert_eq!(
        git(&["-C", one.to_str().unwrap(), "branch", "--show-current"]).trim(),
        "claude/claude-1"
    );
    std::fs::write(one.join("work.txt"), "kept").unwrap();
    let panes: Vec<String> = (1..=2)
        .map(|n| f.agent(n)["pane"].as_str().unwrap().to_owned())
        .collect();
    // The daemon restarts; the agents, on their own server, do not.
    f.d.stop();
    f.d.spawn();
    f.d.wait_ready();
    f.up(2);
    let again: Vec<String> = (1..=2)
        .map(|n| f.agent(n)["pane"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(again, panes, "the running agents were adopted, not doubled");
    // An agent started afresh goes back to its own worktree.
    f.d.ctl_ok(&["pool", "restart", "claude/1"]);
    f.wait_pools("restarted agent 1", |p| {
        p[0]["agents"][0]["pane"]
            .as_str()
            .is_some_and(|p| p != panes[0])
            && p[0]["state"] == "running"
    });
    f.wait_idle(&["claude-1"]);
    assert_eq!(working_dir(&f, "claude-1"), one);
    assert_eq!(
        std::fs::read_to_string(one.join("work.txt")).unwrap(),
        "kept"
    );
    let listed = git(&["worktree", "list"]);
    assert_eq!(listed.lines().count(), 3, "{listed}");
    assert_eq!(
        f.d.logs().matches("worktree created").count(),
        2,
        "made again after the restart"
    );
}
