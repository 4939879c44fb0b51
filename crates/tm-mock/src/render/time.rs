//! Dates and ids written straight into the JSON output, without chrono's
//! format-string parsing or intermediate strings.

use std::fmt;

use chrono::DateTime;
use serde::{Serialize, Serializer};

/// Writes a Display straight into the output (no intermediate String).
pub(crate) struct Disp<T: fmt::Display>(pub T);

impl<T: fmt::Display> Serialize for Disp<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// A 32-hex id, written as one string (no formatting machinery).
pub(crate) struct HexId(pub u128);

impl Serialize for HexId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut buf = [0u8; 32];
        for (i, b) in buf.iter_mut().enumerate() {
            *b = DIGITS[((self.0 >> ((31 - i) * 4)) & 0xf) as usize];
        }
        // Only ASCII hex digits were written.
        s.serialize_str(std::str::from_utf8(&buf).unwrap_or_default())
    }
}

/// Carrier-local `YYYY-MM-DD HH:MM:SS` of an event.
pub(crate) struct Local(pub i64);

impl fmt::Display for Local {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_datetime(f, self.0, ' ', "")
    }
}

impl Serialize for Local {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; 25];
        match datetime_bytes(&mut buf, self.0, b' ', b"") {
            Some(t) => s.serialize_str(t),
            None => s.collect_str(self),
        }
    }
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian
/// (H. Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// `YYYY-MM-DD<sep>HH:MM:SS<suffix>` of a Unix time written into `buf`, for
/// years 0..=9999 (the same text [`write_datetime`] produces); `None` for
/// other years, which take the general path.
fn datetime_bytes<'b>(buf: &'b mut [u8; 25], t: i64, sep: u8, suffix: &[u8]) -> Option<&'b str> {
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    if !(0..=9999).contains(&y) || suffix.len() > 6 {
        return None;
    }
    let (hh, mm, ss) = (secs / 3600, secs / 60 % 60, secs % 60);
    let two = |b: &mut [u8], v: i64| {
        b[0] = b'0' + (v / 10) as u8;
        b[1] = b'0' + (v % 10) as u8;
    };
    two(&mut buf[0..2], y / 100);
    two(&mut buf[2..4], y % 100);
    buf[4] = b'-';
    two(&mut buf[5..7], i64::from(m));
    buf[7] = b'-';
    two(&mut buf[8..10], i64::from(d));
    buf[10] = sep;
    two(&mut buf[11..13], hh);
    buf[13] = b':';
    two(&mut buf[14..16], mm);
    buf[16] = b':';
    two(&mut buf[17..19], ss);
    let end = 19 + suffix.len();
    buf[19..end].copy_from_slice(suffix);
    std::str::from_utf8(&buf[..end]).ok()
}

/// `YYYY-MM-DD<sep>HH:MM:SS<suffix>` of a Unix time, with plain integer
/// formatting (chrono's format strings are parsed on every call).
fn write_datetime(f: &mut fmt::Formatter<'_>, t: i64, sep: char, suffix: &str) -> fmt::Result {
    use chrono::{Datelike, Timelike};
    let Some(d) = DateTime::from_timestamp(t, 0) else {
        return Ok(());
    };
    write!(
        f,
        "{:04}-{:02}-{:02}{sep}{:02}:{:02}:{:02}{suffix}",
        d.year(),
        d.month(),
        d.day(),
        d.hour(),
        d.minute(),
        d.second()
    )
}

/// RFC 3339 UTC with `+00:00`.
pub(crate) struct Rfc3339(pub i64);

impl fmt::Display for Rfc3339 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_datetime(f, self.0, 'T', "+00:00")
    }
}

impl Serialize for Rfc3339 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; 25];
        match datetime_bytes(&mut buf, self.0, b'T', b"+00:00") {
            Some(t) => s.serialize_str(t),
            None => s.collect_str(self),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_dates_and_ids_match_the_formatter() {
        let mut t: i64 = -62_167_219_200 - 86_400; // before year 0: general path
        while t < 253_402_300_800 + 86_400 * 400 {
            for (sep, suffix) in [(' ', ""), ('T', "+00:00")] {
                let general = format!("{}", Disp2(t, sep, suffix));
                let mut buf = [0u8; 25];
                match datetime_bytes(&mut buf, t, sep as u8, suffix.as_bytes()) {
                    Some(fast) => assert_eq!(fast, general, "{t}"),
                    None => assert!(
                        general.starts_with('-') || general.as_bytes().get(4) != Some(&b'-'),
                        "{general}"
                    ),
                }
            }
            t += 7_654_321 + t.rem_euclid(86_399);
        }
        for id in [
            0u128,
            1,
            u128::MAX,
            0x0123_4567_89ab_cdef_fedc_ba98_7654_3210,
        ] {
            assert_eq!(
                serde_json::to_string(&HexId(id)).unwrap(),
                format!("\"{id:032x}\"")
            );
        }
        assert_eq!(
            serde_json::to_string(&Local(-62_167_219_200 - 1)).unwrap(),
            format!("\"{}\"", Local(-62_167_219_200 - 1))
        );
    }

    struct Disp2(i64, char, &'static str);

    impl fmt::Display for Disp2 {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write_datetime(f, self.0, self.1, self.2)
        }
    }
}
