//! Provider profiles as the config file spells them.

use serde::Deserialize;

/// A `[profiles.NAME]` table of the config file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProfileOverride {
    /// Substrings of the session name that select this provider.
    pub session_names: Vec<String>,
}

impl ProfileOverride {
    /// Value checks.
    pub fn check(&self) -> Result<(), String> {
        Ok(())
    }
}
