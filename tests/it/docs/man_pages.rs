//! Keeps `man/assignerd.8` and `man/assignerctl.1` in sync with the clap
//! definitions. Each page is generated with `clap_mangen` (options, and for
//! `assignerctl` every command with its flags) followed by the hand-written
//! sections in `man/<page>.tail` (systemd, tmux server, signals, exit status,
//! files). The test fails when a committed page differs from what the code
//! generates; run `UPDATE_MAN=1 cargo test --test it docs::man_pages` to rewrite them.
//!
//! Lives in `tests/it/docs/man_pages.rs`; needs `clap_mangen` as a dev-dependency.

use std::fmt::Write as _;
use std::path::Path;

use clap::{Arg, Command, CommandFactory};

fn esc(s: &str) -> String {
    let s = s.replace('\\', "\\e").replace('-', "\\-");
    s.lines()
        .map(|l| {
            if l.starts_with('.') || l.starts_with('\'') {
                format!("\\&{l}")
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn arg_label(arg: &Arg) -> String {
    let value = arg
        .get_value_names()
        .map(|v| {
            v.iter()
                .map(|n| format!("\\fI{}\\fR", esc(n)))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|_| arg.get_action().takes_values())
        .unwrap_or_default();
    if arg.is_positional() {
        let name = arg
            .get_value_names()
            .and_then(|v| v.first().map(std::string::ToString::to_string))
            .unwrap_or_else(|| arg.get_id().to_string().to_uppercase());
        return format!("\\fI{}\\fR", esc(&name));
    }
    let mut flags = Vec::new();
    if let Some(s) = arg.get_short() {
        flags.push(format!("\\fB\\-{s}\\fR"));
    }
    if let Some(l) = arg.get_long() {
        flags.push(format!("\\fB\\-\\-{}\\fR", esc(l)));
    }
    let flags = flags.join(", ");
    if value.is_empty() {
        flags
    } else {
        format!("{flags} {value}")
    }
}

/// One `.SS` block per subcommand (recursively), with its arguments.
fn render_commands(out: &mut String, prefix: &str, cmd: &Command) {
    for sub in cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        let name = format!("{prefix} {}", sub.get_name());
        writeln!(out, ".SS \"{}\"", esc(&name)).unwrap();
        if let Some(about) = sub.get_long_about().or(sub.get_about()) {
            writeln!(out, "{}", esc(&about.to_string())).unwrap();
        }
        for arg in sub
            .get_arguments()
            .filter(|a| !a.is_hide_set() && !a.is_global_set())
        {
            if matches!(arg.get_id().as_str(), "help" | "version") {
                continue;
            }
            writeln!(out, ".TP\n{}", arg_label(arg)).unwrap();
            if let Some(help) = arg.get_long_help().or(arg.get_help()) {
                writeln!(out, "{}", esc(&help.to_string())).unwrap();
            }
        }
        render_commands(out, &name, sub);
    }
}

fn render(cmd: &Command, section: &str, tail: &str) -> String {
    let man = clap_mangen::Man::new(cmd.clone())
        .section(section)
        .source(format!("{} {}", cmd.get_name(), env!("CARGO_PKG_VERSION")));
    let mut buf = Vec::new();
    man.render_title(&mut buf).unwrap();
    man.render_name_section(&mut buf).unwrap();
    man.render_synopsis_section(&mut buf).unwrap();
    man.render_description_section(&mut buf).unwrap();
    man.render_options_section(&mut buf).unwrap();
    let mut out = String::from_utf8(buf).unwrap();
    if cmd.has_subcommands() {
        out.push_str(".SH COMMANDS\n");
        render_commands(&mut out, cmd.get_name(), cmd);
    }
    let tail_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("man").join(tail);
    out.push_str(
        &std::fs::read_to_string(&tail_path)
            .unwrap_or_else(|e| panic!("{}: {e}", tail_path.display())),
    );
    out
}

fn check(page: &str, generated: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("man").join(page);
    if std::env::var_os("UPDATE_MAN").is_some() {
        std::fs::write(&path, generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is out of date with the CLI definition; run `UPDATE_MAN=1 cargo test --test it docs::man_pages` and commit the result",
        path.display()
    );
}

#[test]
fn assignerd_8_is_current() {
    let cmd = assigner::daemon::Args::command().name("assignerd");
    check("assignerd.8", &render(&cmd, "8", "assignerd.8.tail"));
}

#[test]
fn assignerctl_1_is_current() {
    let cmd = assigner::cli::Cli::command().name("assignerctl");
    check("assignerctl.1", &render(&cmd, "1", "assignerctl.1.tail"));
}
