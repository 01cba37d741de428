//! `assignerctl hooks install|uninstall claude|codex|gemini`: the hooks
//! that run `complete --from-hook` (README, Agent hooks): Claude Code's
//! Stop and StopFailure hooks in its settings.json, Codex's `notify`
//! program in its config.toml, Gemini CLI's AfterAgent hook in its
//! settings.json. The file is merged, never rewritten from scratch: other
//! keys and other hooks stay as they are, in their order.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::args::{HookAgent, HooksAction, HooksArgs};
use super::hooks_merge::{CLAUDE_EVENTS, GEMINI_EVENTS};
use super::{hooks_codex, hooks_merge};
use crate::error::exit;

/// Runs `hooks install` or `hooks uninstall`; returns the exit status.
pub fn run(action: &HooksAction, socket: Option<&Path>) -> i32 {
    let (args, installing) = match action {
        HooksAction::Install(a) => (a, true),
        HooksAction::Uninstall(a) => (a, false),
    };
    let path = match settings_path(args) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("assignerctl: {e}");
            return exit::USAGE;
        }
    };
    let text = match load(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("assignerctl: cannot read {}: {e}", path.display());
            return exit::NOINPUT;
        }
    };
    let exe = std::env::current_exe()
        .map_or_else(|_| "assignerctl".to_owned(), |p| p.display().to_string());
    let edited = match (args.agent, installing) {
        (HookAgent::Claude, true) => json(&text, |v| {
            hooks_merge::install(v, CLAUDE_EVENTS, &command(&exe, "claude", socket))
        }),
        (HookAgent::Claude, false) => json(&text, |v| hooks_merge::uninstall(v, CLAUDE_EVENTS)),
        (HookAgent::Gemini, true) => json(&text, |v| {
            hooks_merge::install(v, GEMINI_EVENTS, &command(&exe, "gemini", socket))
        }),
        (HookAgent::Gemini, false) => json(&text, |v| hooks_merge::uninstall(v, GEMINI_EVENTS)),
        (HookAgent::Codex, true) => hooks_codex::install(&text, &hooks_codex::notify(&exe, socket)),
        (HookAgent::Codex, false) => hooks_codex::uninstall(&text),
    };
    let edited = match edited {
        Ok(e) => e,
        Err(e) => {
            eprintln!("assignerctl: {}: {e}; it was left as it is", path.display());
            return exit::DATAERR;
        }
    };
    if let Some(new) = &edited
        && let Err(e) = save(&path, new)
    {
        eprintln!("assignerctl: cannot write {}: {e}", path.display());
        return exit::CANTCREAT;
    }
    let what = match (installing, edited.is_some()) {
        (true, true) => "installed the completion hooks in",
        (true, false) => "the hooks are already installed in",
        (false, true) => "removed the assigner hooks from",
        (false, false) => "no assigner hook to remove in",
    };
    println!("{what} {}", path.display());
    exit::OK
}

/// Applies `change` to Claude Code's or Gemini CLI's settings (a missing
/// or empty file is `{}`); the new text when it changed anything.
fn json(
    text: &str,
    change: impl FnOnce(&mut Value) -> Result<bool, String>,
) -> Result<Option<String>, String> {
    let mut settings = if text.trim().is_empty() {
        Value::Object(Map::new())
    } else {
        serde_json::from_str(text).map_err(|e| format!("not valid JSON ({e})"))?
    };
    if !change(&mut settings)? {
        return Ok(None);
    }
    let mut out = serde_json::to_string_pretty(&settings).map_err(|e| e.to_string())?;
    out.push('\n');
    Ok(Some(out))
}

/// `--settings`, `--project DIR`, or the user's settings.
fn settings_path(args: &HooksArgs) -> Result<PathBuf, String> {
    if let Some(p) = &args.settings {
        return Ok(p.clone());
    }
    let (var, dir, file) = match args.agent {
        HookAgent::Claude => ("CLAUDE_CONFIG_DIR", ".claude", "settings.json"),
        HookAgent::Codex => ("CODEX_HOME", ".codex", "config.toml"),
        // GEMINI_CLI_HOME stands for HOME: `.gemini` is made inside it.
        HookAgent::Gemini => ("GEMINI_CLI_HOME", ".gemini", "settings.json"),
    };
    if let Some(project) = &args.project {
        if args.agent == HookAgent::Codex {
            return Err("codex reads notify from its own config only: use --settings".into());
        }
        return Ok(project.join(dir).join(file));
    }
    if let Some(d) = std::env::var_os(var).filter(|d| !d.is_empty()) {
        let d = PathBuf::from(d);
        return Ok(match args.agent {
            HookAgent::Gemini => d.join(dir).join(file),
            _ => d.join(file),
        });
    }
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|h| PathBuf::from(h).join(dir).join(file))
        .ok_or_else(|| "HOME is not set: name the file with --settings".into())
}

/// The hook command line of `agent` (`claude`, `gemini`): this very
/// program, so the hook does not depend on the agent's PATH, and the
/// socket when one was named. It prints nothing: Gemini CLI reads a hook's
/// standard output as JSON.
pub fn command(exe: &str, agent: &str, socket: Option<&Path>) -> String {
    let mut cmd = format!(
        "{} complete --pane \"$TMUX_PANE\" --from-hook {agent}",
        quote(exe)
    );
    if let Some(s) = socket {
        cmd.push_str(&format!(" --socket {}", quote(&s.display().to_string())));
    }
    cmd.push_str(" >/dev/null 2>&1 || true");
    cmd
}

fn quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._+-".contains(c))
    {
        return s.to_owned();
    }
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The file's text; a missing file reads as empty.
fn load(path: &Path) -> std::io::Result<String> {
    match std::fs::read_to_string(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        other => other,
    }
}

/// Writes through a file beside it and a rename, keeping its permissions,
/// so the agent never reads a half-written file.
fn save(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".assigner-tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, text)?;
    if let Ok(meta) = std::fs::metadata(path) {
        std::fs::set_permissions(&tmp, meta.permissions())?;
    }
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::super::hooks_merge::is_ours;
    use super::*;
    use serde_json::json;

    #[test]
    fn the_command_quotes_what_needs_it() {
        let c = command(
            "/opt/my tools/assignerctl",
            "claude",
            Some(Path::new("/run/a'b.sock")),
        );
        assert!(c.starts_with("'/opt/my tools/assignerctl' complete --pane \"$TMUX_PANE\""));
        assert!(c.contains(r"--socket '/run/a'\''b.sock'"), "{c}");
        assert!(is_ours(&json!({"command": c})));
    }
}
