//! Which provider runs in a pane: the profiles' session patterns, commands
//! and screen patterns tried against what a scan sees of it.

use super::profile_set::Profiles;

impl Profiles {
    /// Which provider runs in a pane, and why. Tried in order: the session
    /// name against `session_patterns`, the foreground command against
    /// `commands` (`node` matches nothing: too many agents are node), the
    /// screen against `screen_patterns`. A shell command gives `shell`;
    /// nothing gives `unknown`.
    pub fn provider_for(
        &self,
        session: &str,
        command: &str,
        screen: Option<&str>,
    ) -> (String, String) {
        let agents = || {
            self.profiles
                .values()
                .filter(|p| p.name != "shell" && p.name != "unknown")
        };
        for p in agents() {
            if let Some(re) = p.session_patterns.iter().find(|re| re.is_match(session)) {
                return (
                    p.name.clone(),
                    format!("session name matches /{}/", re.as_str()),
                );
            }
        }
        for p in self.profiles.values() {
            if p.commands.iter().any(|c| c == command) {
                return (p.name.clone(), format!("command is {command:?}"));
            }
        }
        if let Some(screen) = screen {
            for p in agents() {
                if let Some(re) = p.screen_patterns.iter().find(|re| re.is_match(screen)) {
                    return (p.name.clone(), format!("screen matches /{}/", re.as_str()));
                }
            }
        }
        (
            "unknown".into(),
            format!("nothing identifies command {command:?}"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_by_name_then_command_then_screen() {
        let p = Profiles::builtin();
        let who = |s: &str, c: &str, screen: Option<&str>| p.provider_for(s, c, screen).0;
        assert_eq!(who("claude-1", "node", None), "claude");
        assert_eq!(who("my_claude", "bash", None), "claude");
        assert_eq!(who("codex-2", "node", None), "codex");
        assert_eq!(who("work", "claude", None), "claude");
        assert_eq!(who("work", "aider", None), "aider");
        assert_eq!(
            who("work", "node", Some(">_ OpenAI Codex (v0.50)")),
            "codex"
        );
        assert_eq!(who("work", "node", None), "unknown");
        assert_eq!(who("work", "zsh", None), "shell");
        assert_eq!(who("claudette", "vim", None), "unknown");
        let (_, why) = p.provider_for("gemini", "node", None);
        assert!(why.starts_with("session name matches"), "{why}");
    }
}
