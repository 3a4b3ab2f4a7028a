//! Timestamps as understood by Amazon States Language (spec §1.7).
//!
//! ASL accepts a strict RFC 3339 profile, `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±hh:mm)`, for Wait
//! `Timestamp`, the Choice `Timestamp*` operators and `IsTimestamp`. [`parse`] validates that
//! profile and normalises the offset to an instant ([`Timestamp`]); [`format_service`] renders an
//! instant the way Step Functions prints its own timestamps (context object `StartTime`, …).

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Timelike, Utc};

const NANOS_PER_SEC: u32 = 1_000_000_000;

/// An instant in time: seconds plus nanoseconds since the Unix epoch (UTC).
///
/// Values produced by this module always have `nanos < 1_000_000_000`, so the derived ordering
/// (by `secs`, then `nanos`) is chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Whole seconds since 1970-01-01T00:00:00Z (negative before the epoch).
    pub secs: i64,
    /// Nanoseconds within the second, `0..1_000_000_000`.
    pub nanos: u32,
}

impl Timestamp {
    /// Creates a timestamp from seconds and nanoseconds since the Unix epoch.
    pub const fn new(secs: i64, nanos: u32) -> Self {
        Timestamp { secs, nanos }
    }

    /// Converts to a `chrono` UTC date-time.
    ///
    /// `nanos` values of a second or more are carried into `secs`; instants outside chrono's
    /// representable range saturate to [`DateTime::<Utc>::MIN_UTC`] / [`DateTime::<Utc>::MAX_UTC`].
    pub fn to_chrono(self) -> DateTime<Utc> {
        let carry = i64::from(self.nanos / NANOS_PER_SEC);
        let nanos = self.nanos % NANOS_PER_SEC;
        let converted = self
            .secs
            .checked_add(carry)
            .and_then(|secs| DateTime::from_timestamp(secs, nanos));
        match converted {
            Some(t) => t,
            None if self.secs < 0 => DateTime::<Utc>::MIN_UTC,
            None => DateTime::<Utc>::MAX_UTC,
        }
    }

    /// Converts from a `chrono` UTC date-time.
    ///
    /// A leap second (chrono's `nanos >= 1_000_000_000`) is clamped to the last nanosecond of the
    /// preceding second, keeping `nanos` below one second.
    pub fn from_chrono(t: DateTime<Utc>) -> Timestamp {
        Timestamp {
            secs: t.timestamp(),
            nanos: t.timestamp_subsec_nanos().min(NANOS_PER_SEC - 1),
        }
    }
}

