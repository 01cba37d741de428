//! `assignerctl hooks install|uninstall claude`: the Stop and StopFailure
//! hooks in Claude Code's settings.json that run `complete --from-hook`
//! (README, Agent hooks). The file is merged, never rewritten from
//! scratch: other keys and other hooks stay as they are, in their order.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::args::{HookAgent, HooksAction, HooksArgs};
use super::hooks_merge::{install, uninstall};
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
    let mut settings = match load(&path) {
        Ok(v) => v,
        Err((code, e)) => {
            eprintln!("assignerctl: {e}");
            return code;
        }
    };
    let changed = if installing {
        let exe = std::env::current_exe()
            .map_or_else(|_| "assignerctl".to_owned(), |p| p.display().to_string());
        install(&mut settings, &command(&exe, socket))
    } else {
        uninstall(&mut settings)
    };
    let changed = match changed {
        Ok(c) => c,
        Err(e) => {
            eprintln!("assignerctl: {}: {e}", path.display());
            return exit::DATAERR;
        }
    };
    if changed && let Err(e) = save(&path, &settings) {
        eprintln!("assignerctl: cannot write {}: {e}", path.display());
        return exit::CANTCREAT;
    }
    let what = match (installing, changed) {
        (true, true) => "installed the Stop and StopFailure hooks in",
        (true, false) => "the hooks are already installed in",
        (false, true) => "removed the assigner hooks from",
        (false, false) => "no assigner hook to remove in",
    };
    println!("{what} {}", path.display());
    exit::OK
}

/// `--settings`, `--project DIR`, or the user's settings.
fn settings_path(args: &HooksArgs) -> Result<PathBuf, String> {
    let HookAgent::Claude = args.agent;
    if let Some(p) = &args.settings {
        return Ok(p.clone());
    }
    if let Some(dir) = &args.project {
        return Ok(dir.join(".claude").join("settings.json"));
    }
    if let Some(dir) = std::env::var_os("CLAUDE_CONFIG_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir).join("settings.json"));
    }
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|h| PathBuf::from(h).join(".claude").join("settings.json"))
        .ok_or_else(|| "HOME is not set: name the file with --settings".into())
}

/// The hook's command line: this very program, so the hook does not depend
/// on the agent's PATH, and the socket when one was named.
pub fn command(exe: &str, socket: Option<&Path>) -> String {
    let mut cmd = format!(
        "{} complete --pane \"$TMUX_PANE\" --from-hook claude",
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

/// The settings as they are; a missing or empty file is `{}`.
fn load(path: &Path) -> Result<Value, (i32, String)> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err((
                exit::NOINPUT,
                format!("cannot read {}: {e}", path.display()),
            ));
        }
    };
    if text.trim().is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    serde_json::from_str(&text).map_err(|e| {
        (
            exit::DATAERR,
            format!(
                "{} is not valid JSON ({e}); it was left as it is",
                path.display()
            ),
        )
    })
}

/// Writes through a file beside it and a rename, keeping its permissions,
/// so the agent never reads a half-written file.
fn save(path: &Path, settings: &Value) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut text = serde_json::to_string_pretty(settings).map_err(std::io::Error::other)?;
    text.push('\n');
    let tmp = path.with_extension("json.assigner-tmp");
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
            Some(Path::new("/run/a'b.sock")),
        );
        assert!(c.starts_with("'/opt/my tools/assignerctl' complete --pane \"$TMUX_PANE\""));
        assert!(c.contains(r"--socket '/run/a'\''b.sock'"), "{c}");
        assert!(is_ours(&json!({"command": c})));
    }
}
