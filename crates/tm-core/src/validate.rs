//! Checks that can be made before sending. Each returns a [`ValidationError`]
//! naming the field and what was wrong.

use crate::error::ValidationError;
use crate::MAX_BATCH;

/// Most trackings one list page may return.
pub const MAX_LIST_LIMIT: u32 = 2000;

/// A tracking number: `[0-9A-Za-z-_]{5,}` (the service answers 4014 otherwise).
pub fn tracking_number(value: &str) -> Result<(), ValidationError> {
    const F: &str = "tracking_number";
    if value.is_empty() {
        return Err(ValidationError::new(F, "is empty"));
    }
    if let Some(c) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(ValidationError::new(
            F,
            format!("{value:?} contains {c:?}; only letters, digits, '-' and '_' are allowed"),
        ));
    }
    if value.len() < 5 {
        return Err(ValidationError::new(
            F,
            format!("{value:?} is shorter than 5 characters"),
        ));
    }
    Ok(())
}

/// A carrier code: non-empty `[0-9a-z-_]` (case-insensitive; 4015 otherwise).
pub fn carrier_code_field(field: &str, value: &str) -> Result<(), ValidationError> {
    if value.is_empty() {
        return Err(ValidationError::new(field, "is empty"));
    }
    if let Some(c) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(ValidationError::new(
            field,
            format!("{value:?} contains {c:?}; carrier codes are letters, digits, '-' and '_'"),
        ));
    }
    Ok(())
}

/// A carrier code in the `carrier_code` field.
pub fn carrier_code(value: &str) -> Result<(), ValidationError> {
    carrier_code_field("carrier_code", value)
}

/// A two-letter language code.
pub fn lang(value: &str) -> Result<(), ValidationError> {
    if value.len() == 2 && value.chars().all(|c| c.is_ascii_alphabetic()) {
        Ok(())
    } else {
        Err(ValidationError::new(
            "lang",
            format!("{value:?} is not a two-letter language code"),
        ))
    }
}

/// A batch of 1..=40 items.
pub fn batch_len(field: &str, len: usize) -> Result<(), ValidationError> {
    if len == 0 {
        return Err(ValidationError::new(
            field,
            "is empty; send at least one item",
        ));
    }
    if len > MAX_BATCH {
        return Err(ValidationError::new(
            field,
            format!("has {len} items; at most {MAX_BATCH} are allowed per call"),
        ));
    }
    Ok(())
}

/// An air waybill number: `^\d{3}[ -]?\d{7,8}$`.
pub fn air_waybill(value: &str) -> Result<(), ValidationError> {
    let b = value.as_bytes();
    let ok = b.len() >= 10 && b[..3].iter().all(u8::is_ascii_digit) && {
        let rest = if matches!(b[3], b' ' | b'-') {
            &b[4..]
        } else {
            &b[3..]
        };
        (7..=8).contains(&rest.len()) && rest.iter().all(u8::is_ascii_digit)
    };
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new(
            "track_number",
            format!("{value:?} is not an air waybill number like 172-28891936"),
        ))
    }
}

/// A non-empty required text field.
pub fn required(field: &str, value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        Err(ValidationError::new(field, "is required"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_numbers() {
        for ok in ["RP893531375SG", "1Z97X17XYW06605211", "ab-_1", "12345"] {
            tracking_number(ok).unwrap();
        }
        for bad in ["", "1234", "RP 893531375SG", "abc/def", "ñandú12"] {
            assert_eq!(tracking_number(bad).unwrap_err().field(), "tracking_number");
        }
    }

    #[test]
    fn carrier_codes_and_langs() {
        carrier_code("singapore-post").unwrap();
        carrier_code("4px").unwrap();
        assert!(carrier_code("").is_err());
        assert!(carrier_code("ups/../x").is_err());
        lang("en").unwrap();
        lang("CN").unwrap();
        for bad in ["", "e", "eng", "e1"] {
            assert!(lang(bad).is_err());
        }
    }

    #[test]
    fn batches_and_waybills() {
        batch_len("items", 1).unwrap();
        batch_len("items", 40).unwrap();
        assert!(batch_len("items", 0).is_err());
        assert!(batch_len("items", 41).unwrap_err().message().contains("41"));
        for ok in ["172-28891936", "17228891936", "172 2889193", "1722889193"] {
            air_waybill(ok).unwrap();
        }
        for bad in [
            "",
            "17-28891936",
            "172-288919",
            "172--28891936",
            "abc-28891936",
            "172-288919361",
        ] {
            assert!(air_waybill(bad).is_err(), "{bad}");
        }
    }
}
