//! The workloads written by hand with serde_json: what a Rust programmer would
//! write to do the same JSON work, without a workflow. Each function takes the
//! same input as the workflow and returns the same output (checked by the
//! tests), calling the same async task handler where the workflow has Tasks.

use serde_json::{Map, Value};
use sfn_runtime::{Error, TaskResult};

/// The Task handler of `tasks`: returns its input.
pub async fn echo(input: Value) -> TaskResult {
    Ok(input)
}

/// An object from its members, moving the values in (`json!` would copy
/// every value given as an expression).
fn obj<const N: usize>(members: [(&str, Value); N]) -> Value {
    let mut map = Map::with_capacity(N);
    for (k, v) in members {
        map.insert(k.to_owned(), v);
    }
    Value::Object(map)
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
        obj([("discount", 0.1.into()), ("band", "big".into())])
    } else {
        obj([("discount", 0.into()), ("band", "small".into())])
    };
    let customer = &order["customer"];
    let level = if customer["tier"] == "gold" {
        "gold"
    } else {
        "standard"
    };
    let loyalty = obj([
        ("level", level.into()),
        ("customer", customer["name"].clone()),
        ("since", customer["since"].clone()),
    ]);
    let placed = order["placed"]
        .as_str()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .ok_or_else(|| missing("placed"))?;
    let cutoff = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .map_err(|_| missing("cutoff"))?;
    let age = if placed > cutoff { "recent" } else { "old" };
    let currency = if order["currency"] == "EUR" {
        obj([("symbol", "€".into()), ("code", "EUR".into())])
    } else {
        obj([("symbol", "?".into()), ("code", "?".into())])
    };
    let qty = order["lines"][1]["qty"]
        .as_f64()
        .ok_or_else(|| missing("qty"))?;
    let quantity = if qty < 10.0 { "few" } else { "many" };
    let id = order["id"].clone();
    let lines = obj([
        ("first", order["lines"][0].clone()),
        ("count", 8.into()),
        ("currency", order["currency"].clone()),
    ]);
    let summary = obj([
        ("lines", lines),
        ("id", id.clone()),
        ("currency", currency),
        ("quantity", quantity.into()),
    ]);
    let main = obj([
        ("source", "bench".into()),
        ("id", id.clone()),
        ("tier", level.into()),
    ]);
    Ok(obj([
        ("order", id),
        ("summary", summary),
        ("pricing", pricing),
        ("loyalty", loyalty),
        ("age", age.into()),
        ("annotations", obj([("main", main)])),
    ]))
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
        data["last"] = obj([("payload", payload), ("step", step.into())]);
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
            obj([("index", index.into()), ("kind", kind.into())])
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
    Ok(obj([
        ("label", label.into()),
        ("tags", tags.into()),
        ("chunks", chunks.into()),
        ("merged", merged.into()),
        ("digest", hex.into()),
        ("next", next.into()),
        ("encoded", encoded.into()),
    ]))
}

/// `parallel`: the four branches' results, in order, stored under `branches`.
pub fn parallel(mut data: Value) -> Result<Value, Error> {
    let value = data["value"].clone();
    let branches: Vec<Value> = (1..=4)
        .map(|branch| {
            let mut out = Map::with_capacity(6);
            out.insert("branch".to_owned(), branch.into());
            out.insert("value".to_owned(), value.clone());
            for step in 2..=5 {
                out.insert(format!("step{step}"), obj([("step", step.into())]));
            }
            Value::Object(out)
        })
        .collect();
    data["branches"] = Value::Array(branches);
    Ok(data)
}
