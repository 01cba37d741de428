//! What a run covers: the seeds, a time bound and the fault kinds, read
//! from `ASSIGNER_CHAOS_*` environment variables, since a test of the
//! `it` crate takes no arguments of its own (README.md, "Development").
//! Nothing set is the fixed CI seeds with every fault kind; a value that
//! cannot be read stops the run, naming its variable, rather than run
//! something other than what was asked.

use std::ops::RangeInclusive;

use crate::chaos::plan::Kind;

/// Seeds CI runs: enough to meet every fault kind several times in about
/// five minutes on two cores.
pub const CI_SEEDS: u64 = 16;

/// Runs seeds `1..=N`.
pub const SEEDS: &str = "ASSIGNER_CHAOS_SEEDS";
/// Runs seeds from 1 on until M minutes have passed (and, with
/// [`SEEDS`], no further than N).
pub const MINUTES: &str = "ASSIGNER_CHAOS_MINUTES";
/// Runs seed S alone: the replay of a seed a run reported.
pub const SEED: &str = "ASSIGNER_CHAOS_SEED";
/// Injects only these fault kinds (`kill9,stop-tmux`; `none` for none).
pub const FAULTS: &str = "ASSIGNER_CHAOS_FAULTS";

/// Set (to anything), a seed that breaks a promise also prints the
/// daemon's log and history, and a stall every agent's log and screen.
pub const LOGS: &str = "ASSIGNER_CHAOS_LOGS";

/// Whether [`LOGS`] asks for the logs of a failing seed.
pub fn logs() -> bool {
    std::env::var_os(LOGS).is_some()
}

/// A run's settings.
#[derive(Debug, PartialEq, Eq)]
pub struct Settings {
    /// First and last seed (the last is open-ended with [`MINUTES`] alone).
    pub seeds: RangeInclusive<u64>,
    /// No seed starts after this many minutes.
    pub minutes: Option<u64>,
    /// The fault kinds a schedule draws from.
    pub kinds: Vec<Kind>,
}

impl Settings {
    /// The settings this process's environment asks for.
    pub fn from_env() -> Self {
        Self::read(|name| {
            let value = std::env::var_os(name)?;
            let text = value
                .into_string()
                .unwrap_or_else(|v| panic!("{name}={v:?}: not UTF-8"));
            Some(text)
        })
    }

    /// The settings `var` gives (a variable's value, `None` when unset); an
    /// empty value counts as unset.
    pub fn read(var: impl Fn(&str) -> Option<String>) -> Self {
        let get = |name| var(name).filter(|v| !v.trim().is_empty());
        let number = |name| get(name).map(|v| whole_number(name, &v));
        let (seeds, seed, minutes) = (number(SEEDS), number(SEED), number(MINUTES));
        for (name, value) in [(SEEDS, seeds), (MINUTES, minutes)] {
            assert!(value != Some(0), "{name}=0: must be at least 1");
        }
        let seeds = match (seed, seeds, minutes) {
            (Some(_), Some(_), _) => panic!("{SEED} and {SEEDS} are both set: set one of them"),
            (Some(s), None, _) => s..=s,
            (None, Some(n), _) => 1..=n,
            (None, None, Some(_)) => 1..=u64::MAX,
            (None, None, None) => 1..=CI_SEEDS,
        };
        let kinds = get(FAULTS).map_or_else(|| Kind::ALL.to_vec(), |list| fault_kinds(&list));
        Self {
            seeds,
            minutes,
            kinds,
        }
    }

    /// The environment that replays `seed` as this run ran it.
    pub fn replay(&self, seed: impl std::fmt::Display) -> String {
        if self.kinds == Kind::ALL {
            format!("{SEED}={seed}")
        } else {
            format!("{SEED}={seed} {FAULTS}={}", names(&self.kinds))
        }
    }
}

/// The kinds' names, as [`FAULTS`] takes them.
pub fn names(kinds: &[Kind]) -> String {
    if kinds.is_empty() {
        return "none".to_owned();
    }
    let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
    names.join(",")
}

