//! Agent state detection from the screen: which provider runs in a pane,
//! what state its bottom lines show, what its input box holds, and when a
//! state has been stable long enough to act on.
//!
//! Rules are data ([`ProfileOverride`] tables, built in and from the
//! config), so a UI change in an agent is a config edit, and `explain` can
//! name the rule that decided. Hooks, when an agent has them, take
//! precedence over all of this; the screen is the fallback.
//!
//! ```text
//! Profiles::new(&config.profiles)?                 built-ins + overrides
//! profiles.provider_for(session, command, screen)  -> (provider, reason)
//! profiles.classify(provider, screen)              -> Verdict { state, rule, matched }
//! profiles.classify_sent(provider, screen, sent)   -> the same, blind to the prompts' echo
//! profiles.composer_text(provider, screen)         -> Some(text) / None
//! composer_holds(composer, text)                   -> the box shows our prompt
//! profiles.shows_submitted(provider, screen, text)  -> the transcript above the box shows it
//! profiles.shows_unsent_below(provider, screen, sent) -> our text waits below the box
//! profiles.api_error(provider, answer)             -> the error line that ended it
//! is_rate_limit(line)                              -> that error is a rate limit
//! reset_time(screen, seen, local_zone)             -> when its usage-limit banner says it resets
//! fingerprint(screen)                              -> u64
//! Debouncer::new(settle, completion).observe(&verdict, fp, now) -> Option<Reported>
//! ```

mod api_error;
mod around;
mod builtin;
mod classify;
mod composer;
mod debounce;
mod echo;
#[cfg(test)]
mod fixture_tests;
mod profile_set;
mod profile_spec;
mod provider;
#[cfg(test)]
mod region_tests;
mod reset_time;

pub use api_error::is_rate_limit;
pub use classify::{Verdict, tail};
pub use composer::composer_holds;
pub use debounce::{Debouncer, Reported, fingerprint};
pub use echo::SentText;
pub use profile_set::{Prepare, Profile, Profiles};
pub use profile_spec::{MAX_TAIL_LINES, ProfileOverride, RuleSpec};
pub use reset_time::{ResetWatch, reset_text, reset_time};
