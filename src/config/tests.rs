//! The config's defaults, its errors and the packaged file.

use std::path::Path;

use super::*;

#[test]
fn settle_is_the_configs_then_the_profiles_then_the_default() {
    let unset = Config::parse("", Path::new("x.toml")).unwrap().delivery;
    assert_eq!(unset.settle_for(Some(100)), 100);
    assert_eq!(unset.settle_for(None), DEFAULT_SETTLE_MS);
    let set = Config::parse("[delivery]\nsettle_ms = 300\n", Path::new("x.toml")).unwrap();
    assert_eq!(set.delivery.settle_for(Some(100)), 300);
    assert_eq!(set.delivery.settle_for(None), 300);
}

#[test]
fn empty_file_gives_defaults() {
    let cfg = Config::parse("", Path::new("x.toml")).unwrap();
    assert_eq!(cfg, Config::default());
}

#[test]
fn unknown_key_names_key_and_line() {
    let err = Config::parse(
        "log_level = \"debug\"\nscan_intervall_ms = 5\n",
        Path::new("a.toml"),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("scan_intervall_ms"), "{err}");
    assert!(err.contains("line 2"), "{err}");
    assert!(err.contains("a.toml"), "{err}");
}

#[test]
fn nested_unknown_key_and_bad_values() {
    let err = Config::parse("[delivery]\nsettle = 3\n", Path::new("a.toml"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("settle") && err.contains("line 2"), "{err}");
    let err = Config::parse("max_connections = 0\n", Path::new("a.toml"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("max_connections"), "{err}");
    for key in ["max_connections_per_uid", "line_timeout_secs"] {
        let err = Config::parse(&format!("{key} = 0\n"), Path::new("a.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains(key) && err.contains("at least 1"), "{err}");
    }
    let err = Config::parse("max_connections = \"many\"\n", Path::new("a.toml"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 1"), "{err}");
}

#[test]
fn load_refuses_an_unknown_group_and_a_bad_level() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.toml");
    std::fs::write(&path, "allowed_group = \"no-such-group-xyz\"\n").unwrap();
    let err = Config::load(&path).unwrap_err().to_string();
    assert!(
        err.contains("allowed_group") && err.contains("no-such-group-xyz"),
        "{err}"
    );
    let root = nix::unistd::Group::from_gid(0.into())
        .unwrap()
        .unwrap()
        .name;
    std::fs::write(&path, format!("allowed_group = \"{root}\"\n")).unwrap();
    Config::load(&path).unwrap();
    let err = Config::parse("log_level = \"verbose\"\n", &path)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("log_level") && err.contains("verbose"),
        "{err}"
    );
}

#[test]
fn packaged_config_parses() {
    let text = include_str!("../../packaging/assigner.toml");
    Config::parse(text, Path::new("packaging/assigner.toml")).unwrap();
}
