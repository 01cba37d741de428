//! Every crate in Cargo.lock is under a license `licenses.toml` accepts.
//!
//! Read from `cargo metadata --locked --offline`, so CI needs neither the
//! network nor another tool. Offline, cargo reads the manifests of the crates
//! built for this host only: a crate that only another platform uses (the
//! Windows bindings) has not been downloaded, so it is not checked here.
//! Advisories are not checked: that needs the RustSec database, which is not
//! kept offline (ARCHITECTURE.md, "Lints and checks").

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Whether `expr` (SPDX, plus cargo's old `A/B` for `A OR B`) can be met
/// with the ids `accepted` says yes to.
fn satisfied(expr: &str, accepted: &dyn Fn(&str) -> bool) -> Result<bool, String> {
    let spaced = expr
        .replace('/', " OR ")
        .replace('(', " ( ")
        .replace(')', " ) ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    let mut at = 0;
    let ok = any_of(&tokens, &mut at, accepted)?;
    match tokens.get(at) {
        None => Ok(ok),
        Some(t) => Err(format!("unexpected `{t}` in `{expr}`")),
    }
}

/// `A OR B OR …`: the loosest binding, so the outer level.
fn any_of(t: &[&str], at: &mut usize, ok: &dyn Fn(&str) -> bool) -> Result<bool, String> {
    let mut met = all_of(t, at, ok)?;
    while t.get(*at) == Some(&"OR") {
        *at += 1;
        met |= all_of(t, at, ok)?;
    }
    Ok(met)
}

/// `A AND B AND …`.
fn all_of(t: &[&str], at: &mut usize, ok: &dyn Fn(&str) -> bool) -> Result<bool, String> {
    let mut met = one(t, at, ok)?;
    while t.get(*at) == Some(&"AND") {
        *at += 1;
        met &= one(t, at, ok)?;
    }
    Ok(met)
}

/// A license id, `id WITH exception` or a parenthesised expression. An
/// exception only grants more, so the license before `WITH` decides.
fn one(t: &[&str], at: &mut usize, ok: &dyn Fn(&str) -> bool) -> Result<bool, String> {
    let token = *t.get(*at).ok_or("expression ends early")?;
    *at += 1;
    let met = match token {
        "(" => {
            let met = any_of(t, at, ok)?;
            if t.get(*at) != Some(&")") {
                return Err("`(` without `)`".into());
            }
            *at += 1;
            met
        }
        "AND" | "OR" | "WITH" | ")" => return Err(format!("`{token}` where a license belongs")),
        id => ok(id),
    };
    if t.get(*at) == Some(&"WITH") {
        t.get(*at + 1).ok_or("`WITH` without an exception")?;
        *at += 2;
    }
    Ok(met)
}

fn accepted_ids() -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("licenses.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let table: toml::Table = toml::from_str(&text).unwrap();
    let accept = table["accept"]
        .as_table()
        .expect("licenses.toml has [accept]");
    accept
        .iter()
        .map(|(id, why)| (id.clone(), why.as_str().unwrap_or_default().to_owned()))
        .collect()
}

/// The platform cargo builds for here: offline, its crates are the ones
/// whose manifests cargo has.
fn host_triple() -> String {
    let out = Command::new("rustc").arg("-vV").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("rustc -vV names the host")
        .to_owned()
}

#[test]
fn every_locked_crate_is_under_an_accepted_license() {
    let accepted = accepted_ids();
    for (id, why) in &accepted {
        assert!(
            !why.trim().is_empty(),
            "licenses.toml: `{id}` needs a reason"
        );
    }
    let host = host_triple();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["metadata", "--locked", "--offline", "--format-version", "1"])
        .args(["--filter-platform", &host])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let packages = meta["packages"].as_array().unwrap();
    let ok = |id: &str| accepted.contains_key(id);
    let refused: Vec<String> = packages
        .iter()
        .filter_map(|p| {
            let crate_ = format!("{} {}", p["name"], p["version"]).replace('"', "");
            match p["license"].as_str() {
                None => Some(format!("{crate_}: no SPDX license expression")),
                Some(expr) => match satisfied(expr, &ok) {
                    Ok(true) => None,
                    Ok(false) => Some(format!("{crate_}: {expr}")),
                    Err(why) => Some(format!("{crate_}: {why}")),
                },
            }
        })
        .collect();
    assert!(packages.len() > 1, "cargo metadata listed no dependencies");
    assert!(
        refused.is_empty(),
        "crates under a license licenses.toml does not accept:\n{}",
        refused.join("\n")
    );
}

#[test]
fn an_expression_is_met_by_any_alternative_and_all_conjuncts() {
    let ok = |id: &str| ["MIT", "Apache-2.0"].contains(&id);
    let met = |e: &str| satisfied(e, &ok).unwrap();
    assert!(met("MIT"));
    assert!(met("MIT OR GPL-3.0"));
    assert!(met("MIT/Apache-2.0"));
    assert!(met("Apache-2.0 WITH LLVM-exception OR GPL-3.0"));
    assert!(met("(MIT OR GPL-3.0) AND Apache-2.0"));
    assert!(!met("GPL-3.0"));
    assert!(!met("(MIT OR Apache-2.0) AND Unicode-3.0"));
    assert!(
        !met("MIT AND GPL-3.0 OR LGPL-2.1"),
        "AND binds tighter than OR"
    );
    assert!(satisfied("(MIT", &ok).is_err());
    assert!(satisfied("MIT OR", &ok).is_err());
    assert!(satisfied("MIT GPL-3.0", &ok).is_err());
}
