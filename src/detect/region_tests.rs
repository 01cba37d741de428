//! Classification by region: a dialog replaces the input box, so dialog
//! phrases drawn above an input box (an answered dialog left in the
//! transcript, an answer that quotes one) never decide the state, while a
//! dialog that is up still does.

use super::Profiles;
use crate::protocol::SessionState::{self, *};

fn state(provider: &str, screen: &str) -> SessionState {
    Profiles::builtin().classify(provider, screen).state
}

const CLAUDE_ANSWERED_DIALOG: &str = "\
⏺ Bash(make deploy)
  ⎿ Bash command
      make deploy
    Do you want to proceed?
    ❯ 1. Yes
      2. No
⏺ Deployed. Do you want to proceed with the migration as well?

╭──────────────────────────────────────────────╮
│ >                                            │
╰──────────────────────────────────────────────╯
  ? for shortcuts
";

const CLAUDE_DIALOG_UP: &str = "\
⏺ Done. Do you want to proceed? was quoted above.

╭──────────────────────────────────────────────╮
│ Bash command                                 │
│   make deploy                                │
│ Do you want to proceed?                      │
│ ❯ 1. Yes                                     │
│   2. No                                      │
╰──────────────────────────────────────────────╯
";

const CODEX_ANSWERED_DIALOG: &str = "\
Would you like to run the following command?
  $ make deploy
✔ You approved codex to run make deploy

• Deployed. Would you like to apply the migration too?

› 
  ⏎ send   ⌃J newline   100% context left
";

const CODEX_DIALOG_UP: &str = "\
• I will deploy now.

Would you like to run the following command?
  $ make deploy
› 1. Yes, proceed (y)
  2. No, and tell Codex what to do differently (esc)
";

#[test]
fn dialog_phrases_above_the_input_box_decide_nothing() {
    assert_eq!(state("claude", CLAUDE_ANSWERED_DIALOG), Idle);
    assert_eq!(state("codex", CODEX_ANSWERED_DIALOG), Idle);
}

#[test]
fn a_dialog_that_replaced_the_input_box_still_waits_for_a_person() {
    assert_eq!(state("claude", CLAUDE_DIALOG_UP), WaitingApproval);
    assert_eq!(state("codex", CODEX_DIALOG_UP), WaitingApproval);
}
