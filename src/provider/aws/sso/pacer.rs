//! Keeps portal calls under IAM Identity Center's rate limit, about 20
//! requests per second for the whole directory, which other people's tools
//! share: a fixed interval between the starts of calls, and a cap on calls
//! in flight. On tokio's clock, so tests check it with paused time.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};
use tokio::time::Instant;

/// How fast orgtop asks the AWS access portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pacing {
    /// Calls started per second, at most; half the portal's limit by
    /// default, leaving the rest to the person's other tools.
    pub requests_per_second: u32,
    /// Calls in flight at once, at most.
    pub concurrency: usize,
}

impl Default for Pacing {
    fn default() -> Self {
        Self {
            requests_per_second: 10,
            concurrency: 4,
        }
    }
}

/// Hands out the right to start a call, in turn.
#[derive(Debug)]
pub(super) struct Pacer {
    interval: Duration,
    /// The earliest start of the next call.
    next: Mutex<Option<Instant>>,
    in_flight: Semaphore,
}

impl Pacer {
    pub(super) fn new(pacing: Pacing) -> Self {
        let per_second = pacing.requests_per_second.max(1);
        Self {
            interval: Duration::from_secs(1) / per_second,
            next: Mutex::new(None),
            in_flight: Semaphore::new(pacing.concurrency.max(1)),
        }
    }

    /// Waits for a free slot and for this call's turn; the call may start
    /// then and holds the slot until the permit drops.
    pub(super) async fn turn(&self) -> SemaphorePermit<'_> {
        let permit = self
            .in_flight
            .acquire()
            .await
            .unwrap_or_else(|_| unreachable!("the pacer never closes its semaphore"));
        let start = self.reserve();
        tokio::time::sleep_until(start).await;
        permit
    }

    /// The start time of the next call, reserved for the caller.
    fn reserve(&self) -> Instant {
        let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        let start = next.map_or(now, |next| next.max(now));
        *next = Some(start + self.interval);
        start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn calls_start_one_interval_apart() {
        let pacer = Pacer::new(Pacing {
            requests_per_second: 10,
            concurrency: 8,
        });
        let begin = Instant::now();
        for _ in 0..5 {
            drop(pacer.turn().await);
        }
        assert_eq!(begin.elapsed(), Duration::from_millis(400));
    }
}