fn whole_number(name: &str, value: &str) -> u64 {
    value
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("{name}={value:?}: not a whole number"))
}

/// The kinds named in `list`, comma-separated; `none` names no kind.
fn fault_kinds(list: &str) -> Vec<Kind> {
    list.split(',')
        .map(str::trim)
        .filter(|n| *n != "none")
        .map(|n| {
            *Kind::ALL.iter().find(|k| k.name() == n).unwrap_or_else(|| {
                panic!(
                    "{FAULTS}={list:?}: unknown fault {n:?} (known: {})",
                    names(&Kind::ALL)
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{CI_SEEDS, Kind, Settings};

    fn read(vars: &[(&str, &str)]) -> Settings {
        Settings::read(|name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn nothing_set_is_the_ci_seeds_with_every_fault() {
        let s = read(&[("ASSIGNER_CHAOS_FAULTS", "")]);
        assert_eq!(s.seeds, 1..=CI_SEEDS);
        assert_eq!((s.minutes, s.kinds), (None, Kind::ALL.to_vec()));
    }

    #[test]
    fn each_variable_sets_its_part() {
        assert_eq!(read(&[("ASSIGNER_CHAOS_SEEDS", "200")]).seeds, 1..=200);
        assert_eq!(read(&[("ASSIGNER_CHAOS_SEED", "17")]).seeds, 17..=17);
        let timed = read(&[("ASSIGNER_CHAOS_MINUTES", "30")]);
        assert_eq!((timed.seeds, timed.minutes), (1..=u64::MAX, Some(30)));
        let both = read(&[
            ("ASSIGNER_CHAOS_MINUTES", "30"),
            ("ASSIGNER_CHAOS_SEEDS", "9"),
        ]);
        assert_eq!((both.seeds, both.minutes), (1..=9, Some(30)));
        let some = read(&[("ASSIGNER_CHAOS_FAULTS", "kill9, stop-tmux")]);
        assert_eq!(some.kinds, [Kind::Kill9, Kind::StopTmux]);
        assert!(read(&[("ASSIGNER_CHAOS_FAULTS", "none")]).kinds.is_empty());
    }

    #[test]
    fn a_replay_names_the_faults_when_they_were_chosen() {
        assert_eq!(read(&[]).replay(5), "ASSIGNER_CHAOS_SEED=5");
        let some = read(&[("ASSIGNER_CHAOS_FAULTS", "kill9,stop-tmux")]);
        assert_eq!(
            some.replay(5),
            "ASSIGNER_CHAOS_SEED=5 ASSIGNER_CHAOS_FAULTS=kill9,stop-tmux"
        );
    }

    #[test]
    #[should_panic(expected = "ASSIGNER_CHAOS_SEEDS=\"ten\": not a whole number")]
    fn a_bad_number_names_its_variable() {
        read(&[("ASSIGNER_CHAOS_SEEDS", "ten")]);
    }

    #[test]
    #[should_panic(expected = "ASSIGNER_CHAOS_MINUTES=0: must be at least 1")]
    fn zero_minutes_is_refused() {
        read(&[("ASSIGNER_CHAOS_MINUTES", "0")]);
    }

    #[test]
    #[should_panic(expected = "ASSIGNER_CHAOS_FAULTS=\"kill9,kill10\": unknown fault \"kill10\"")]
    fn an_unknown_fault_names_its_variable() {
        read(&[("ASSIGNER_CHAOS_FAULTS", "kill9,kill10")]);
    }

    #[test]
    #[should_panic(expected = "ASSIGNER_CHAOS_SEED and ASSIGNER_CHAOS_SEEDS are both set")]
    fn a_seed_and_a_seed_count_together_are_refused() {
        read(&[("ASSIGNER_CHAOS_SEED", "3"), ("ASSIGNER_CHAOS_SEEDS", "9")]);
    }
}
