//! `create_trackings`: tm-core's loss-free batch helper (chunks of 40, bounded
//! concurrency, retries that recognise their own earlier attempts), with one
//! outcome per input item, including items refused while reading arguments.

use tm_core::batch::{BatchOptions, Outcome};
use tm_core::models::{NewTracking, TrackingRef};
use tm_core::Client;

use crate::models::ItemOutcome;

/// One parsed input: the tracking, or why it was refused before sending.
pub(crate) type Input = Result<NewTracking, (TrackingRef, String)>;

fn blank(index: usize, carrier_code: &str, tracking_number: &str, outcome: &str) -> ItemOutcome {
    ItemOutcome {
        index: index as u64,
        carrier_code: carrier_code.to_owned(),
        tracking_number: tracking_number.to_owned(),
        outcome: outcome.to_owned(),
        tracking: None,
        code: None,
        message: None,
    }
}

/// Creates every valid input; returns one outcome per input, in input order.
pub(crate) async fn create_all(
    client: Client,
    inputs: Vec<Input>,
    concurrency: usize,
) -> Result<Vec<ItemOutcome>, tm_core::Error> {
    let mut out: Vec<Option<ItemOutcome>> = vec![None; inputs.len()];
    let mut positions = Vec::new();
    let mut valid = Vec::new();
    for (i, input) in inputs.into_iter().enumerate() {
        match input {
            Ok(t) => {
                positions.push(i);
                valid.push(t);
            }
            Err((r, message)) => {
                let mut o = blank(i, &r.carrier_code, &r.tracking_number, "failed");
                o.message = Some(message);
                out[i] = Some(o);
            }
        }
    }
    let options = BatchOptions {
        concurrency: concurrency.max(1),
        ..BatchOptions::default()
    };
    let report = client
        .create_many(futures::stream::iter(valid), &options)
        .await;
    for item in report.outcomes {
        let Some(&i) = positions.get(item.index) else {
            continue;
        };
        let t = &item.item;
        let mut o = blank(
            i,
            &t.carrier_code,
            &t.tracking_number,
            item.outcome.as_str(),
        );
        match item.outcome {
            Outcome::Created { tracking, .. } | Outcome::Updated(tracking) => o.tracking = tracking,
            Outcome::AlreadyExists => o.code = Some(4016),
            Outcome::Failed { code, message, .. } => {
                o.code = code;
                o.message = Some(message);
            }
            Outcome::NotAttempted { reason } => o.message = Some(reason),
            Outcome::Unknown { message } => o.message = Some(message),
            _ => {}
        }
        out[i] = Some(o);
    }
    Ok(out
        .into_iter()
        .enumerate()
        .map(|(i, o)| {
            o.unwrap_or_else(|| {
                let mut o = blank(i, "", "", "failed");
                o.message = Some("no outcome reported".into());
                o
            })
        })
        .collect())
}
