//! Retry and Catch: matching error names and computing backoff delays.

use std::time::Duration;

use crate::{Error, names};

/// Whether `error` is matched by an `ErrorEquals` list (ASL §6.3).
///
/// `States.Runtime` is never matched. `States.ALL` matches everything else;
/// `States.TaskFailed` also matches every name outside the `States.` namespace;
/// `States.HeartbeatTimeout` also matches a heartbeat timeout reported as
/// `States.Timeout`.
pub fn error_matches(error: &Error, equals: &[&str]) -> bool {
    let name = error.name();
    if name == names::RUNTIME {
        return false;
    }
    equals.iter().any(|&candidate| {
        candidate == name
            || candidate == names::ALL
            || (candidate == names::TASK_FAILED && !name.starts_with("States."))
            || (candidate == names::HEARTBEAT_TIMEOUT
                && name == names::TIMEOUT
                && is_heartbeat(error))
    })
}

fn is_heartbeat(error: &Error) -> bool {
    error.cause().is_some_and(|c| c.contains("heartbeat"))
}

/// The index of the first catcher whose `ErrorEquals` matches `error`.
pub fn catch_index(error: &Error, catchers: &[&[&str]]) -> Option<usize> {
    catchers
        .iter()
        .position(|equals| error_matches(error, equals))
}

/// One retrier of a state's `Retry` list, with defaults already applied.
#[derive(Debug, Clone, Copy)]
pub struct Retrier {
    /// `ErrorEquals`.
    pub error_equals: &'static [&'static str],
    /// `IntervalSeconds` (default 1).
    pub interval_seconds: f64,
    /// `MaxAttempts` (default 3).
    pub max_attempts: u32,
    /// `BackoffRate` (default 2.0).
    pub backoff_rate: f64,
    /// `MaxDelaySeconds`, if set.
    pub max_delay_seconds: Option<f64>,
    /// `JitterStrategy: FULL`.
    pub full_jitter: bool,
}

/// The attempt counters of one visit of a state: one per retrier.
#[derive(Debug)]
pub struct RetryState<const N: usize> {
    attempts: [u32; N],
}

impl<const N: usize> Default for RetryState<N> {
    fn default() -> Self {
        RetryState { attempts: [0; N] }
    }
}

impl<const N: usize> RetryState<N> {
    /// Fresh counters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Decides whether `error` is retried: the delay before the next attempt, or
    /// `None` when the first matching retrier is exhausted or none matches.
    pub fn next_delay(&mut self, retriers: &[Retrier; N], error: &Error) -> Option<Duration> {
        let index = retriers
            .iter()
            .position(|r| error_matches(error, r.error_equals))?;
        let retrier = &retriers[index];
        let attempt = &mut self.attempts[index];
        if *attempt >= retrier.max_attempts {
            return None;
        }
        let exponent = i32::try_from(*attempt).unwrap_or(i32::MAX);
        *attempt += 1;
        let mut delay = retrier.interval_seconds * retrier.backoff_rate.powi(exponent);
        if let Some(max) = retrier.max_delay_seconds {
            delay = delay.min(max);
        }
        if retrier.full_jitter {
            delay *= fastrand::f64();
        }
        Some(Duration::try_from_secs_f64(delay).unwrap_or(Duration::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn retrier(
        equals: &'static [&'static str],
        interval: f64,
        attempts: u32,
        backoff: f64,
    ) -> Retrier {
        Retrier {
            error_equals: equals,
            interval_seconds: interval,
            max_attempts: attempts,
            backoff_rate: backoff,
            max_delay_seconds: None,
            full_jitter: false,
        }
    }

    #[test]
    fn spec_example_alternating_errors() {
        // ASL §6.2: ErrorA, ErrorB, ErrorC, ErrorB → waits 1 s, 2 s (first retrier), 5 s (second),
        // then the first retrier is exhausted.
        let retriers = [
            retrier(&["ErrorA", "ErrorB"], 1.0, 2, 2.0),
            retrier(&["ErrorC"], 5.0, 3, 2.0),
        ];
        let mut state = RetryState::new();
        let delay = |state: &mut RetryState<2>, name: &'static str| {
            state.next_delay(&retriers, &Error::named(name))
        };
        assert_eq!(delay(&mut state, "ErrorA"), Some(Duration::from_secs(1)));
        assert_eq!(delay(&mut state, "ErrorB"), Some(Duration::from_secs(2)));
        assert_eq!(delay(&mut state, "ErrorC"), Some(Duration::from_secs(5)));
        assert_eq!(delay(&mut state, "ErrorB"), None);
    }

    #[test]
    fn max_delay_caps_backoff() {
        // §6.2: Interval 3, Backoff 2, MaxDelaySeconds 4 → 3 s then 4 s.
        let mut r = retrier(&["States.ALL"], 3.0, 2, 2.0);
        r.max_delay_seconds = Some(4.0);
        let mut state = RetryState::new();
        let e = Error::named("X");
        assert_eq!(state.next_delay(&[r], &e), Some(Duration::from_secs(3)));
        assert_eq!(state.next_delay(&[r], &e), Some(Duration::from_secs(4)));
        assert_eq!(state.next_delay(&[r], &e), None);
    }

    #[test]
    fn matching_rules() {
        let runtime = Error::named("States.Runtime");
        assert!(!error_matches(&runtime, &["States.ALL"]));
        assert!(!error_matches(&runtime, &["States.Runtime"]));
        assert!(error_matches(
            &Error::named("Custom"),
            &["States.TaskFailed"]
        ));
        assert!(!error_matches(
            &Error::named("States.Timeout"),
            &["States.TaskFailed"]
        ));
        assert!(error_matches(
            &Error::named("States.Timeout"),
            &["States.ALL"]
        ));
        assert_eq!(
            catch_index(&Error::named("B"), &[&["A"], &["B"], &["States.ALL"]]),
            Some(1)
        );
    }
}
