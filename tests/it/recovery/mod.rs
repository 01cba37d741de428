//! What a restarted daemon makes of what it finds: prompts in flight, the
//! panes' screens, and a database it has to salvage.

mod context;
mod restart_screens;
mod salvage;
