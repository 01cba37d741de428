//! The `list-panes` format and its parser against listings tmux prints:
//! every field, a pane found alone by its id, and lines that must be refused.

use super::*;

fn line(fields: [&str; 18]) -> String {
    fields.join("\x1f")
}

#[test]
fn format_lists_every_field() {
    let f = list_format();
    assert!(f.starts_with("#{pid}\x1f#{pane_id}"));
    assert!(f.ends_with("#{pane_current_path}"));
    assert_eq!(f.matches('\x1f').count(), 17);
}

#[test]
fn one_pane_is_found_by_its_id_and_a_blank_line_is_none() {
    let mut fields = ["77", "%3", "s", "0", "0", "100", "0", "5", "2", "1"].to_vec();
    fields.extend(["24", "80", "1", "claude", "", "", "", "/a"]);
    let one: [&str; 18] = fields.try_into().unwrap();
    let p = parse_one(&line(one), "%3").unwrap().unwrap();
    assert!(p.in_mode);
    assert_eq!(p.history_mark(), 3);
    assert_eq!(parse_one(&line(one), "%4").unwrap(), None);
    let blank = line([
        "77", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
    ]);
    assert_eq!(parse_one(&blank, "%3").unwrap(), None);
    assert_eq!(parse_one("", "%3").unwrap(), None);
}

#[test]
fn parses_panes_and_counts_per_session() {
    let out = [
        line([
            "77",
            "%0",
            "claude-1",
            "0",
            "0",
            "100",
            "0",
            "1700000000",
            "12",
            "5",
            "40",
            "120",
            "1",
            "claude",
            "✳ Claude",
            "",
            "",
            "/src/app",
        ]),
        line([
            "77",
            "%1",
            "my sess_x",
            "1",
            "0",
            "101",
            "0",
            "",
            "0",
            "0",
            "24",
            "80",
            "0",
            "bash",
            "",
            "",
            "",
            "/tmp/a b",
        ]),
        line([
            "77",
            "%2",
            "my sess_x",
            "1",
            "1",
            "102",
            "1",
            "5",
            "0",
            "0",
            "24",
            "80",
            "0",
            "bash",
            "t",
            "3",
            "",
            "/weird\x1fpath",
        ]),
    ]
    .join("\n")
        + "\n";
    let snap = parse_snapshot(&out).unwrap();
    assert_eq!(snap.server_pid, 77);
    assert_eq!(snap.panes.len(), 3);
    let p = &snap.panes[0];
    assert_eq!(
        (p.id.as_str(), p.session.as_str(), p.pid, p.dead),
        ("%0", "claude-1", 100, false)
    );
    assert_eq!(
        (p.history_size, p.cursor_y, p.height, p.width),
        (12, 5, 40, 120)
    );
    assert_eq!(
        (p.command.as_str(), p.title.as_str(), p.path.as_str()),
        ("claude", "✳ Claude", "/src/app")
    );
    assert_eq!(p.activity, 1_700_000_000);
    assert!(p.in_mode);
    assert!(!snap.panes[1].in_mode);
    assert_eq!(p.display_name(), "claude-1");
    assert_eq!(p.history_mark(), 17);
    assert_eq!(snap.panes[1].activity, 0);
    assert_eq!(snap.panes[1].display_name(), "my sess_x:1.0");
    assert!(snap.panes[2].dead);
    assert_eq!(snap.panes[2].dead_status, Some(3));
    assert_eq!(p.dead_status, None);
    assert_eq!(snap.panes[2].path, "/weird\x1fpath");
    assert_eq!(snap.pane("%2").unwrap().index, 1);
}

#[test]
fn rejects_malformed_lines() {
    assert!(parse_snapshot("%0\x1fonly").is_err());
    let bad = line([
        "x", "%0", "s", "0", "0", "1", "0", "0", "0", "0", "1", "1", "0", "c", "", "", "", "/",
    ]);
    assert!(parse_snapshot(&bad).unwrap_err().contains("pid"));
    assert_eq!(parse_snapshot("").unwrap(), Snapshot::default());
}

#[test]
fn exact_target_has_colon() {
    assert_eq!(exact_session_target("dev"), "=dev:");
}
