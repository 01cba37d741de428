//! Clients of other users: tests that run `assignerctl` as another uid
//! need root, and a group for that uid to be allowed through.

/// The group with gid 65534 (`nogroup`), whose name a test puts in
/// `allowed_group` before running clients with that gid, or `None` (with a
/// note) where this process is not root or there is no such group. CI runs
/// as root.
pub fn other_users_group() -> Option<String> {
    if !nix::unistd::Uid::effective().is_root() {
        eprintln!("NOTE: needs root to run a client as another uid; checked in CI");
        return None;
    }
    let group = nix::unistd::Group::from_gid(65534.into()).ok().flatten();
    if group.is_none() {
        eprintln!("NOTE: no group with gid 65534 here");
    }
    group.map(|g| g.name)
}

/// Connection slots beyond `max_connections` that this test process may
/// use: the reserved ones are root's (and `complete`'s), and CI runs as root.
pub fn reserved_slots_for_me() -> usize {
    if nix::unistd::Uid::effective().is_root() {
        assigner::daemon::RESERVED_SLOTS
    } else {
        0
    }
}
