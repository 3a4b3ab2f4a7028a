//! The workloads written by hand with serde_json: what a Rust programmer would
//! write to do the same JSON work, without a workflow. Each function takes the
//! same input as the workflow and returns the same output (checked by the
//! tests), calling the same async task handler where the workflow has Tasks.

use serde_json::{Map, Value, json};
use sfn_runtime::{Error, TaskResult};

/// The Task handler of `tasks`: returns its input.
pub async fn echo(input: Value) -> TaskResult {
    Ok(input)
}

fn missing(what: &str) -> Error {
    Error::new("States.Runtime", format!("missing {what}"))
}

/// `chain`: the path the order takes through the Choice states, with the
/// same values built along the way.
pub fn chain(mut input: Value) -> Result<Value, Error> {
    let order = input
        .get_mut("order")
        .map(Value::take)
        .ok_or_else(|| missing("order"))?;
    let total = order["total"].as_f64().ok_or_else(|| missing("total"))?;
    let pricing = if total > 100.0 {
        json!({"discount": 0.1, "band": "big"})
    } else {
        json!({"discount": 0, "band": "small"})
    };
    let customer = &order["customer"];
    let level = if customer["tier"] == "gold" {
        "gold"
    } else {
        "standard"
    };
    let loyalty = json!({"level": level, "customer": customer["name"], "since": customer["since"]});
    let placed = order["placed"]
        .as_str()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .ok_or_else(|| missing("placed"))?;
    let cutoff = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .map_err(|_| missing("cutoff"))?;
    let age = if placed > cutoff { "recent" } else { "old" };
    let currency = if order["currency"] == "EUR" {
        json!({"symbol": "€", "code": "EUR"})
    } else {
        json!({"symbol": "?", "code": "?"})
    };
    let qty = order["lines"][1]["qty"]
        .as_f64()
        .ok_or_else(|| missing("qty"))?;
    let quantity = if qty < 10.0 { "few" } else { "many" };
    let id = order["id"].clone();
    let summary = json!({
        "lines": {"first": order["lines"][0], "count": 8, "currency": order["currency"]},
        "id": id,
        "currency": currency,
        "quantity": quantity,
    });
    let annotations = json!({"main": {"source": "bench", "id": id, "tier": level}});
    Ok(json!({
        "order": id,
        "summary": summary,
        "pricing": pricing,
        "loyalty": loyalty,
        "age": age,
        "annotations": annotations,
    }))
}

/// `tasks`: ten calls of the handler, each result reduced to its payload and
/// step, stored under `last`; errors retried on `Transient` and caught.
pub async fn tasks(mut data: Value) -> Result<Value, Error> {
    for step in 1..=10u64 {
        let mut attempts = 0;
        let result = loop {
            match echo(data.clone()).await {
                Err(e) if e.name() == "Transient" && attempts < 3 => attempts += 1,
                other => break other,
            }
        };
        let mut result = match result {
            Ok(result) => result,
            Err(_) => return Err(Error::new("Bench.Failed", "a task failed")),
        };
        let payload = result
            .get_mut("payload")
            .map(Value::take)
            .ok_or_else(|| missing("payload"))?;
        data["last"] = json!({"payload": payload, "step": step});
    }
    Ok(data)
}

/// `map`: one result per item, with its index and kind, stored under `results`.
pub fn map(mut data: Value) -> Result<Value, Error> {
    let items = data["items"].as_array().ok_or_else(|| missing("items"))?;
    let results: Vec<Value> = items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let kind = if item["even"] == true { "even" } else { "odd" };
            json!({"index": index, "kind": kind})
        })
        .collect();
    data["results"] = Value::Array(results);
    Ok(data)
}

/// `intrinsics`: the same seven computations with the same crates.
pub fn intrinsics(data: Value) -> Result<Value, Error> {
    use base64::Engine;
    use sha2::Digest;
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let label = format!(
        "order {} for {} ({} lines)",
        text(&data["id"]),
        text(&data["customer"]),
        text(&data["count"])
    );
    let tags: Vec<Value> = data["tags"]
        .as_str()
        .ok_or_else(|| missing("tags"))?
        .split(',')
        .filter(|s| !s.is_empty())
        .map(Value::from)
        .collect();
    let values = data["values"].as_array().ok_or_else(|| missing("values"))?;
    let chunks: Vec<Value> = values.chunks(4).map(|c| Value::Array(c.to_vec())).collect();
    let mut merged: Map<String, Value> = data["defaults"].as_object().cloned().unwrap_or_default();
    if let Some(overrides) = data["overrides"].as_object() {
        for (k, v) in overrides {
            merged.insert(k.clone(), v.clone());
        }
    }
    let payload = data["payload"].as_str().ok_or_else(|| missing("payload"))?;
    let digest = sha2::Sha256::digest(payload.as_bytes());
    let mut hex = String::with_capacity(64);
    for b in digest {
        use std::fmt::Write;
        let _ = write!(hex, "{b:02x}");
    }
    let next = data["count"].as_i64().ok_or_else(|| missing("count"))? + 1;
    let encoded = base64::engine::general_purpose::STANDARD.encode(payload);
    Ok(json!({
        "label": label,
        "tags": tags,
        "chunks": chunks,
        "merged": merged,
        "digest": hex,
        "next": next,
        "encoded": encoded,
    }))
}

/// `parallel`: the four branches' results, in order, stored under `branches`.
pub fn parallel(mut data: Value) -> Result<Value, Error> {
    let value = data["value"].clone();
    let branches: Vec<Value> = (1..=4)
        .map(|branch| {
            let mut out = json!({"branch": branch, "value": value});
            for step in 2..=5 {
                out[format!("step{step}")] = json!({"step": step});
            }
            out
        })
        .collect();
    data["branches"] = Value::Array(branches);
    Ok(data)
}
