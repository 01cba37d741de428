//! Unit tests of [`super::PaneJob`]: each change of a pane's prompt keeps the
//! prompt, its delivery task and its watch in step.

use super::*;
use tokio::task::JoinHandle;

/// A task that would run until stopped.
fn task() -> JoinHandle<()> {
    tokio::spawn(std::future::pending())
}

fn delivering(id: i64, task: &JoinHandle<()>) -> PaneJob {
    let mut job = PaneJob::Free;
    let minute = Some(Duration::from_secs(60));
    job.start_delivery(Delivery::new(id, task.abort_handle(), minute, None));
    job
}

#[tokio::test]
async fn a_delivery_holds_the_pane_until_its_outcome() {
    let handle = task();
    let mut job = delivering(7, &handle);
    assert_eq!((job.prompt(), job.delivering()), (Some(7), Some(7)));
    assert!(!job.is_free() && job.running().is_none());
    // Another prompt's outcome (an abandoned delivery) changes nothing.
    assert!(job.delivered(8).is_none());
    assert!(!job.pasted(8, Some(3)));
    assert_eq!(job.delivering(), Some(7));
    assert!(job.pasted(7, Some(42)));
    let d = job.delivered(7).expect("delivering 7");
    assert!(job.is_free());
    assert_eq!(
        (d.mark, d.timeout),
        (Some(42), Some(Duration::from_secs(60)))
    );
    // The task ran on: an outcome is its own end, not a stop.
    assert!(!handle.is_finished());
    handle.abort();
}

#[tokio::test]
async fn the_watch_keeps_what_the_delivery_recorded() {
    let handle = task();
    let mut job = delivering(7, &handle);
    job.pasted(7, Some(42));
    let d = job.delivered(7).unwrap();
    job.run(Watch::after(&d, "s:0.0".into(), 99));
    let w = job.running().expect("running");
    assert_eq!((w.id, w.mark, w.timeout), (7, Some(42), d.timeout));
    assert_eq!(job.prompt(), Some(7));
    assert_eq!(job.delivering(), None);
    // Without a recorded mark, the pane's history size stands in.
    let bare = Delivery::new(9, handle.abort_handle(), None, None);
    assert_eq!(Watch::after(&bare, "s".into(), 99).mark, Some(99));
    handle.abort();
}

#[tokio::test]
async fn a_watch_ends_only_for_its_own_prompt() {
    let handle = task();
    let d = Delivery::new(7, handle.abort_handle(), None, Some(1));
    let mut job = PaneJob::Free;
    job.run(Watch::after(&d, "s".into(), 0));
    if let Some(w) = job.running_mut() {
        w.hooked = Some(Instant::now());
    }
    assert!(job.finish(8).is_none());
    let w = job.finish(7).expect("running 7");
    assert!(w.hooked.is_some());
    assert!(job.is_free());
    assert!(job.finish(7).is_none());
    handle.abort();
}

#[tokio::test]
async fn a_stop_ends_the_task() {
    let handle = task();
    let mut job = delivering(7, &handle);
    assert!(job.stop(8).is_none());
    assert_eq!(job.stop(7).map(|d| d.id), Some(7));
    assert!(job.is_free());
    assert!(handle.await.unwrap_err().is_cancelled());
}

#[tokio::test]
async fn retiring_a_pane_stops_its_task_and_gives_back_its_prompt() {
    let handle = task();
    let mut job = delivering(7, &handle);
    assert_eq!(job.retire(), Some(7));
    assert!(job.is_free());
    assert!(handle.await.unwrap_err().is_cancelled());

    let mut job = PaneJob::Free;
    assert_eq!(job.retire(), None);
    let other = task();
    let d = Delivery::new(5, other.abort_handle(), None, None);
    job.run(Watch::after(&d, "s".into(), 0));
    assert_eq!(job.retire(), Some(5));
    assert!(job.is_free());
    // A running prompt has no task of ours to stop.
    assert!(!other.is_finished());
    other.abort();
}
