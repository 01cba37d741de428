//! Who may talk to the daemon: checked on every connection with the peer's
//! kernel-supplied credentials (SO_PEERCRED), not with anything the client
//! says about itself.

use nix::unistd::{Gid, Uid, User, getgrouplist};

/// The access policy.
#[derive(Debug, Clone)]
pub struct AccessPolicy {
    own_uid: u32,
    group: Option<(String, u32)>,
}

impl AccessPolicy {
    /// Allows root, the daemon's own user and, when given, members of
    /// `group`. An unknown group name is an error, so a typo in the config
    /// cannot silently lock everyone out.
    pub fn new(group: Option<&str>) -> Result<Self, String> {
        let group = match group {
            None => None,
            Some(name) => Some((name.to_owned(), crate::config::group_id(name)?)),
        };
        Ok(Self {
            own_uid: Uid::effective().as_raw(),
            group,
        })
    }

    /// The gid of the allowed group, which the socket is given to.
    pub fn group(&self) -> Option<u32> {
        self.group.as_ref().map(|(_, gid)| *gid)
    }

    /// Whether a peer with these credentials may connect; `Err` carries the
    /// reason sent back with the `forbidden` error.
    pub fn check(&self, uid: u32, gid: u32) -> Result<(), String> {
        if uid == 0 || uid == self.own_uid {
            return Ok(());
        }
        if let Some((name, allowed)) = &self.group {
            if gid == *allowed || user_in_group(uid, gid, *allowed) {
                return Ok(());
            }
            return Err(format!(
                "uid {uid} is not root, not the daemon's user and not in group '{name}'"
            ));
        }
        Err(format!(
            "uid {uid} is neither root nor the daemon's user (uid {})",
            self.own_uid
        ))
    }
}

/// Supplementary group membership, read fresh so that `usermod -aG`
/// takes effect without restarting the daemon.
fn user_in_group(uid: u32, gid: u32, group: u32) -> bool {
    let Ok(Some(user)) = User::from_uid(Uid::from_raw(uid)) else {
        return false;
    };
    let Ok(name) = std::ffi::CString::new(user.name) else {
        return false;
    };
    getgrouplist(&name, Gid::from_raw(gid))
        .map(|groups| groups.iter().any(|g| g.as_raw() == group))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use nix::unistd::Group;

    #[test]
    fn own_user_and_root_only_by_default() {
        let p = AccessPolicy::new(None).unwrap();
        let me = Uid::effective().as_raw();
        assert!(p.check(me, 12345).is_ok());
        assert!(p.check(0, 0).is_ok());
        let stranger = if me == 4242 { 4243 } else { 4242 };
        assert!(p.check(stranger, 4242).unwrap_err().contains("uid 4242"));
    }

    #[test]
    fn group_members_allowed_and_unknown_group_refused() {
        let root_group = Group::from_gid(Gid::from_raw(0)).unwrap().unwrap().name;
        let p = AccessPolicy::new(Some(&root_group)).unwrap();
        assert!(p.check(4242, 0).is_ok());
        assert!(p.check(4242, 4242).unwrap_err().contains(&root_group));
        assert!(AccessPolicy::new(Some("no-such-group-xyz")).is_err());
    }
}
