//! `assignerctl top`: a full-screen live view of the sessions, the queue
//! and the events (assignerctl(1), LIVE VIEW).
//!
//! Driven by the daemon's `watch` stream (`source.rs`), never by polling;
//! drawn only when something shown changed (an event, a key, a new size,
//! an age or the uptime passing to its next figure), at most ten times a
//! second. Every action is a protocol request, as the CLI sends it.

mod actions;
mod attach;
mod clock;
mod keys;
mod model;
mod render;
mod screen;
mod source;
mod style;
mod tables;

use std::path::Path;
use std::time::Duration;

use crossterm::event::{Event as TermEvent, EventStream};
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::error::{exit, exit_code_for};
use actions::{After, Daemon};
use model::{Link, Model};
use screen::Screen;
use source::Feed;

/// The shortest time between two frames.
const FRAME: Duration = Duration::from_millis(100);

/// Runs the view until `q`; returns the exit status.
pub(super) fn run(socket: &Path, json: bool, deadline: Option<Duration>) -> i32 {
    if json {
        eprintln!(
            "assignerctl: top is a view for people; scripts can use 'assignerctl --json watch'"
        );
        return exit::USAGE;
    }
    if let Some(why) = screen::unusable() {
        eprintln!("assignerctl: {why}");
        return exit::USAGE;
    }
    let runtime = match super::exchange::runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    runtime.block_on(async {
        let (watch, first) = match source::connect(socket, deadline).await {
            Ok(ok) => ok,
            Err(e) => {
                super::print::report(&e, socket, false);
                return exit_code_for(e.kind());
            }
        };
        let feed = source::start(socket.to_owned(), deadline, watch);
        let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        let mut m = Model::new(first, color);
        m.log(format!("watching assignerd at {}", socket.display()));
        let daemon = Daemon { socket, deadline };
        match view(&mut m, feed, &daemon).await {
            Ok(()) => exit::OK,
            Err(e) => {
                eprintln!("assignerctl: top: the terminal failed: {e}");
                exit::IOERR
            }
        }
    })
}

/// The loop: keys, feed and signals in, frames out.
async fn view(
    m: &mut Model,
    mut feed: mpsc::UnboundedReceiver<Feed>,
    daemon: &Daemon<'_>,
) -> std::io::Result<()> {
    let mut screen = Screen::enter()?;
    let mut keys = EventStream::new();
    let mut term = signal(SignalKind::terminate())?;
    let mut hangup = signal(SignalKind::hangup())?;
    let mut dirty = true;
    let mut drawn = Instant::now() - FRAME;
    loop {
        let now = clock::now();
        let tick = Duration::from_secs(u64::try_from(m.next_change(now)).unwrap_or(1));
        tokio::select! {
            () = tokio::time::sleep_until(drawn + FRAME), if dirty => {
                screen.draw(|f| render::draw(f, m, clock::now()))?;
                drawn = Instant::now();
                dirty = false;
            }
            () = tokio::time::sleep(tick), if !dirty => dirty = true,
            key = next(&mut keys) => {
                dirty = true;
                match key {
                    Some(Ok(TermEvent::Key(k))) => {
                        let action = keys::action(m, k);
                        if action != keys::Action::Nothing && !m.editing_filter {
                            m.notice = None;
                        }
                        match actions::perform(m, action, daemon).await {
                            After::Redraw => {}
                            After::Quit => return Ok(()),
                            After::Attach(to) => {
                                // The tmux client reads the terminal: ours
                                // stops reading it meanwhile.
                                drop(keys);
                                screen.suspend()?;
                                let way = attach::way(&to, std::env::var("TMUX").ok().as_deref());
                                let done = attach::run(&to, &way).await;
                                screen.resume()?;
                                keys = EventStream::new();
                                m.notice = Some(match (done, way) {
                                    (Ok(()), attach::Way::Attach) => (format!("back from {}", to.name), false),
                                    (Ok(()), attach::Way::Switch) => (
                                        format!("switched to {}; 'tmux switch-client -l' comes back", to.name),
                                        false,
                                    ),
                                    (Err(why), _) => (why, true),
                                });
                            }
                        }
                    }
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return Err(e),
                    None => return Ok(()),
                }
            }
            got = feed.recv() => {
                let Some(got) = got else { return Ok(()) };
                take(m, got);
                dirty = true;
            }
            _ = term.recv() => return Ok(()),
            _ = hangup.recv() => return Ok(()),
        }
    }
}

/// What the source said, into the model.
fn take(m: &mut Model, got: Feed) {
    match got {
        Feed::Snapshot(s) => m.apply(*s),
        Feed::Event(e) => m.event(&e),
        Feed::Lost(why) => {
            m.log(format!("lost assignerd: {why}; reconnecting"));
            m.link = Link::Lost(why);
        }
        Feed::Back => {
            m.log("reconnected to assignerd".into());
            m.link = Link::Up;
        }
        Feed::Failed(why) => {
            m.notice = Some((format!("cannot read the daemon's state: {why}"), true));
        }
    }
}

/// The next terminal event.
async fn next(keys: &mut EventStream) -> Option<std::io::Result<TermEvent>> {
    use futures_core::Stream;
    std::future::poll_fn(|cx| std::pin::Pin::new(&mut *keys).poll_next(cx)).await
}
