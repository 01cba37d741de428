//! One allowed user cannot lock everyone out of the control socket:
//! half-sent requests are dropped after `line_timeout_secs`, each uid but
//! root has at most `max_connections_per_uid` connections, and slots
//! beyond `max_connections` are kept for root and for `complete`.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::process::{Command, Output, Stdio};

use crate::common::{ChildGuard, TEST_CONFIG, TestDaemon, WAIT, wait_for, wait_until};

#[test]
fn half_sent_requests_are_dropped_after_the_line_timeout() {
    let config = format!("max_connections = 4\nline_timeout_secs = 1\n{TEST_CONFIG}");
    let d = TestDaemon::builder().config(&config).start();
    // One client sends a whole request, then begins another and stops.
    let mut begun = d.raw();
    assert_eq!(begun.call(r#"{"type":"status"}"#)["ok"], true);
    begun.write(br#"{"type":"sta"#);
    // Nearly every other slot (as root, the reserved ones too; one is left
    // for the harness's readiness probe, which may still hold it) is taken
    // by a client that never finishes its first line.
    let mut stalled: Vec<_> = (2..4 + crate::common::reserved_slots_for_me())
        .map(|_| {
            let mut c = d.raw();
            c.write(br#"{"type":"send","prompt":{"text":"never fini"#);
            c
        })
        .collect();
    for c in &mut stalled {
        assert!(c.closed(), "a half-sent first line kept its slot");
    }
    assert!(
        begun.closed(),
        "a begun line kept its slot for the idle timeout"
    );
    // The slots are free again, and nothing half-sent was stored.
    let status = wait_for(WAIT, "a free slot", || {
        d.raw().try_call(r#"{"type":"status"}"#)
    });
    assert_eq!(status["status"]["prompts"]["pending"], 0, "{status}");
}

/// `assignerctl ARGS` as `uid`, in the allowed group (gid 65534).
fn ctl_as(d: &TestDaemon, uid: u32, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_assignerctl"));
    cmd.arg("--socket")
        .arg(&d.socket)
        .args(args)
        .uid(uid)
        .gid(65534)
        .stdin(Stdio::null());
    cmd
}

fn output_as(d: &TestDaemon, uid: u32, args: &[&str]) -> (Option<i32>, String) {
    let out: Output = ctl_as(d, uid, args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn one_user_is_capped_and_root_and_hooks_still_get_in() {
    let Some(group) = crate::common::other_users_group() else {
        return;
    };
    let config = format!(
        "allowed_group = {group:?}\nmax_connections = 3\nmax_connections_per_uid = 2\n{TEST_CONFIG}"
    );
    let d = TestDaemon::builder().config(&config).start();
    std::fs::set_permissions(d.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    // One user holds as many connections as it may, each watching.
    let _watchers: Vec<_> = (0..2)
        .map(|i| {
            let out = d.dir.path().join(format!("watch-{i}.out"));
            let child = ctl_as(&d, 65534, &["--json", "watch"])
                .stdout(std::fs::File::create(&out).unwrap())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let guard = ChildGuard(child);
            let watching = wait_until(WAIT, || {
                std::fs::read_to_string(&out).is_ok_and(|s| s.contains("watching"))
            });
            assert!(watching, "watch {i} of the user was not served");
            guard
        })
        .collect();
    let (code, err) = output_as(&d, 65534, &["status"]);
    assert_eq!(
        code,
        Some(69),
        "a third connection of the same uid was served"
    );
    assert!(err.contains("max_connections_per_uid"), "{err}");
    // Another user takes the last ordinary slot.
    let mut last = d.raw();
    assert_eq!(last.call(r#"{"type":"status"}"#)["ok"], true);
    // Root still gets in, and so does an agent hook of another user, to
    // report `complete` (nothing runs in that pane: not found, 66), but
    // that user gets nothing else.
    assert!(d.ctl(&["status"]).status.success());
    let (code, err) = output_as(&d, 65533, &["complete", "--pane", "%99"]);
    assert_eq!(code, Some(66), "{err}");
    let (code, err) = output_as(&d, 65533, &["status"]);
    assert_eq!(code, Some(69), "{err}");
    assert!(err.contains("only root and `complete`"), "{err}");
    // The user at its cap is refused even that.
    let (code, err) = output_as(&d, 65534, &["complete", "--pane", "%99"]);
    assert_eq!(code, Some(69), "{err}");
    assert!(err.contains("max_connections_per_uid"), "{err}");
    assert_eq!(last.call(r#"{"type":"status"}"#)["ok"], true);
}
