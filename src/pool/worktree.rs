//! `worktree = true`: each agent works in its own git worktree and branch,
//! `WORKTREE_DIR/SESSION` on branch `POOL/SESSION`, made from `workdir`'s
//! repository on the agent's first start and used as it is afterwards
//! (after a restart of the agent or of the daemon), so its work is kept.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::process::Command;

/// Longest a git call may take.
const GIT_TIMEOUT: Duration = Duration::from_secs(30);

/// The agent's worktree, made when missing.
pub async fn ensure(
    repo: &Path,
    under: &Path,
    pool: &str,
    session: &str,
) -> Result<PathBuf, String> {
    let path = under.join(session);
    if path.join(".git").exists() {
        return Ok(path);
    }
    std::fs::create_dir_all(under)
        .map_err(|e| format!("cannot create {}: {e}", under.display()))?;
    let branch = format!("{pool}/{session}");
    // A worktree whose directory was deleted is still registered, and git
    // refuses to add it again until it is pruned.
    git(repo, &["worktree", "prune"]).await?;
    let exists = git(
        repo,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("refs/heads/{branch}"),
        ],
    )
    .await
    .is_ok();
    let target = path
        .to_str()
        .ok_or_else(|| format!("{} is not UTF-8", path.display()))?;
    if exists {
        git(repo, &["worktree", "add", target, &branch]).await?;
    } else {
        git(repo, &["worktree", "add", "-b", &branch, target]).await?;
    }
    tracing::info!(pool, session, worktree = %path.display(), branch = %branch, "worktree created");
    Ok(path)
}

async fn git(repo: &Path, args: &[&str]) -> Result<String, String> {
    let run = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(GIT_TIMEOUT, run)
        .await
        .map_err(|_| format!("git {} in {} took too long", args.join(" "), repo.display()))?
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    Err(format!(
        "git {} in {}: {}",
        args.join(" "),
        repo.display(),
        String::from_utf8_lossy(&out.stderr).trim()
    ))
}
