//! Where a prompt may go, as it was queued: what routing reads of it
//! (`route::route`), the same in the queue's rows and in a prompt read
//! back for people.

/// A prompt's routing request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Routing {
    /// Required session, by name or pane id.
    pub target: Option<String>,
    /// Required provider.
    pub provider: Option<String>,
    /// Preferred providers, in order.
    pub providers: Vec<String>,
    /// Providers acceptable when no preferred one is free.
    pub fallback: Vec<String>,
    /// Any provider as a last resort.
    pub allow_fallback: bool,
    /// Working directory: a pane already there is preferred, and the
    /// delivery takes a shell pane there first.
    pub working_dir: Option<String>,
    /// Git branch: a pane on it is preferred.
    pub branch: Option<String>,
}
