//! Codex's completion hook: its `notify` setting, one program Codex runs
//! after each finished turn with a JSON payload as the last argument. The
//! config.toml is edited as text, one line added or removed at its top,
//! so its comments and layout stay; a `notify` someone else set is never
//! replaced, since Codex runs only one.

use std::path::Path;

use toml::{Table, Value};

/// The `notify` argument list: this very program, so the hook does not
/// depend on Codex's PATH, the socket when one was named, and
/// `--payload` to take the JSON Codex appends.
pub fn notify(exe: &str, socket: Option<&Path>) -> Vec<String> {
    let mut argv = vec![exe.to_owned()];
    if let Some(s) = socket {
        argv.extend(["--socket".to_owned(), s.display().to_string()]);
    }
    argv.extend(["complete", "--from-hook", "codex", "--payload"].map(String::from));
    argv
}

/// An assigner `notify`, of any version.
fn is_ours(v: &Value) -> bool {
    let Some(args) = v.as_array() else {
        return false;
    };
    let args: Vec<&str> = args.iter().filter_map(Value::as_str).collect();
    args.contains(&"complete") && args.windows(2).any(|w| w == ["--from-hook", "codex"])
}

fn parse(text: &str) -> Result<Table, String> {
    text.parse::<Table>()
        .map_err(|e| format!("not valid TOML ({})", e.message()))
}

/// Sets `notify` to `argv` unless it is already; the new text, or `None`
/// when nothing changed.
pub fn install(text: &str, argv: &[String]) -> Result<Option<String>, String> {
    let wanted = Value::Array(argv.iter().cloned().map(Value::String).collect());
    let line = format!("notify = {wanted}");
    let new = match parse(text)?.get("notify") {
        None => format!("{line}\n{text}"),
        Some(v) if *v == wanted => return Ok(None),
        Some(v) if is_ours(v) => {
            let at = our_line(text)?;
            replace_line(text, at, Some(&line))
        }
        Some(v) => {
            return Err(format!(
                "notify is already set to {v}, and Codex runs only one notify program; \
                 remove it, or call assignerctl from that program"
            ));
        }
    };
    let check = parse(&new)?;
    if check.get("notify") != Some(&wanted) {
        return Err("adding notify at the top would not set it".into());
    }
    Ok(Some(new))
}

/// Removes an assigner `notify`; the new text, or `None` when there is
/// none.
pub fn uninstall(text: &str) -> Result<Option<String>, String> {
    match parse(text)?.get("notify") {
        Some(v) if is_ours(v) => {
            let new = replace_line(text, our_line(text)?, None);
            if parse(&new)?.contains_key("notify") {
                return Err("notify is set twice".into());
            }
            Ok(Some(new))
        }
        _ => Ok(None),
    }
}

/// The index of the top-level line that sets an assigner `notify` alone.
fn our_line(text: &str) -> Result<usize, String> {
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with('[') {
            break;
        }
        if let Ok(t) = line.parse::<Table>()
            && t.get("notify").is_some_and(is_ours)
        {
            return Ok(i);
        }
    }
    Err("the assigner notify spans several lines; edit it by hand".into())
}

fn replace_line(text: &str, at: usize, with: Option<&str>) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if i != at {
            out.push_str(line);
        } else if let Some(w) = with {
            out.push_str(w);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv() -> Vec<String> {
        notify("/usr/bin/assignerctl", None)
    }

    const CONFIG: &str = "# my settings\nmodel = \"gpt-5\"\n\n[tui]\nnotifications = true\n";

    #[test]
    fn install_adds_one_line_at_the_top_and_is_idempotent() {
        let new = install(CONFIG, &argv()).unwrap().unwrap();
        assert_eq!(
            new,
            format!(
                "notify = [\"/usr/bin/assignerctl\", \"complete\", \"--from-hook\", \"codex\", \"--payload\"]\n{CONFIG}"
            )
        );
        assert_eq!(install(&new, &argv()).unwrap(), None);
        assert_eq!(uninstall(&new).unwrap().as_deref(), Some(CONFIG));
        assert_eq!(uninstall(CONFIG).unwrap(), None);
    }

    #[test]
    fn an_earlier_install_is_replaced_in_place() {
        let old = format!(
            "{}\n{CONFIG}",
            "notify = [\"assignerctl\", \"complete\", \"--from-hook\", \"codex\", \"--payload\"]"
        );
        let new = install(&old, &argv()).unwrap().unwrap();
        assert!(new.starts_with("notify = [\"/usr/bin/assignerctl\""));
        assert!(new.ends_with(CONFIG));
    }

    #[test]
    fn a_foreign_notify_is_kept() {
        let mine = format!("notify = [\"notify-send\", \"codex\"]\n{CONFIG}");
        let e = install(&mine, &argv()).unwrap_err();
        assert!(e.contains("only one notify"), "{e}");
        assert_eq!(uninstall(&mine).unwrap(), None);
        assert!(install("model = [", &argv()).unwrap_err().contains("TOML"));
    }

    #[test]
    fn an_empty_file_gets_the_line() {
        let new = install("", &argv()).unwrap().unwrap();
        assert!(parse(&new).unwrap().get("notify").is_some_and(is_ours));
    }
}
