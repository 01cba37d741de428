//! `allowed_group` on a socket the daemon binds itself: the socket is given
//! to that group, mode 0660, at start and on every reload, so a member who
//! is neither root nor the daemon's user can reach it at all. Needs root,
//! to run a client as another uid and to give the socket to a group the
//! daemon's user is not in; CI runs as root.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::process::{Command, Output};

use common::{TEST_CONFIG, TestDaemon};

/// `assignerctl status` as uid and gid 65534 (nobody, nogroup).
fn status_as_member(d: &TestDaemon) -> Output {
    Command::new(env!("CARGO_BIN_EXE_assignerctl"))
        .args(["--socket", d.socket.to_str().unwrap(), "status"])
        .uid(65534)
        .gid(65534)
        .output()
        .unwrap()
}

fn owner_and_mode(d: &TestDaemon) -> (u32, u32) {
    let meta = std::fs::metadata(&d.socket).unwrap();
    (meta.gid(), meta.permissions().mode() & 0o777)
}

#[test]
fn a_member_of_allowed_group_can_connect_from_start_and_after_reloads() {
    let Some(group) = common::other_users_group() else {
        return;
    };
    let with_group = format!("allowed_group = {group:?}\n{TEST_CONFIG}");
    let d = TestDaemon::start_with(&with_group, &[]);
    // The test's own directory is private; the socket's mode is what counts.
    std::fs::set_permissions(d.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(owner_and_mode(&d), (65534, 0o660));
    let out = status_as_member(&d);
    assert!(
        out.status.success(),
        "a member of allowed_group was refused: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Without the key, the socket is the daemon's alone again.
    std::fs::write(&d.config, TEST_CONFIG).unwrap();
    assert!(d.ctl(&["reload"]).status.success());
    assert_eq!(owner_and_mode(&d).1, 0o600);
    let out = status_as_member(&d);
    assert_eq!(out.status.code(), Some(69), "{out:?}");

    // And a reload that sets it opens the socket to the group once more.
    std::fs::write(&d.config, &with_group).unwrap();
    assert!(d.ctl(&["reload"]).status.success());
    assert_eq!(owner_and_mode(&d), (65534, 0o660));
    assert!(status_as_member(&d).status.success());
}
