//! Unit tests of the glance: its format, its comparison with a listing,
//! and the merge of the panes that moved into the last listing.

use super::*;

fn pane(id: &str, session: &str, activity: u64) -> Pane {
    Pane {
        id: id.into(),
        session: session.into(),
        session_panes: 1,
        activity,
        width: 80,
        height: 24,
        ..Pane::default()
    }
}

fn listing() -> Snapshot {
    Snapshot {
        server_pid: 42,
        panes: vec![pane("%1", "a", 1_000), pane("%2", "b", 990)],
    }
}

fn glance(text: &str) -> Glance {
    parse_glance(text).unwrap_or_else(|e| panic!("{e}"))
}

/// Fields: pid, id, dead, status, signal, activity, mode, width, height.
const SAME: &str = "42\x1f%1\x1f0\x1f\x1f\x1f1000\x1f0\x1f80\x1f24\n\
                    42\x1f%2\x1f0\x1f\x1f\x1f990\x1f0\x1f80\x1f24\n";

#[test]
fn format_lists_every_field_once() {
    assert_eq!(glance_format().matches("#{").count(), FIELDS.len());
}

#[test]
fn an_unchanged_server_is_the_same() {
    assert_eq!(glance(SAME).since(&listing(), 1_001), Since::Same);
}

#[test]
fn output_in_the_listing_s_own_second_counts_as_output() {
    assert_eq!(glance(SAME).since(&listing(), 1_000), Since::Output);
    let none = SAME.replacen("\x1f1000\x1f", "\x1f\x1f", 1);
    assert_eq!(glance(&none).since(&listing(), 1_001), Since::Output);
}

#[test]
fn each_moving_field_counts_as_a_change() {
    let structure = [
        SAME.replacen("%1\x1f0", "%1\x1f1", 1),
        SAME.replacen("%1\x1f0\x1f\x1f", "%1\x1f0\x1f9\x1f", 1),
        SAME.replacen("%1\x1f0\x1f\x1f\x1f", "%1\x1f0\x1f\x1f9\x1f", 1),
        SAME.replacen("1000\x1f0", "1000\x1f1", 1),
        SAME.replacen("80\x1f24", "81\x1f24", 1),
        SAME.replacen("80\x1f24", "80\x1f25", 1),
        SAME.replacen("%2", "%3", 1),
        SAME.replace("42\x1f", "43\x1f"),
        SAME.lines().next().unwrap_or_default().to_owned(),
    ];
    for text in structure {
        assert_eq!(
            glance(&text).since(&listing(), 1_001),
            Since::Structure,
            "{text:?}"
        );
    }
    let output = SAME.replacen("\x1f1000\x1f", "\x1f1001\x1f", 1);
    assert_eq!(glance(&output).since(&listing(), 1_001), Since::Output);
}

#[test]
fn a_merge_takes_the_fresh_panes_and_keeps_the_rest() {
    let g = glance(&SAME.replacen("\x1f1000\x1f", "\x1f1002\x1f", 1));
    let mut moved = pane("%1", "a", 1_002);
    moved.command = "claude".into();
    let fresh = Snapshot {
        server_pid: 42,
        panes: vec![moved.clone()],
    };
    let merged = g.merge(&listing(), fresh, 1_001);
    let expected = Snapshot {
        server_pid: 42,
        panes: vec![moved, pane("%2", "b", 990)],
    };
    assert_eq!(merged, Some(expected));
}

#[test]
fn a_merge_that_does_not_fit_asks_for_a_full_listing() {
    let g = glance(&SAME.replacen("\x1f1000\x1f", "\x1f1002\x1f", 1));
    // The pane that moved is missing from the fresh listing.
    assert_eq!(g.merge(&listing(), Snapshot::default(), 1_001), None);
    // The fresh listing holds a pane the glance did not see.
    let fresh = Snapshot {
        server_pid: 42,
        panes: vec![pane("%1", "a", 1_002), pane("%9", "c", 1_002)],
    };
    assert_eq!(g.merge(&listing(), fresh, 1_001), None);
}

#[test]
fn a_short_line_is_an_error() {
    let e = parse_glance("42\x1f%1\x1f0\n").err().unwrap_or_default();
    assert!(e.contains("expected 9"), "{e}");
}

#[test]
fn an_empty_server_is_the_same_as_an_empty_listing() {
    assert_eq!(glance("").since(&Snapshot::default(), 1), Since::Same);
}
