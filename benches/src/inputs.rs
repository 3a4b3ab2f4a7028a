//! The inputs of the workloads.

use serde_json::{Value, json};

/// An order of about 1 KB for `chain`.
pub fn chain() -> Value {
    let lines: Vec<Value> = (0..8)
        .map(|i| json!({"sku": format!("SKU-{:04}", 1000 + i), "qty": i + 2, "price": 4.5 + f64::from(i)}))
        .collect();
    json!({
        "order": {
            "id": "A-1001",
            "customer": {"name": "Ada Lovelace", "tier": "gold", "since": "2019-03-01T00:00:00Z", "email": "ada@example.com"},
            "lines": lines,
            "total": 149.5,
            "currency": "EUR",
            "placed": "2026-11-20T10:00:00Z",
            "shipping": {"street": "1 Analytical Way", "city": "London", "zip": "N1 9GU", "country": "GB"}
        },
        "meta": {"source": "web", "trace": "0af7651916cd43dd8448eb211c80319c", "attempt": 1}
    })
}

/// A payload of about 100 bytes for `tasks`, so that the run measures the
/// engine around the tasks more than copies of a large payload.
pub fn tasks() -> Value {
    json!({"payload": {"id": "T-1", "kind": "echo", "values": [1, 2, 3, 4]}, "last": null})
}

/// `n` items for `map`.
pub fn map(n: usize) -> Value {
    let items: Vec<Value> = (0..n)
        .map(|i| json!({"n": i, "even": i % 2 == 0}))
        .collect();
    json!({"items": items})
}

/// The fields the `intrinsics` workload reads.
pub fn intrinsics() -> Value {
    json!({
        "id": "A-1001",
        "customer": "Ada Lovelace",
        "count": 8,
        "tags": "retail,eu,priority,gift",
        "values": (0..16).collect::<Vec<u32>>(),
        "defaults": {"currency": "EUR", "express": false, "notes": null},
        "overrides": {"express": true, "gift": true},
        "payload": "The Analytical Engine weaves algebraic patterns just as the Jacquard loom weaves flowers and leaves."
    })
}

/// A small value for `parallel`.
pub fn parallel() -> Value {
    json!({"value": {"id": "P-1", "weights": [1, 2, 3, 4], "label": "fan-out"}})
}
