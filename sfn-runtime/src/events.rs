//! The execution event history, in the shape of `GetExecutionHistory`.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

/// One history event, e.g. `TaskStateEntered` with its details.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// 1-based, increasing in emission order.
    pub id: u64,
    /// The event that causally precedes this one (0 for the first of a thread).
    pub previous_event_id: u64,
    /// When the event happened (on the execution's clock).
    pub timestamp: DateTime<Utc>,
    /// The event type, e.g. `PassStateExited`.
    pub kind: &'static str,
    /// The members of the event's `…EventDetails` object (`name`, `input`, `output`, `error`, …).
    pub details: Map<String, Value>,
}

impl Event {
    /// The event as a JSON object: `id`, `previousEventId`, `type` and the details.
    pub fn to_json(&self) -> Value {
        let mut map = Map::with_capacity(3 + self.details.len());
        map.insert("id".into(), self.id.into());
        map.insert("previousEventId".into(), self.previous_event_id.into());
        map.insert("type".into(), self.kind.into());
        for (k, v) in &self.details {
            map.insert(k.clone(), v.clone());
        }
        Value::Object(map)
    }
}

/// The events of one execution, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    /// The events.
    pub events: Vec<Event>,
}

impl History {
    /// The event types in order, e.g. `["ExecutionStarted", "PassStateEntered", …]`.
    pub fn kinds(&self) -> Vec<&'static str> {
        self.events.iter().map(|e| e.kind).collect()
    }

    /// All events as a JSON array.
    pub fn to_json(&self) -> Value {
        Value::Array(self.events.iter().map(Event::to_json).collect())
    }
}