/// Parses `n` ASCII digits starting at `at`; `None` if out of bounds or not all digits.
fn digits(b: &[u8], at: usize, n: usize) -> Option<u32> {
    let slice = b.get(at..at.checked_add(n)?)?;
    slice.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

/// Checks that byte `at` of `b` is `c`.
fn byte_is(b: &[u8], at: usize, c: u8) -> bool {
    b.get(at) == Some(&c)
}

/// Parses an ASL timestamp: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm)`.
///
/// The `T` and `Z` must be uppercase, the fraction has 1 to 9 digits, seconds are `00..=59`
/// (no leap second), offsets are `00:00..=23:59` in either direction. The date and time must be
/// valid calendar values. The result is the instant with the offset applied, so
/// `2016-03-14T12:00:00Z` and `2016-03-14T07:00:00-05:00` parse to the same [`Timestamp`].
/// Returns `None` for anything else (including trailing characters).
pub fn parse(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    let year = digits(b, 0, 4)?;
    let month = digits(b, 5, 2)?;
    let day = digits(b, 8, 2)?;
    let hour = digits(b, 11, 2)?;
    let minute = digits(b, 14, 2)?;
    let second = digits(b, 17, 2)?;
    if !(byte_is(b, 4, b'-')
        && byte_is(b, 7, b'-')
        && byte_is(b, 10, b'T')
        && byte_is(b, 13, b':')
        && byte_is(b, 16, b':'))
    {
        return None;
    }

    let mut pos = 19;
    let mut nanos = 0u32;
    if byte_is(b, pos, b'.') {
        pos += 1;
        let start = pos;
        while pos < b.len() && b[pos].is_ascii_digit() {
            pos += 1;
        }
        let len = pos - start;
        if !(1..=9).contains(&len) {
            return None;
        }
        nanos = digits(b, start, len)? * 10u32.pow(9 - len as u32);
    }

    let offset_secs: i64 = match b.get(pos)? {
        b'Z' => {
            pos += 1;
            0
        }
        &sign @ (b'+' | b'-') => {
            let oh = digits(b, pos + 1, 2)?;
            let om = digits(b, pos + 4, 2)?;
            if !byte_is(b, pos + 3, b':') || oh > 23 || om > 59 {
                return None;
            }
            pos += 6;
            let magnitude = i64::from(oh * 3600 + om * 60);
            if sign == b'-' { -magnitude } else { magnitude }
        }
        _ => return None,
    };
    if pos != b.len() {
        return None;
    }

    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
    let local_secs = date.and_time(time).and_utc().timestamp();
    Some(Timestamp {
        secs: local_secs - offset_secs,
        nanos,
    })
}

/// Formats an instant the way Step Functions prints its own timestamps (context object
/// `StartTime`, `EnteredTime`): ISO 8601 in UTC ending in `Z`, with 0, 3, 6 or 9 fractional
/// digits, the shortest that represents the value exactly — e.g. `2025-08-27T10:04:42Z`,
/// `2025-08-27T10:04:42.001Z`, `2025-08-27T10:04:42.000001Z`.
pub fn format_service(t: DateTime<Utc>) -> String {
    let nanos = t.nanosecond() % NANOS_PER_SEC;
    let fraction = if nanos == 0 {
        String::new()
    } else {
        let digits = format!("{nanos:09}");
        let keep = if digits.ends_with("000000") {
            3
        } else if digits.ends_with("000") {
            6
        } else {
            9
        };
        format!(".{}", &digits[..keep])
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}Z",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        fraction
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Timestamp {
        parse(s).unwrap_or_else(|| panic!("{s:?} should parse"))
    }

    #[test]
    fn parses_spec_valid_examples() {
        assert_eq!(p("2016-03-14T01:59:00Z"), Timestamp::new(1_457_920_740, 0));
        assert_eq!(
            p("2016-03-14T01:59:00+01:00"),
            Timestamp::new(1_457_920_740 - 3600, 0)
        );
        assert_eq!(p("2016-03-14T01:59:00.000Z"), p("2016-03-14T01:59:00Z"));
        assert_eq!(p("2016-03-14T01:59:00.00Z"), p("2016-03-14T01:59:00Z"));
        assert_eq!(p("1970-01-01T00:00:00Z"), Timestamp::new(0, 0));
    }

    #[test]
    fn offsets_are_normalised() {
        assert_eq!(p("2016-03-14T12:00:00Z"), p("2016-03-14T07:00:00-05:00"));
        assert_eq!(p("2016-03-14T12:00:00Z"), p("2016-03-14T17:30:00+05:30"));
        assert_eq!(p("2016-03-14T12:00:00Z"), p("2016-03-14T12:00:00-00:00"));
        // Crossing a date boundary.
        assert_eq!(p("2016-03-15T00:30:00Z"), p("2016-03-14T23:30:00-01:00"));
        assert!(p("2016-03-14T12:00:00+01:00") < p("2016-03-14T12:00:00Z"));
    }

    #[test]
    fn fractions() {
        assert_eq!(p("1970-01-01T00:00:00.5Z"), Timestamp::new(0, 500_000_000));
        assert_eq!(p("1970-01-01T00:00:00.001Z"), Timestamp::new(0, 1_000_000));
        assert_eq!(
            p("1970-01-01T00:00:00.123456789Z"),
            Timestamp::new(0, 123_456_789)
        );
        assert_eq!(
            p("1969-12-31T23:59:59.25Z"),
            Timestamp::new(-1, 250_000_000)
        );
        assert!(p("1970-01-01T00:00:00.1Z") < p("1970-01-01T00:00:00.12Z"));
    }

    #[test]
    fn rejects_spec_invalid_examples() {
        for bad in [
            "2016-12-05 21:29:29Z",
            "2016-12-05T21:29:29",
            "2016-13-05T21:29:29Z",
            "2016-12-05T25:29:29Z",
            "05-12-2016T21:29:29Z",
            "2016-03-14 01:59:00",
            "2023-02-24 12:15:56.832957",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn rejects_other_malformed_inputs() {
        for bad in [
            "",
            "2016",
            "2016-03-14t01:59:00Z",
            "2016-03-14T01:59:00z",
            "2016-02-30T01:59:00Z",
            "2015-02-29T01:59:00Z",
            "2016-00-10T01:59:00Z",
            "2016-03-00T01:59:00Z",
            "2016-03-14T24:00:00Z",
            "2016-03-14T01:60:00Z",
            "2016-03-14T01:59:60Z",
            "2016-03-14T01:59:00Zx",
            "2016-03-14T01:59:00Z ",
            " 2016-03-14T01:59:00Z",
            "2016-03-14T01:59:00.Z",
            "2016-03-14T01:59:00.1234567890Z",
            "2016-03-14T01:59Z",
            "2016-03-14T1:59:00Z",
            "2016-3-14T01:59:00Z",
            "+2016-03-14T01:59:00Z",
            "2016-03-14T01:59:00+0100",
            "2016-03-14T01:59:00+01",
            "2016-03-14T01:59:00+24:00",
            "2016-03-14T01:59:00+01:60",
            "2016-03-14T01:59:00+01:00Z",
            "2016-03-14T01:59:00Z+01:00",
            "2016/03/14T01:59:00Z",
            "2016-03-14T01-59-00Z",
            "２016-03-14T01:59:00Z",
            "2016-03-14T01:59:00.１Z",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn leap_day_is_accepted() {
        assert!(parse("2016-02-29T00:00:00Z").is_some());
        assert!(parse("2000-02-29T00:00:00Z").is_some());
        assert!(parse("1900-02-29T00:00:00Z").is_none());
    }

    #[test]
    fn chrono_round_trip() {
        for ts in [
            p("2016-03-14T01:59:00.123456789Z"),
            Timestamp::new(0, 0),
            Timestamp::new(-1, 999_999_999),
        ] {
            assert_eq!(Timestamp::from_chrono(ts.to_chrono()), ts);
        }
        assert_eq!(Timestamp::new(5, 1_500_000_000).to_chrono().timestamp(), 6);
        assert_eq!(
            Timestamp::new(i64::MAX, 0).to_chrono(),
            DateTime::<Utc>::MAX_UTC
        );
        assert_eq!(
            Timestamp::new(i64::MIN, 0).to_chrono(),
            DateTime::<Utc>::MIN_UTC
        );
    }

    #[test]
    fn format_service_trims_fraction_groups() {
        let base = p("2025-08-27T10:04:42Z").to_chrono();
        let with = |nanos: u32| Timestamp::new(base.timestamp(), nanos).to_chrono();
        assert_eq!(format_service(base), "2025-08-27T10:04:42Z");
        assert_eq!(format_service(with(1_000_000)), "2025-08-27T10:04:42.001Z");
        assert_eq!(
            format_service(with(100_000_000)),
            "2025-08-27T10:04:42.100Z"
        );
        assert_eq!(format_service(with(1_000)), "2025-08-27T10:04:42.000001Z");
        assert_eq!(
            format_service(with(123_456_000)),
            "2025-08-27T10:04:42.123456Z"
        );
        assert_eq!(format_service(with(1)), "2025-08-27T10:04:42.000000001Z");
        assert_eq!(
            format_service(with(123_456_789)),
            "2025-08-27T10:04:42.123456789Z"
        );
    }

    #[test]
    fn format_service_output_parses_back() {
        for s in [
            "2025-08-27T10:04:42Z",
            "2025-08-27T10:04:42.001Z",
            "2025-08-27T10:04:42.000001Z",
            "0001-01-01T00:00:00.000000001Z",
        ] {
            assert_eq!(format_service(p(s).to_chrono()), s);
        }
        assert_eq!(
            format_service(p("2016-03-14T07:00:00.5-05:00").to_chrono()),
            "2016-03-14T12:00:00.500Z"
        );
    }
}
