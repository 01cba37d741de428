//! The control-socket protocol, shared by `assignerd` and `assignerctl`.
//!
//! Framing: one JSON object per line (`\n`-terminated, UTF-8): requests at
//! most [`MAX_LINE_BYTES`] bytes, responses at most [`MAX_RESPONSE_BYTES`].
//! Every request line gets exactly one response
//! line, in order, except `watch`, which answers once and then streams
//! [`Reply::Event`] lines until the client goes away, and `follow`, which
//! answers once, streams [`Reply::Output`] lines and ends with the
//! prompt's final record.
//!
//! Responses are `{"ok":true,"type":"…",…}` or
//! `{"ok":false,"error":{"kind":"not_found","message":"…"}}`. The error kinds
//! ([`ErrorKind`]) are a small, stable set that scripts may match on; the
//! message is for people and may change.
//!
//! The types live in one module so that the daemon and the client cannot
//! drift apart; `man/assigner-protocol.7` documents the same wire format.

mod pools;
mod prefix;
mod record;
mod reply;
mod reports;
mod request;
mod types;
mod validate;

pub use pools::{PoolAgent, PoolInfo, PoolSummary};
pub use prefix::command_prefix;
pub use reply::{ErrorKind, Reply, Response, WireError};
pub use reports::*;
pub use request::{Failure, Request};
pub use types::*;
pub use validate::*;

/// Version of the wire protocol. Bumped only on incompatible changes; the
/// `hello` handshake lets either side refuse a peer it does not understand.
pub const PROTOCOL_VERSION: u32 = 1;

/// Hard limit on one request or response line, newline excluded. A prompt is
/// text a person wrote or a script generated; 1 MiB is far beyond any agent's
/// context window, yet small enough that a hostile client cannot make the
/// daemon buffer without bound.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// Hard limit on one response line. Larger than a request line because
/// answers gather many prompts (a `prompts` listing, a cleanup report) or a
/// whole prompt with its stored response; the daemon answers anything
/// larger with a `bad_request` asking for less.
pub const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// Closes the error of a prompt whose delivery could be confirmed neither
/// way: the agent may be running it. The prompt is never sent again on its
/// own, and `cleanup --retry-failed` says so before it requeues one.
pub const MAYBE_DELIVERED: &str = "the agent may have it, so it is not sent again";
