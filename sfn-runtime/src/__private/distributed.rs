//! Distributed Map support: item readers, item batching and result writers.
//!
//! There is no S3 here. The `ItemReader` and `ResultWriter` resources are bound like Task
//! handlers; this module only turns what those handlers return into Map items, and Map results
//! into the objects to write:
//!
//! 1. **ItemReader.** The generated code evaluates the reader's `Parameters` / `Arguments`, calls
//!    the user's handler for the reader `Resource` (`s3:getObject` or `s3:listObjectsV2`) and
//!    passes the response to [`read_items`] with the resolved `MaxItems`. An `Err` is the cause of
//!    a `States.ItemReaderFailed` ([`crate::names::ITEM_READER_FAILED`]) error.
//! 2. **Limits.** `MaxItemsPath`, `MaxItemsPerBatchPath` and `MaxInputBytesPerBatchPath` values
//!    go through [`path_integer`], then [`max_items_limit`] or [`batch_limit`].
//! 3. **ItemBatcher.** [`batch_items`] groups the (selected) items into child inputs
//!    `{"BatchInput"?: …, "Items": […]}`.
//! 4. **ResultWriter.** When the Map run is over, the driver describes each child run as a
//!    [`ChildRecord`] and calls [`plan_write`]: it returns the objects to put (each one call of the
//!    `s3:putObject` handler, see [`WritePlan::requests`]) and the Map state's result. Without
//!    `Resource` (a `WriterConfig` alone) there is nothing to write and the result is the
//!    transformed array of child results.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::path::json_len;

/// Most items an item reader yields: `MaxItems` is capped at 100,000,000.
pub const MAX_ITEMS_LIMIT: u64 = 100_000_000;

/// Largest batch (child input) in bytes, 256 KiB: the default and the cap of
/// `MaxInputBytesPerBatch`.
pub const MAX_BATCH_BYTES: u64 = 262_144;

/// Cause of a JSON source that is not an array (AWS's wording).
const NON_ITERABLE: &str = "Attempting to map over non-iterable node.";

// ---------------------------------------------------------------------------------------------
// ItemReader
// ---------------------------------------------------------------------------------------------

/// The S3 API an `ItemReader` calls (its `Resource`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReaderResource {
    /// `arn:aws:states:::s3:getObject`: the items are parsed from one object's content.
    GetObject,
    /// `arn:aws:states:::s3:listObjectsV2`: the items are the listed objects' metadata (or, with
    /// `LOAD_AND_FLATTEN`, parsed from each listed object's content).
    ListObjectsV2,
}

/// `ReaderConfig.InputType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputType {
    /// `CSV`: rows become objects keyed by the header, all values strings.
    Csv,
    /// `JSON`: a JSON array (optionally reached through `ItemsPointer`).
    Json,
    /// `JSONL`: one JSON value per non-blank line.
    Jsonl,
    /// `MANIFEST` (S3 inventory). Not supported: [`read_items`] fails.
    Manifest,
    /// `PARQUET` (binary). Not supported: [`read_items`] fails.
    Parquet,
}

/// Where the CSV column names come from (`CSVHeaderLocation`, `CSVHeaders`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvHeaders {
    /// `FIRST_ROW`: the first record of the object is the header.
    FirstRow,
    /// `GIVEN`: the names listed in `CSVHeaders`; every record is data.
    Given(&'static [&'static str]),
}

/// A compiled `ItemReader` configuration (everything but `Parameters` and `MaxItems`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReaderConfig {
    /// The reader `Resource`.
    pub resource: ReaderResource,
    /// `InputType`; `None` reads a `getObject` body as JSON (and lists metadata for
    /// `listObjectsV2`).
    pub input_type: Option<InputType>,
    /// Header location for CSV; `None` means [`CsvHeaders::FirstRow`].
    pub csv_headers: Option<CsvHeaders>,
    /// `CSVDelimiter` as a byte: `COMMA` `b','` (default), `PIPE` `b'|'`, `SEMICOLON` `b';'`,
    /// `SPACE` `b' '`, `TAB` `b'\t'`.
    pub csv_delimiter: u8,
    /// `ItemsPointer`: a JSON Pointer (RFC 6901) to the array inside a JSON object.
    pub items_pointer: Option<&'static str>,
    /// `Transformation: LOAD_AND_FLATTEN` (listObjectsV2): items are read from the listed
    /// objects' content, which the handler supplies as each entry's `Body`.
    pub load_and_flatten: bool,
}

impl ReaderConfig {
    /// The defaults for `resource`: no `InputType`, header in the first row, comma delimiter, no
    /// `ItemsPointer`, no transformation.
    pub const fn new(resource: ReaderResource) -> ReaderConfig {
        ReaderConfig {
            resource,
            input_type: None,
            csv_headers: None,
            csv_delimiter: b',',
            items_pointer: None,
            load_and_flatten: false,
        }
    }
}

/// The items an `ItemReader` yields, from its handler's `response`.
///
/// `max_items` is the resolved `MaxItems` / `MaxItemsPath` value: `None` or `Some(0)` means no
/// limit; larger values are capped at [`MAX_ITEMS_LIMIT`]. For CSV it counts data rows (not the
/// header).
///
/// Accepted responses:
/// * `getObject`: the object's body as a JSON string, or an object with a string `Body` member
///   (the GetObject response). For `InputType` JSON an already parsed array or object (or a
///   non-string `Body`) is taken as the document itself.
/// * `listObjectsV2`: an array of object entries, or the ListObjectsV2 response object with a
///   `Contents` array (no `Contents`: no objects). The handler returns every page. Each item is
///   `{"Etag", "Key", "LastModified", "Size", "StorageClass"}` (members present in the entry;
///   `ETag` is renamed `Etag`, a date-time `LastModified` becomes epoch seconds, other members
///   are dropped). With `LOAD_AND_FLATTEN` each entry must carry the object's content as `Body`
///   (a string or a getObject response); the items are those of every object in order, an
///   empty (or blank) string `Body` giving none (folder placeholders).
///
/// `Err` is the cause of a `States.ItemReaderFailed` error: duplicate CSV headers
/// (`CSV headers cannot contain duplicates.`), a JSON source that is not an array
/// (`Attempting to map over non-iterable node.`), unparsable content, a malformed response, an
/// unsupported `InputType`.
pub fn read_items(
    config: &ReaderConfig,
    max_items: Option<u64>,
    response: Value,
) -> Result<Vec<Value>, String> {
    let limit = item_limit(max_items);
    match config.resource {
        ReaderResource::GetObject => parse_object(config, response, limit),
        ReaderResource::ListObjectsV2 => {
            let entries = list_entries(response)?;
            if !config.load_and_flatten {
                return Ok(entries
                    .into_iter()
                    .take(limit)
                    .map(object_metadata)
                    .collect());
            }
            let mut items = Vec::new();
            for entry in entries {
                if items.len() >= limit {
                    break;
                }
                let key = entry.get("Key").and_then(Value::as_str).unwrap_or("");
                let body = match entry.get("Body") {
                    Some(body) => body.clone(),
                    None => {
                        return Err(format!(
                            "The listObjectsV2 entry for the object '{key}' has no Body to load \
                             (Transformation LOAD_AND_FLATTEN)."
                        ));
                    }
                };
                if body.as_str().is_some_and(|text| text.trim().is_empty()) {
                    continue;
                }
                let remaining = limit - items.len();
                items.extend(parse_object(config, body, remaining)?);
            }
            Ok(items)
        }
    }
}

/// `MaxItems` as a count: `None` / `0` is no limit, otherwise capped at [`MAX_ITEMS_LIMIT`].
fn item_limit(max_items: Option<u64>) -> usize {
    let n = match max_items {
        None | Some(0) => MAX_ITEMS_LIMIT,
        Some(n) => n.min(MAX_ITEMS_LIMIT),
    };
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// Items from one object's content (a getObject response), at most `limit` of them.
fn parse_object(
    config: &ReaderConfig,
    response: Value,
    limit: usize,
) -> Result<Vec<Value>, String> {
    match config.input_type.unwrap_or(InputType::Json) {
        InputType::Json => {
            let mut document = json_document(response)?;
            let node = match config.items_pointer {
                None => document,
                Some(pointer) => match document.pointer_mut(pointer) {
                    Some(node) => node.take(),
                    None => {
                        return Err(format!(
                            "The ItemsPointer '{pointer}' does not match any node of the JSON object."
                        ));
                    }
                },
            };
            match node {
                Value::Array(mut items) => {
                    items.truncate(limit);
                    Ok(items)
                }
                _ => Err(NON_ITERABLE.to_owned()),
            }
        }
        InputType::Jsonl => parse_jsonl(&body_text(response)?, limit),
        InputType::Csv => parse_csv(
            &body_text(response)?,
            config.csv_headers.unwrap_or(CsvHeaders::FirstRow),
            config.csv_delimiter,
            limit,
        ),
        InputType::Manifest => {
            Err("The ItemReader InputType MANIFEST is not supported by sfn.".to_owned())
        }
        InputType::Parquet => {
            Err("The ItemReader InputType PARQUET is not supported by sfn.".to_owned())
        }
    }
}

/// The text of a getObject response: the string itself or its string `Body`.
fn body_text(response: Value) -> Result<String, String> {
    match response {
        Value::String(text) => Ok(text),
        Value::Object(mut map) => match map.remove("Body") {
            Some(Value::String(text)) => Ok(text),
            _ => Err("The getObject response has no string Body.".to_owned()),
        },
        other => Err(format!(
            "The getObject response must be the object's content as a string or an object with a \
             Body, not {}.",
            type_name(&other)
        )),
    }
}

/// The JSON document of a getObject response (see [`read_items`]).
fn json_document(response: Value) -> Result<Value, String> {
    let text = match response {
        Value::String(text) => text,
        Value::Object(mut map) => match map.remove("Body") {
            Some(Value::String(text)) => text,
            Some(parsed) => return Ok(parsed),
            None => return Ok(Value::Object(map)),
        },
        other => return Ok(other),
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    serde_json::from_str(text)
        .map_err(|e| format!("The content of the object is not valid JSON: {e}."))
}

/// JSON Lines: one value per non-blank line.
fn parse_jsonl(text: &str, limit: usize) -> Result<Vec<Value>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut items = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if items.len() >= limit {
            break;
        }
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let item = serde_json::from_str(line).map_err(|e| {
            format!(
                "Line {} of the JSONL object is not valid JSON: {e}.",
                number + 1
            )
        })?;
        items.push(item);
    }
    Ok(items)
}

/// CSV rows as objects keyed by header; missing fields are `""`, extra fields dropped.
///
/// Parsing uses the `csv` crate: `"`-quoted fields may hold delimiters, newlines and doubled
/// quotes; inside quotes a backslash escapes the next character; blank lines are skipped.
fn parse_csv(
    text: &str,
    headers: CsvHeaders,
    delimiter: u8,
    limit: usize,
) -> Result<Vec<Value>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .escape(Some(b'\\'))
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let csv_error =
        |e: csv::Error| format!("The CSV content of the object could not be parsed: {e}.");
    let header: Vec<String> = match headers {
        CsvHeaders::Given(names) => names.iter().map(|&name| name.to_owned()).collect(),
        CsvHeaders::FirstRow => match records.next() {
            None => return Ok(Vec::new()),
            Some(record) => record
                .map_err(csv_error)?
                .iter()
                .map(str::to_owned)
                .collect(),
        },
    };
    let mut seen = HashSet::with_capacity(header.len());
    if !header.iter().all(|name| seen.insert(name.as_str())) {
        return Err("CSV headers cannot contain duplicates.".to_owned());
    }
    let mut items = Vec::new();
    while items.len() < limit {
        let Some(record) = records.next() else { break };
        let record = record.map_err(csv_error)?;
        let mut row = Map::with_capacity(header.len());
        for (i, name) in header.iter().enumerate() {
            row.insert(
                name.clone(),
                Value::String(record.get(i).unwrap_or("").to_owned()),
            );
        }
        items.push(Value::Object(row));
    }
    Ok(items)
}

/// The object entries of a listObjectsV2 response (see [`read_items`]).
fn list_entries(response: Value) -> Result<Vec<Map<String, Value>>, String> {
    let entries = match response {
        Value::Array(entries) => entries,
        Value::Object(mut map) => match map.remove("Contents") {
            Some(Value::Array(entries)) => entries,
            None | Some(Value::Null) => Vec::new(),
            Some(other) => {
                return Err(format!(
                    "The listObjectsV2 response's Contents must be an array, not {}.",
                    type_name(&other)
                ));
            }
        },
        other => {
            return Err(format!(
                "The listObjectsV2 response must be an array of objects or an object with \
                 Contents, not {}.",
                type_name(&other)
            ));
        }
    };
    entries
        .into_iter()
        .map(|entry| match entry {
            Value::Object(map) => Ok(map),
            other => Err(format!(
                "A listObjectsV2 entry must be an object, not {}.",
                type_name(&other)
            )),
        })
        .collect()
}

/// The item AWS yields for a listed object:
/// `{"Etag", "Key", "LastModified", "Size", "StorageClass"}`.
fn object_metadata(mut entry: Map<String, Value>) -> Value {
    let mut item = Map::with_capacity(5);
    if let Some(etag) = entry.remove("ETag").or_else(|| entry.remove("Etag")) {
        item.insert("Etag".to_owned(), etag);
    }
    if let Some(key) = entry.remove("Key") {
        item.insert("Key".to_owned(), key);
    }
    if let Some(modified) = entry.remove("LastModified") {
        item.insert("LastModified".to_owned(), epoch_seconds(modified));
    }
    if let Some(size) = entry.remove("Size") {
        let size = match &size {
            Value::String(text) => text.parse::<u64>().map_or(size, Value::from),
            _ => size,
        };
        item.insert("Size".to_owned(), size);
    }
    if let Some(class) = entry.remove("StorageClass") {
        item.insert("StorageClass".to_owned(), class);
    }
    Value::Object(item)
}

/// A `LastModified` date-time string (RFC 3339 or RFC 2822) as epoch seconds; anything else as is.
fn epoch_seconds(value: Value) -> Value {
    let Value::String(text) = &value else {
        return value;
    };
    if let Some(t) = crate::timestamp::parse(text) {
        return Value::from(t.secs);
    }
    match DateTime::parse_from_rfc2822(text) {
        Ok(t) => Value::from(t.timestamp()),
        Err(_) => value,
    }
}

/// A JSON type's name, for messages.
fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

// ---------------------------------------------------------------------------------------------
// Limits (MaxItems, MaxItemsPerBatch, MaxInputBytesPerBatch)
// ---------------------------------------------------------------------------------------------

/// An integer from a JSON value: integral JSON numbers only (`2`, not `2.0` or `"2"`);
/// integers above `i64::MAX` saturate.
pub fn integer(value: &Value) -> Option<i64> {
    value.as_i64().or_else(|| value.as_u64().map(|_| i64::MAX))
}

/// The integer a `…Path` field (`MaxItemsPath`, `MaxItemsPerBatchPath`,
/// `MaxInputBytesPerBatchPath`) refers to.
///
/// `field` is the field's name (`"MaxItemsPath"`), `path_text` its path as written. `Err` is the
/// detail of a `States.Runtime` error (for `Exec::runtime_error`), worded as AWS words
/// `MaxConcurrencyPath`: `The MaxItemsPath field refers to value "NoNumber" which is not a valid
/// integer: $.max` (strings shown raw, other values as compact JSON).
pub fn path_integer(field: &str, path_text: &str, value: &Value) -> Result<i64, String> {
    integer(value).ok_or_else(|| not_a_valid(field, value, "integer", path_text))
}

/// AWS's wording for a `…Path` field whose value is not a valid `kind`
/// (`integer`, `float`): strings shown raw, other values as compact JSON.
pub fn not_a_valid(field: &str, value: &Value, kind: &str, path_text: &str) -> String {
    let shown = super::path::shown(value);
    format!(
        "The {field} field refers to value \"{shown}\" which is not a valid {kind}: {path_text}"
    )
}

/// `MaxItems` from an integer (a `MaxItemsPath` value or a JSONata result), for [`read_items`].
///
/// `0` means no limit (`None`); values above [`MAX_ITEMS_LIMIT`] are capped. A negative value is
/// `Err`, the cause of a `States.ItemReaderFailed` error: `field MaxItems must be positive`.
pub fn max_items_limit(value: i64) -> Result<Option<u64>, String> {
    match u64::try_from(value) {
        Err(_) => Err("field MaxItems must be positive".to_owned()),
        Ok(0) => Ok(None),
        Ok(n) => Ok(Some(n.min(MAX_ITEMS_LIMIT))),
    }
}

/// `MaxItemsPerBatch` / `MaxInputBytesPerBatch` from an integer (a `…Path` value or a JSONata
/// result), for [`batch_items`].
///
/// `field` is the field's name without `Path` (`"MaxItemsPerBatch"`). The value must be at least
/// 1, else `Err` is the detail of a `States.Runtime` error: `field MaxItemsPerBatch must be
/// positive`. `MaxInputBytesPerBatch` is capped at [`MAX_BATCH_BYTES`].
pub fn batch_limit(field: &str, value: i64) -> Result<u64, String> {
    match u64::try_from(value) {
        Ok(n) if n > 0 => Ok(if field == "MaxInputBytesPerBatch" {
            n.min(MAX_BATCH_BYTES)
        } else {
            n
        }),
        _ => Err(format!("field {field} must be positive")),
    }
}

// ---------------------------------------------------------------------------------------------
// ItemBatcher
// ---------------------------------------------------------------------------------------------

/// Groups consecutive `items` into child inputs `{"BatchInput": …, "Items": [...]}` (the
/// `BatchInput` member only when `batch_input` is given), in order.
///
/// A batch holds at most `max_items` items (`None` or `0`: no count limit) and its child input,
/// measured as compact JSON in UTF-8 bytes (`BatchInput` included), at most `max_bytes` bytes
/// (`None` or `0`: [`MAX_BATCH_BYTES`], as AWS batches up to 256 KiB by default). No items, no
/// batches. `Err` (an item that does not fit in a batch on its own) is an error message for the
/// caller to raise (the recordings do not show AWS's; `States.Runtime` is the natural choice).
pub fn batch_items(
    items: Vec<Value>,
    max_items: Option<u64>,
    max_bytes: Option<u64>,
    batch_input: Option<&Value>,
) -> Result<Vec<Value>, String> {
    let max_count = match max_items {
        None | Some(0) => usize::MAX,
        Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
    };
    let max_bytes = match max_bytes {
        None | Some(0) => MAX_BATCH_BYTES,
        Some(n) => n,
    };
    let empty = wrap(batch_input, Vec::new());
    let base = json_len(&empty) as u64;
    let mut batches = Vec::new();
    let mut current: Vec<Value> = Vec::new();
    let mut size = base;
    for (index, item) in items.into_iter().enumerate() {
        let len = json_len(&item) as u64;
        if base + len > max_bytes {
            return Err(format!(
                "The item at index {index} does not fit in a batch: the batch input would be {} \
                 bytes, more than the limit of {max_bytes} bytes (MaxInputBytesPerBatch).",
                base + len
            ));
        }
        // Every item after the first of a batch also adds a comma.
        if !current.is_empty() && (current.len() >= max_count || size + 1 + len > max_bytes) {
            batches.push(wrap(batch_input, std::mem::take(&mut current)));
            size = base;
        }
        size += if current.is_empty() { len } else { 1 + len };
        current.push(item);
    }
    if !current.is_empty() {
        batches.push(wrap(batch_input, current));
    }
    Ok(batches)
}

/// One child input of a batch.
fn wrap(batch_input: Option<&Value>, items: Vec<Value>) -> Value {
    let mut map = Map::with_capacity(2);
    if let Some(input) = batch_input {
        map.insert("BatchInput".to_owned(), input.clone());
    }
    map.insert("Items".to_owned(), Value::Array(items));
    Value::Object(map)
}

// ---------------------------------------------------------------------------------------------
// ResultWriter
// ---------------------------------------------------------------------------------------------

/// `WriterConfig.OutputType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputType {
    /// `JSON`: each result file is one JSON array.
    Json,
    /// `JSONL`: each result file has one compact JSON value per line.
    Jsonl,
}

/// `WriterConfig.Transformation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transformation {
    /// `NONE`: child execution records (ARN, input and output as JSON text, status, dates…).
    None,
    /// `COMPACT`: the child outputs.
    Compact,
    /// `FLATTEN`: the child outputs, array outputs spliced in element by element.
    Flatten,
}

/// A compiled `ResultWriter.WriterConfig` (both `None` when there is no `WriterConfig`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WriterConfig {
    /// `OutputType`; default `JSON`.
    pub output_type: Option<OutputType>,
    /// `Transformation`; default `NONE` when exporting to S3, `COMPACT` otherwise.
    pub transformation: Option<Transformation>,
}

/// How one child workflow run of a Map run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum ChildOutcome {
    /// Succeeded with this output.
    Succeeded(Value),
    /// Failed (status `FAILED`).
    Failed {
        /// The error name, if any.
        error: Option<String>,
        /// The cause, if any.
        cause: Option<String>,
    },
    /// Timed out (status `TIMED_OUT`).
    TimedOut {
        /// The error name, if any.
        error: Option<String>,
        /// The cause, if any.
        cause: Option<String>,
    },
    /// Stopped because the Map run failed or was stopped (status `ABORTED`).
    Aborted {
        /// The error name, if any.
        error: Option<String>,
        /// The cause, if any.
        cause: Option<String>,
    },
    /// Never started because the Map run ended first (status `PENDING`).
    Pending,
}

/// One child workflow run, as a `ResultWriter` reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChildRecord {
    /// The child execution's ARN (see [`child_execution_arn`]); unused for `Pending`.
    pub execution_arn: String,
    /// The child execution's name (the last part of its ARN); unused for `Pending`.
    pub name: String,
    /// The child state machine's ARN (see [`child_state_machine_arn`]); unused for `Pending`.
    pub state_machine_arn: String,
    /// The child's input (the item or batch after `ItemSelector`).
    pub input: Value,
    /// How it ended.
    pub outcome: ChildOutcome,
    /// When it started (`None` if it never did).
    pub start_date: Option<DateTime<Utc>>,
    /// When it stopped (`None` if it never did).
    pub stop_date: Option<DateTime<Utc>>,
}

impl ChildRecord {
    /// The `NONE`-transformation record, members in AWS's (alphabetical) order:
    /// `Cause`, `Error`, `ExecutionArn`, `Input` (JSON text), `InputDetails`, `Name`, `Output`
    /// (JSON text), `OutputDetails`, `RedriveCount`, `RedriveStatus`, `RedriveStatusReason`,
    /// `StartDate`, `StateMachineArn`, `Status`, `StopDate`. Dates are ISO 8601 UTC with
    /// milliseconds. A pending child has only `Input`, `InputDetails` and `Status`.
    pub fn to_json(&self) -> Value {
        let mut map = Map::with_capacity(15);
        let included = || {
            let mut details = Map::with_capacity(1);
            details.insert("Included".to_owned(), Value::Bool(true));
            Value::Object(details)
        };
        let input = Value::String(super::path::compact(&self.input));
        let (status, error, cause) = match &self.outcome {
            ChildOutcome::Pending => {
                map.insert("Input".to_owned(), input);
                map.insert("InputDetails".to_owned(), included());
                map.insert("Status".to_owned(), Value::from("PENDING"));
                return Value::Object(map);
            }
            ChildOutcome::Succeeded(_) => ("SUCCEEDED", None, None),
            ChildOutcome::Failed { error, cause } => ("FAILED", error.as_ref(), cause.as_ref()),
            ChildOutcome::TimedOut { error, cause } => {
                ("TIMED_OUT", error.as_ref(), cause.as_ref())
            }
            ChildOutcome::Aborted { error, cause } => ("ABORTED", error.as_ref(), cause.as_ref()),
        };
        if let Some(cause) = cause {
            map.insert("Cause".to_owned(), Value::from(cause.as_str()));
        }
        if let Some(error) = error {
            map.insert("Error".to_owned(), Value::from(error.as_str()));
        }
        map.insert(
            "ExecutionArn".to_owned(),
            Value::from(self.execution_arn.as_str()),
        );
        map.insert("Input".to_owned(), input);
        map.insert("InputDetails".to_owned(), included());
        map.insert("Name".to_owned(), Value::from(self.name.as_str()));
        if let ChildOutcome::Succeeded(output) = &self.outcome {
            map.insert(
                "Output".to_owned(),
                Value::String(super::path::compact(output)),
            );
            map.insert("OutputDetails".to_owned(), included());
        }
        map.insert("RedriveCount".to_owned(), Value::from(0));
        if status == "SUCCEEDED" {
            map.insert("RedriveStatus".to_owned(), Value::from("NOT_REDRIVABLE"));
            map.insert(
                "RedriveStatusReason".to_owned(),
                Value::from("Execution is SUCCEEDED and cannot be redriven"),
            );
        } else {
            map.insert("RedriveStatus".to_owned(), Value::from("REDRIVABLE"));
        }
        if let Some(start) = self.start_date {
            map.insert("StartDate".to_owned(), Value::String(iso_millis(start)));
        }
        map.insert(
            "StateMachineArn".to_owned(),
            Value::from(self.state_machine_arn.as_str()),
        );
        map.insert("Status".to_owned(), Value::from(status));
        if let Some(stop) = self.stop_date {
            map.insert("StopDate".to_owned(), Value::String(iso_millis(stop)));
        }
        Value::Object(map)
    }
}

/// `2025-02-04T01:49:50.099Z`: ISO 8601 UTC, always three fractional digits.
fn iso_millis(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// One object to write with the `s3:putObject` handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutObject {
    /// The object key (`<Prefix>/<map run id>/<file>`).
    pub key: String,
    /// The object's content.
    pub body: String,
}

/// What a `ResultWriter` does at the end of a Map run.
#[derive(Debug, Clone, PartialEq)]
pub struct WritePlan {
    /// The destination bucket (`None` without `Resource`: nothing to write).
    pub bucket: Option<String>,
    /// The objects to put, in order: result files, then `manifest.json`.
    pub files: Vec<PutObject>,
    /// The Map state's result: `{"MapRunArn", "ResultWriterDetails": {"Bucket", "Key"}}` when
    /// exporting, else the transformed array of child results.
    pub result: Value,
}

impl WritePlan {
    /// The `putObject` handler inputs `{"Bucket", "Key", "Body"}`, one per file, in write order.
    pub fn requests(&self) -> Vec<Value> {
        let Some(bucket) = &self.bucket else {
            return Vec::new();
        };
        self.files
            .iter()
            .map(|file| {
                let mut map = Map::with_capacity(3);
                map.insert("Bucket".to_owned(), Value::from(bucket.as_str()));
                map.insert("Key".to_owned(), Value::from(file.key.as_str()));
                map.insert("Body".to_owned(), Value::from(file.body.as_str()));
                Value::Object(map)
            })
            .collect()
    }
}

/// What the `ResultWriter` writes and what the Map state returns, from the child `records` in
/// item order.
///
/// `parameters` is the evaluated `ResultWriter.Parameters` / `Arguments` (`{"Bucket", "Prefix"?}`)
/// or `None` when there is no `Resource` (a `WriterConfig` alone: no files, and the result is
/// the array of child results transformed per `config`, default `COMPACT`; the array is the
/// state's output whatever the `OutputType`).
///
/// When exporting (default `NONE` and `JSON`), the files go under `<Prefix>/<map run id>/`
/// (`/` added to a non-empty `Prefix` that lacks one; the map run id is the last `:` part of
/// `map_run_arn`): `SUCCEEDED_0.json` (succeeded children, transformed), `FAILED_0.json` (failed,
/// timed out and aborted children, as records), `PENDING_0.json` (never started, as records),
/// each only when not empty, then `manifest.json`:
/// `{"DestinationBucket", "MapRunArn", "ResultFiles": {"FAILED": [{"Key", "Size"}…], "PENDING":
/// […], "SUCCEEDED": […]}}`. Failed children appear as records whatever the transformation.
///
/// `Err` is the cause of a `States.ResultWriterFailed` error (no string `Bucket`, a `Prefix`
/// that is not a string).
pub fn plan_write(
    config: &WriterConfig,
    parameters: Option<&Value>,
    map_run_arn: &str,
    records: Vec<ChildRecord>,
) -> Result<WritePlan, String> {
    let Some(parameters) = parameters else {
        let transformation = config.transformation.unwrap_or(Transformation::Compact);
        let result = transform(transformation, &records);
        return Ok(WritePlan {
            bucket: None,
            files: Vec::new(),
            result: Value::Array(result),
        });
    };
    let bucket = match parameters.get("Bucket") {
        Some(Value::String(bucket)) => bucket.clone(),
        _ => return Err("The ResultWriter parameters must have a string Bucket.".to_owned()),
    };
    let prefix = match parameters.get("Prefix") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(prefix)) => prefix.clone(),
        Some(_) => return Err("The ResultWriter Prefix must be a string.".to_owned()),
    };
    let transformation = config.transformation.unwrap_or(Transformation::None);
    let output_type = config.output_type.unwrap_or(OutputType::Json);

    let mut directory = prefix;
    if !directory.is_empty() && !directory.ends_with('/') {
        directory.push('/');
    }
    directory.push_str(map_run_id(map_run_arn));
    directory.push('/');

    let (succeeded, rest): (Vec<ChildRecord>, Vec<ChildRecord>) = records
        .into_iter()
        .partition(|r| matches!(r.outcome, ChildOutcome::Succeeded(_)));
    let (pending, failed): (Vec<ChildRecord>, Vec<ChildRecord>) = rest
        .into_iter()
        .partition(|r| matches!(r.outcome, ChildOutcome::Pending));

    // Result files in write order; the manifest lists them by status, alphabetically.
    let mut files = Vec::new();
    let mut result_files = Map::with_capacity(3);
    for status in ["FAILED", "PENDING", "SUCCEEDED"] {
        result_files.insert(status.to_owned(), Value::Array(Vec::new()));
    }
    for (status, group) in [
        ("SUCCEEDED", &succeeded),
        ("FAILED", &failed),
        ("PENDING", &pending),
    ] {
        if group.is_empty() {
            continue;
        }
        let body = render(output_type, &transform(transformation, group));
        let key = format!("{directory}{status}_0.json");
        let mut entry = Map::with_capacity(2);
        entry.insert("Key".to_owned(), Value::from(key.as_str()));
        entry.insert("Size".to_owned(), Value::from(body.len()));
        result_files.insert(status.to_owned(), Value::Array(vec![Value::Object(entry)]));
        files.push(PutObject { key, body });
    }
    let mut manifest = Map::with_capacity(3);
    manifest.insert("DestinationBucket".to_owned(), Value::from(bucket.as_str()));
    manifest.insert("MapRunArn".to_owned(), Value::from(map_run_arn));
    manifest.insert("ResultFiles".to_owned(), Value::Object(result_files));
    let manifest_key = format!("{directory}manifest.json");
    files.push(PutObject {
        key: manifest_key.clone(),
        body: super::path::compact(&Value::Object(manifest)),
    });

    let mut details = Map::with_capacity(2);
    details.insert("Bucket".to_owned(), Value::from(bucket.as_str()));
    details.insert("Key".to_owned(), Value::from(manifest_key));
    let mut result = Map::with_capacity(2);
    result.insert("MapRunArn".to_owned(), Value::from(map_run_arn));
    result.insert("ResultWriterDetails".to_owned(), Value::Object(details));
    Ok(WritePlan {
        bucket: Some(bucket),
        files,
        result: Value::Object(result),
    })
}

/// The child results under a transformation; children that did not succeed are records.
fn transform(transformation: Transformation, records: &[ChildRecord]) -> Vec<Value> {
    let mut values = Vec::with_capacity(records.len());
    for record in records {
        match (&record.outcome, transformation) {
            (ChildOutcome::Succeeded(output), Transformation::Compact) => {
                values.push(output.clone());
            }
            (ChildOutcome::Succeeded(Value::Array(outputs)), Transformation::Flatten) => {
                values.extend(outputs.iter().cloned());
            }
            (ChildOutcome::Succeeded(output), Transformation::Flatten) => {
                values.push(output.clone());
            }
            _ => values.push(record.to_json()),
        }
    }
    values
}

/// A result file's content.
fn render(output_type: OutputType, values: &[Value]) -> String {
    match output_type {
        OutputType::Json => {
            let mut text = String::from("[");
            for (i, value) in values.iter().enumerate() {
                if i > 0 {
                    text.push(',');
                }
                text.push_str(&super::path::compact(value));
            }
            text.push(']');
            text
        }
        OutputType::Jsonl => {
            let mut text = String::new();
            for value in values {
                text.push_str(&super::path::compact(value));
                text.push('\n');
            }
            text
        }
    }
}

/// The map run id: the last `:`-separated part of a map run ARN.
pub fn map_run_id(map_run_arn: &str) -> &str {
    map_run_arn.rsplit(':').next().unwrap_or(map_run_arn)
}

/// `arn:…:mapRun:<state machine>/<name>:<run id>` from the parent's state machine ARN, where
/// `name` is the Map's `Label` (or a generated id) and `run_id` a fresh id.
pub fn map_run_arn(state_machine_arn: &str, name: &str, run_id: &str) -> String {
    format!(
        "{}/{name}:{run_id}",
        swap_kind(state_machine_arn, ":stateMachine:", ":mapRun:")
    )
}

/// `arn:…:stateMachine:<state machine>/<name>`: the child state machine of a Map run.
pub fn child_state_machine_arn(state_machine_arn: &str, name: &str) -> String {
    format!("{state_machine_arn}/{name}")
}

/// `arn:…:execution:<state machine>/<name>:<child name>`: a child execution of a Map run.
pub fn child_execution_arn(state_machine_arn: &str, name: &str, child_name: &str) -> String {
    format!(
        "{}/{name}:{child_name}",
        swap_kind(state_machine_arn, ":stateMachine:", ":execution:")
    )
}

/// `arn` with its first `from` resource-type marker replaced by `to`.
fn swap_kind(arn: &str, from: &str, to: &str) -> String {
    match arn.find(from) {
        Some(at) => format!("{}{to}{}", &arn[..at], &arn[at + from.len()..]),
        None => arn.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const CSV: ReaderConfig = ReaderConfig {
        input_type: Some(InputType::Csv),
        csv_headers: Some(CsvHeaders::FirstRow),
        ..ReaderConfig::new(ReaderResource::GetObject)
    };
    const JSON: ReaderConfig = ReaderConfig {
        input_type: Some(InputType::Json),
        ..ReaderConfig::new(ReaderResource::GetObject)
    };
    const LIST: ReaderConfig = ReaderConfig::new(ReaderResource::ListObjectsV2);

    /// The body of the CSV cases of `test_base_scenarios` after the header line.
    const CSV_ROWS: &str = "Value4,Value5,Value6\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n";

    /// `file.json` of test_map_item_reader_base_json_max_items_jsonata (Python `json.dumps`).
    const FACTS: &str = r#"[{"verdict": "true", "statement_date": "6/11/2008", "statement_source": "speech"}, {"verdict": "false", "statement_date": "6/7/2022", "statement_source": "television"}, {"verdict": "mostly-true", "statement_date": "5/18/2016", "statement_source": "news"}]"#;

    fn object_keys(value: &Value) -> Vec<&str> {
        value
            .as_object()
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }

    // --- CSV (recorded cases) -----------------------------------------------------------------

    #[test]
    fn csv_first_row_header() {
        // v2__scenarios__test_base_scenarios__TestBaseScenarios__test_map_item_reader_base_csv_headers_first_line
        let body = format!("Col1,Col2,Col3\nValue1,Value2,Value3\n{CSV_ROWS}");
        let items = read_items(&CSV, None, json!({ "Body": body })).unwrap();
        assert_eq!(
            Value::Array(items),
            json!([
                {"Col1": "Value1", "Col2": "Value2", "Col3": "Value3"},
                {"Col1": "Value4", "Col2": "Value5", "Col3": "Value6"},
                {"Col1": "", "Col2": "", "Col3": ""},
                {"Col1": "true", "Col2": "1", "Col3": "'HelloWorld'"},
                {"Col1": "Null", "Col2": "None", "Col3": ""},
                {"Col1": "   ", "Col2": "", "Col3": ""}
            ])
        );
    }

    #[test]
    fn csv_items_keep_header_order() {
        let items = read_items(&CSV, None, json!("B,A,C\n1,2,3\n")).unwrap();
        assert_eq!(object_keys(&items[0]), ["B", "A", "C"]);
    }

    #[test]
    fn csv_first_row_with_empty_header_name_drops_extra_fields() {
        // v2__scenarios__test_base_scenarios__TestBaseScenarios__test_map_item_reader_csv_first_row_extra_fields
        let body = format!("H1,\n{CSV_ROWS}");
        let items = read_items(&CSV, None, Value::String(body)).unwrap();
        assert_eq!(
            Value::Array(items),
            json!([
                {"": "Value5", "H1": "Value4"},
                {"": "", "H1": ""},
                {"": "1", "H1": "true"},
                {"": "None", "H1": "Null"},
                {"": "", "H1": "   "}
            ])
        );
    }

    #[test]
    fn csv_header_names_are_plain_strings() {
        // v2__scenarios__test_base_scenarios__TestBaseScenarios__test_map_item_reader_csv_headers_first_row_typed_headers
        let body = format!("0,True,{{}}\n{CSV_ROWS}");
        let items = read_items(&CSV, None, Value::String(body)).unwrap();
        assert_eq!(
            Value::Array(items),
            json!([
                {"0": "Value4", "{}": "Value6", "True": "Value5"},
                {"0": "", "{}": "", "True": ""},
                {"0": "true", "{}": "'HelloWorld'", "True": "1"},
                {"0": "Null", "{}": "", "True": "None"},
                {"0": "   ", "{}": "", "True": ""}
            ])
        );
    }

    #[test]
    fn csv_given_duplicate_headers_fail() {
        // v2__scenarios__test_base_scenarios__TestBaseScenarios__test_map_item_reader_csv_headers_decl_duplicate_headers
        const HEADERS: &[&str] = &["H1", "H1", "H3"];
        let config = ReaderConfig {
            csv_headers: Some(CsvHeaders::Given(HEADERS)),
            ..CSV
        };
        let body = format!("Value1,Value2,Value3\n{CSV_ROWS}");
        assert_eq!(
            read_items(&config, None, Value::String(body)),
            Err("CSV headers cannot contain duplicates.".to_owned())
        );
    }

    #[test]
    fn csv_first_row_duplicate_headers_fail() {
        assert_eq!(
            read_items(&CSV, None, json!("A,B,A\n1,2,3\n")),
            Err("CSV headers cannot contain duplicates.".to_owned())
        );
    }

    #[test]
    fn csv_given_headers_make_every_row_data() {
        // Headers as in test_map_item_reader_base_csv_headers_decl; rows per the ASL docs rules
        // (missing fields are empty strings, extra fields are skipped).
        const HEADERS: &[&str] = &["H1", "H2", "H3"];
        let config = ReaderConfig {
            csv_headers: Some(CsvHeaders::Given(HEADERS)),
            ..CSV
        };
        let items = read_items(&config, None, json!("Value1,Value2,Value3\n,,,\n   \n")).unwrap();
        assert_eq!(
            Value::Array(items),
            json!([
                {"H1": "Value1", "H2": "Value2", "H3": "Value3"},
                {"H1": "", "H2": "", "H3": ""},
                {"H1": "   ", "H2": "", "H3": ""}
            ])
        );
    }

    const FOUR_ROWS: &str =
        "Col1,Col2\nValue1,Value2\nValue3,Value4\nValue5,Value6\nValue7,Value8\n";

    #[test]
    fn csv_max_items_zero_means_no_limit() {
        // v2__scenarios__test_base_scenarios__TestBaseScenarios__test_map_item_reader_csv_max_items--0-b6589f
        let items = read_items(&CSV, Some(0), json!(FOUR_ROWS)).unwrap();
        assert_eq!(
            Value::Array(items),
            json!([
                {"Col1": "Value1", "Col2": "Value2"},
                {"Col1": "Value3", "Col2": "Value4"},
                {"Col1": "Value5", "Col2": "Value6"},
                {"Col1": "Value7", "Col2": "Value8"}
            ])
        );
    }

    #[test]
    fn csv_max_items_counts_data_rows() {
        // v2__scenarios__test_base_scenarios__TestBaseScenarios__test_map_item_reader_csv_max_items--2-da4b92
        let items = read_items(&CSV, Some(2), json!(FOUR_ROWS)).unwrap();
        assert_eq!(
            Value::Array(items),
            json!([
                {"Col1": "Value1", "Col2": "Value2"},
                {"Col1": "Value3", "Col2": "Value4"}
            ])
        );
    }

    #[test]
    fn csv_max_items_above_the_row_count() {
        // v2__scenarios__test_base_scenarios__TestBaseScenarios__test_map_item_reader_csv_max_items--100000000-b1a658
        let items = read_items(&CSV, Some(100_000_000), json!(FOUR_ROWS)).unwrap();
        assert_eq!(items.len(), 4);
        assert_eq!(items[3], json!({"Col1": "Value7", "Col2": "Value8"}));
    }

    #[test]
    fn csv_quoting_per_the_aws_docs() {
        // "How Step Functions parses input CSV files": quoted fields keep commas, newlines and
        // doubled quotes.
        const HEADERS: &[&str] = &["MyLetters", "MyNumbers", "MyString", "MyArray"];
        let config = ReaderConfig {
            csv_headers: Some(CsvHeaders::Given(HEADERS)),
            ..CSV
        };
        let body = "abc,123,\"This string contains commas, a double quotation marks (\"\"), and a newline (\n)\",\"[1,2,3]\"";
        let items = read_items(&config, None, json!(body)).unwrap();
        assert_eq!(
            Value::Array(items),
            json!([{
                "MyLetters": "abc",
                "MyNumbers": "123",
                "MyString": "This string contains commas, a double quotation marks (\"), and a newline (\n)",
                "MyArray": "[1,2,3]"
            }])
        );
    }

    #[test]
    fn csv_backslash_escapes_inside_quotes() {
        // AWS docs: a backslash escapes a backslash, a quote or the delimiter; before any other
        // character it is removed.
        let body = "a,b\n\"x\\\\y\\\"z\",\"p\\,q\\r\"\n";
        let items = read_items(&CSV, None, json!(body)).unwrap();
        assert_eq!(items, vec![json!({"a": "x\\y\"z", "b": "p,qr"})]);
    }

    #[test]
    fn csv_other_delimiters_crlf_and_bom() {
        let config = ReaderConfig {
            csv_delimiter: b'|',
            ..CSV
        };
        let items =
            read_items(&config, None, json!("\u{feff}a|b\r\n1|2,3\r\n\r\n4|5\r\n")).unwrap();
        assert_eq!(
            Value::Array(items),
            json!([{"a": "1", "b": "2,3"}, {"a": "4", "b": "5"}])
        );
    }

    #[test]
    fn csv_empty_object_has_no_items() {
        assert_eq!(read_items(&CSV, None, json!("")), Ok(vec![]));
        assert_eq!(read_items(&CSV, None, json!("A,B\n")), Ok(vec![]));
    }

    // --- JSON / JSONL -------------------------------------------------------------------------

    #[test]
    fn json_max_items_takes_the_first_items() {
        // v2__scenarios__test_base_scenarios__TestBaseScenarios__test_map_item_reader_base_json_max_items_jsonata
        let items = read_items(&JSON, Some(2), json!({ "Body": FACTS })).unwrap();
        assert_eq!(
            Value::Array(items),
            json!([
                {"verdict": "true", "statement_date": "6/11/2008", "statement_source": "speech"},
                {"verdict": "false", "statement_date": "6/7/2022", "statement_source": "television"}
            ])
        );
    }

    #[test]
    fn json_max_items_of_repeated_items() {
        // v2__scenarios__test_base_scenarios__TestBaseScenarios__test_map_item_reader_base_json_max_items
        // (the object is the first fact three times).
        let fact =
            r#"{"verdict": "true", "statement_date": "6/11/2008", "statement_source": "speech"}"#;
        let body = format!("[{fact}, {fact}, {fact}]");
        let items = read_items(&JSON, Some(2), Value::String(body)).unwrap();
        assert_eq!(
            Value::Array(items),
            json!([
                {"verdict": "true", "statement_date": "6/11/2008", "statement_source": "speech"},
                {"verdict": "true", "statement_date": "6/11/2008", "statement_source": "speech"}
            ])
        );
    }

    #[test]
    fn json_accepts_parsed_documents() {
        assert_eq!(
            read_items(&JSON, None, json!([1, "two"])),
            Ok(vec![json!(1), json!("two")])
        );
        assert_eq!(
            read_items(&JSON, None, json!({"Body": [3, 4]})),
            Ok(vec![json!(3), json!(4)])
        );
        // No InputType: JSON.
        let untyped = ReaderConfig::new(ReaderResource::GetObject);
        assert_eq!(read_items(&untyped, None, json!("[5]")), Ok(vec![json!(5)]));
    }

    #[test]
    fn json_object_is_not_iterable() {
        // localstack's AWS-validated test_map_item_reader_json_no_json_list_object.
        assert_eq!(
            read_items(&JSON, None, json!(r#"{"Hello": "world"}"#)),
            Err("Attempting to map over non-iterable node.".to_owned())
        );
        assert_eq!(
            read_items(&JSON, None, json!({"Hello": "world"})),
            Err("Attempting to map over non-iterable node.".to_owned())
        );
    }

    #[test]
    fn json_items_pointer() {
        // The ItemsPointer example of the AWS ItemReader docs.
        let config = ReaderConfig {
            items_pointer: Some("/inventory/products/featured"),
            ..JSON
        };
        let body =
            r#"{"inventory": {"products": {"featured": [{"id": 1}, {"id": 2}], "other": 3}}}"#;
        assert_eq!(
            read_items(&config, Some(1), json!(body)),
            Ok(vec![json!({"id": 1})])
        );
        let missing = ReaderConfig {
            items_pointer: Some("/inventory/missing"),
            ..JSON
        };
        assert!(read_items(&missing, None, json!(body)).is_err());
        let scalar = ReaderConfig {
            items_pointer: Some("/inventory/products/other"),
            ..JSON
        };
        assert_eq!(
            read_items(&scalar, None, json!(body)),
            Err("Attempting to map over non-iterable node.".to_owned())
        );
    }

    #[test]
    fn json_parse_error_is_reported() {
        let error = read_items(&JSON, None, json!("[1, 2")).unwrap_err();
        assert!(
            error.starts_with("The content of the object is not valid JSON"),
            "{error}"
        );
    }

    #[test]
    fn jsonl_lines() {
        // The JSONL example of the AWS ItemReader docs.
        let config = ReaderConfig {
            input_type: Some(InputType::Jsonl),
            ..JSON
        };
        let body = "{\"verdict\": \"true\", \"statement_date\": \"6/11/2008\", \"statement_source\": \"speech\"}\n\
                    {\"verdict\": \"false\", \"statement_date\": \"6/7/2022\", \"statement_source\": \"television\"}\r\n\
                    \n\
                    {\"verdict\": \"mostly-true\", \"statement_date\": \"5/18/2016\", \"statement_source\": \"news\"}\n";
        let items = read_items(&config, None, json!(body)).unwrap();
        assert_eq!(items.len(), 3);
        assert_eq!(
            items[2],
            json!({"verdict": "mostly-true", "statement_date": "5/18/2016", "statement_source": "news"})
        );
        assert_eq!(read_items(&config, Some(1), json!(body)).unwrap().len(), 1);
        let error = read_items(&config, None, json!("1\n{oops}\n")).unwrap_err();
        assert!(error.starts_with("Line 2 of the JSONL object"), "{error}");
    }

    #[test]
    fn unsupported_input_types_fail() {
        for input_type in [InputType::Manifest, InputType::Parquet] {
            let config = ReaderConfig {
                input_type: Some(input_type),
                ..JSON
            };
            assert!(read_items(&config, None, json!("x")).is_err());
        }
    }

    // --- listObjectsV2 ------------------------------------------------------------------------

    /// A ListObjectsV2 `Contents` entry as the S3 API returns it for the objects of
    /// test_map_item_reader_base_list_objects_v2 (`{i}HelloWorld!`, 12 bytes).
    fn s3_entry(i: u32) -> Value {
        json!({
            "Key": format!("file_{i}.txt"),
            "LastModified": "2023-09-21T12:07:17.000Z",
            "ETag": format!("\"etag{i}\""),
            "ChecksumAlgorithm": ["CRC32"],
            "Size": 12,
            "StorageClass": "STANDARD",
            "Owner": {"ID": "owner"}
        })
    }

    #[test]
    fn list_objects_items() {
        // v2__scenarios__test_base_scenarios__TestBaseScenarios__test_map_item_reader_base_list_objects_v2
        // (Etag and LastModified are placeholders there; the shape and LastModified as epoch
        // seconds follow the AWS ItemReader docs example).
        let response = json!({"Contents": [s3_entry(0), s3_entry(1), s3_entry(2)], "KeyCount": 3});
        let items = read_items(&LIST, None, response).unwrap();
        assert_eq!(items.len(), 3);
        for (i, item) in items.iter().enumerate() {
            let mut keys = object_keys(item);
            keys.sort_unstable();
            assert_eq!(
                keys,
                ["Etag", "Key", "LastModified", "Size", "StorageClass"]
            );
            assert_eq!(item["Key"], json!(format!("file_{i}.txt")));
            assert_eq!(item["Size"], json!(12));
            assert_eq!(item["StorageClass"], json!("STANDARD"));
            assert_eq!(item["Etag"], json!(format!("\"etag{i}\"")));
            // date -u -d 2023-09-21T12:07:17Z +%s
            assert_eq!(item["LastModified"], json!(1_695_298_037));
        }
    }

    #[test]
    fn list_objects_accepts_an_array_and_keeps_given_shapes() {
        let docs_item = json!({
            "Etag": "\"05704fbdccb224cb01c59005bebbad28\"",
            "Key": "processData/images/n02085620_1073.jpg",
            "LastModified": 1_668_699_881,
            "Size": 34910,
            "StorageClass": "STANDARD"
        });
        let items = read_items(&LIST, Some(1), json!([docs_item.clone(), s3_entry(1)])).unwrap();
        assert_eq!(items, vec![docs_item]);
        assert_eq!(read_items(&LIST, None, json!({"KeyCount": 0})), Ok(vec![]));
        assert!(read_items(&LIST, None, json!([1])).is_err());
        assert!(read_items(&LIST, None, json!("x")).is_err());
    }

    #[test]
    fn list_objects_rfc2822_dates() {
        let entry = json!({"Key": "k", "LastModified": "Thu, 21 Sep 2023 12:07:17 GMT"});
        let items = read_items(&LIST, None, json!([entry])).unwrap();
        assert_eq!(items[0]["LastModified"], json!(1_695_298_037));
    }

    #[test]
    fn load_and_flatten_reads_every_object() {
        let config = ReaderConfig {
            input_type: Some(InputType::Csv),
            load_and_flatten: true,
            ..LIST
        };
        let response = json!({"Contents": [
            {"Key": "a.csv", "Body": "x,y\n1,2\n3,4\n"},
            {"Key": "folder/", "Body": ""},
            {"Key": "b.csv", "Body": {"Body": "x,y\n5,6\n"}}
        ]});
        let items = read_items(&config, None, response.clone()).unwrap();
        assert_eq!(
            Value::Array(items),
            json!([{"x": "1", "y": "2"}, {"x": "3", "y": "4"}, {"x": "5", "y": "6"}])
        );
        assert_eq!(read_items(&config, Some(2), response).unwrap().len(), 2);
        assert!(read_items(&config, None, json!([{"Key": "k"}])).is_err());
    }

    #[test]
    fn malformed_responses_never_panic() {
        let odd = [
            json!(null),
            json!(true),
            json!(3.5),
            json!({}),
            json!({"Body": 1}),
            json!({"Body": null}),
            json!({"Contents": 5}),
            json!([null, {"Key": 1, "Size": "x", "LastModified": 7}]),
        ];
        let configs = [
            CSV,
            JSON,
            LIST,
            ReaderConfig {
                input_type: Some(InputType::Jsonl),
                ..JSON
            },
            ReaderConfig {
                input_type: Some(InputType::Json),
                load_and_flatten: true,
                ..LIST
            },
        ];
        for config in &configs {
            for response in &odd {
                for max in [None, Some(0), Some(1), Some(u64::MAX)] {
                    let _ = read_items(config, max, response.clone());
                }
            }
        }
    }

    // --- limits -------------------------------------------------------------------------------

    #[test]
    fn path_integer_messages() {
        // Worded as the recorded MaxConcurrencyPath errors
        // (test_max_concurrency_path--NoNumber-a1bd1b, --max_concurrency_value0-a210c4).
        assert_eq!(
            path_integer("MaxItemsPath", "$.MaxItems", &json!("NoNumber")),
            Err("The MaxItemsPath field refers to value \"NoNumber\" which is not a valid integer: $.MaxItems".to_owned())
        );
        assert_eq!(
            path_integer("MaxItemsPerBatchPath", "$.n", &json!({})),
            Err("The MaxItemsPerBatchPath field refers to value \"{}\" which is not a valid integer: $.n".to_owned())
        );
        assert!(path_integer("MaxItemsPath", "$.x", &json!(1.5)).is_err());
        assert!(path_integer("MaxItemsPath", "$.x", &json!(null)).is_err());
        assert_eq!(path_integer("MaxItemsPath", "$.x", &json!(-1)), Ok(-1));
        assert_eq!(
            path_integer("MaxItemsPath", "$.x", &json!(u64::MAX)),
            Ok(i64::MAX)
        );
    }

    #[test]
    fn max_items_limits() {
        // 0 = no limit (test_map_item_reader_csv_max_items--0-b6589f); negative values fail as
        // in localstack's AWS-validated test_map_item_reader_csv_max_items_paths; the cap of
        // 100,000,000 is documented.
        assert_eq!(max_items_limit(0), Ok(None));
        assert_eq!(max_items_limit(2), Ok(Some(2)));
        assert_eq!(max_items_limit(100_000_001), Ok(Some(100_000_000)));
        assert_eq!(
            max_items_limit(-1),
            Err("field MaxItems must be positive".to_owned())
        );
    }

    #[test]
    fn batch_limits() {
        assert_eq!(batch_limit("MaxItemsPerBatch", 100), Ok(100));
        assert_eq!(batch_limit("MaxInputBytesPerBatch", 150_000), Ok(150_000));
        assert_eq!(batch_limit("MaxInputBytesPerBatch", 1 << 20), Ok(262_144));
        assert_eq!(
            batch_limit("MaxItemsPerBatch", 0),
            Err("field MaxItemsPerBatch must be positive".to_owned())
        );
        assert!(batch_limit("MaxInputBytesPerBatch", -5).is_err());
    }

    // --- batching -----------------------------------------------------------------------------

    #[test]
    fn batching_recorded_case() {
        // v2__scenarios__test_base_scenarios__TestBaseScenarios__test_map_item_batching_base_json_max_per_batch_jsonata:
        // JSON reader with MaxItems 2, MaxItemsPerBatch 2, MaxInputBytesPerBatch 150000.
        let items = read_items(&JSON, Some(2), json!(FACTS)).unwrap();
        let batch_input = json!({"BatchTimestamp": "date"});
        let batches = batch_items(items, Some(2), Some(150_000), Some(&batch_input)).unwrap();
        assert_eq!(
            Value::Array(batches.clone()),
            json!([{
                "BatchInput": {"BatchTimestamp": "date"},
                "Items": [
                    {"verdict": "true", "statement_date": "6/11/2008", "statement_source": "speech"},
                    {"verdict": "false", "statement_date": "6/7/2022", "statement_source": "television"}
                ]
            }])
        );
        assert_eq!(object_keys(&batches[0]), ["BatchInput", "Items"]);
    }

    #[test]
    fn batching_by_count() {
        // ItemBatcher docs: 1130 items, MaxItemsPerBatch 100 -> 12 batches, 11 of 100 and one of 30.
        let items: Vec<Value> = (0..1130).map(Value::from).collect();
        let batches = batch_items(items, Some(100), None, None).unwrap();
        assert_eq!(batches.len(), 12);
        for batch in &batches[..11] {
            assert_eq!(batch["Items"].as_array().map(Vec::len), Some(100));
        }
        assert_eq!(batches[11]["Items"].as_array().map(Vec::len), Some(30));
        assert_eq!(batches[11]["Items"][29], json!(1129));
        assert_eq!(object_keys(&batches[0]), ["Items"]);
    }

    #[test]
    fn batching_by_bytes() {
        // Each item "aaaa" is 6 bytes; {"Items":[]} is 12: two items make 12 + 6 + 1 + 6 = 25
        // bytes, a third would make 32 > 30.
        let items = vec![json!("aaaa"); 5];
        let batches = batch_items(items.clone(), None, Some(30), None).unwrap();
        let sizes: Vec<usize> = batches
            .iter()
            .map(|b| b["Items"].as_array().map_or(0, Vec::len))
            .collect();
        assert_eq!(sizes, [2, 2, 1]);
        assert_eq!(json_len(&batches[0]), 25);
        // With both limits the smaller batch wins.
        let sizes: Vec<usize> = batch_items(items.clone(), Some(1), Some(30), None)
            .unwrap()
            .iter()
            .map(|b| b["Items"].as_array().map_or(0, Vec::len))
            .collect();
        assert_eq!(sizes, [1, 1, 1, 1, 1]);
        // BatchInput counts: {"BatchInput":1,"Items":[]} is 27 bytes, + 6 = 33 > 32.
        assert!(batch_items(items.clone(), None, Some(32), Some(&json!(1))).is_err());
        assert_eq!(
            batch_items(items.clone(), None, Some(33), Some(&json!(1)))
                .unwrap()
                .len(),
            5
        );
        // An item alone over the limit: 12 + 6 = 18 > 17.
        let error = batch_items(items, None, Some(17), None).unwrap_err();
        assert!(error.contains("index 0"), "{error}");
    }

    #[test]
    fn batching_default_byte_limit_is_256_kib() {
        // ItemBatcher docs: without a byte limit, batches hold up to 256 KiB.
        let big = Value::String("x".repeat(100_000)); // 100,002 bytes of JSON
        let batches = batch_items(vec![big; 5], None, None, None).unwrap();
        let sizes: Vec<usize> = batches
            .iter()
            .map(|b| b["Items"].as_array().map_or(0, Vec::len))
            .collect();
        assert_eq!(sizes, [2, 2, 1]);
        assert_eq!(batch_items(vec![], Some(3), None, None), Ok(vec![]));
    }

    // --- ResultWriter -------------------------------------------------------------------------

    const SM: &str = "arn:aws:states:us-east-1:111111111111:stateMachine:orderProcessing";

    fn at(ms: i64) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(ms).unwrap_or_default()
    }

    /// A succeeded child as in the ResultWriter docs example.
    fn docs_child(id: &str, output: Value) -> ChildRecord {
        ChildRecord {
            execution_arn: child_execution_arn(SM, "getOrders", id),
            name: id.to_owned(),
            state_machine_arn: child_state_machine_arn(SM, "getOrders"),
            input: json!({"order": id}),
            outcome: ChildOutcome::Succeeded(output),
            // 2025-02-04T01:49:50.099Z and 2025-02-04T01:49:50.163Z
            start_date: Some(at(1_738_633_790_099)),
            stop_date: Some(at(1_738_633_790_163)),
        }
    }

    fn orders(a: &str, b: &str) -> Value {
        json!([
            {"customer_id": a, "order_id": "100000"},
            {"customer_id": b, "order_id": "100001"}
        ])
    }

    #[test]
    fn recorded_result_writer_result() {
        // v2__scenarios__test_base_scenarios__TestBaseScenarios__test_map_state_result_writer:
        // Bucket "result-bucket", Prefix "mapJobs", Label "TestMap", items ["Hello", "World"].
        let run_arn = map_run_arn(
            "arn:aws:states:us-east-1:111111111111:stateMachine:sm",
            "TestMap",
            "0b7f1a2c-0000-4000-8000-000000000001",
        );
        assert_eq!(
            run_arn,
            "arn:aws:states:us-east-1:111111111111:mapRun:sm/TestMap:0b7f1a2c-0000-4000-8000-000000000001"
        );
        let records = ["Hello", "World"]
            .iter()
            .enumerate()
            .map(|(i, item)| ChildRecord {
                input: json!(item),
                ..docs_child(&format!("child-{i}"), json!(item))
            })
            .collect();
        let parameters = json!({"Bucket": "result-bucket", "Prefix": "mapJobs"});
        let plan = plan_write(
            &WriterConfig::default(),
            Some(&parameters),
            &run_arn,
            records,
        )
        .unwrap();
        assert_eq!(
            plan.result,
            json!({
                "MapRunArn": "arn:aws:states:us-east-1:111111111111:mapRun:sm/TestMap:0b7f1a2c-0000-4000-8000-000000000001",
                "ResultWriterDetails": {
                    "Bucket": "result-bucket",
                    "Key": "mapJobs/0b7f1a2c-0000-4000-8000-000000000001/manifest.json"
                }
            })
        );
        let keys: Vec<&str> = plan.files.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "mapJobs/0b7f1a2c-0000-4000-8000-000000000001/SUCCEEDED_0.json",
                "mapJobs/0b7f1a2c-0000-4000-8000-000000000001/manifest.json"
            ]
        );
        let manifest: Value = serde_json::from_str(&plan.files[1].body).unwrap();
        assert_eq!(
            manifest,
            json!({
                "DestinationBucket": "result-bucket",
                "MapRunArn": run_arn,
                "ResultFiles": {
                    "FAILED": [],
                    "PENDING": [],
                    "SUCCEEDED": [{
                        "Key": "mapJobs/0b7f1a2c-0000-4000-8000-000000000001/SUCCEEDED_0.json",
                        "Size": plan.files[0].body.len()
                    }]
                }
            })
        );
        // NONE by default: records with the outputs as JSON text.
        let succeeded: Value = serde_json::from_str(&plan.files[0].body).unwrap();
        assert_eq!(succeeded[0]["Output"], json!("\"Hello\""));
        assert_eq!(succeeded[1]["Input"], json!("\"World\""));
        let requests = plan.requests();
        assert_eq!(requests.len(), 2);
        assert_eq!(object_keys(&requests[1]), ["Bucket", "Key", "Body"]);
        assert_eq!(requests[1]["Bucket"], json!("result-bucket"));
        assert_eq!(requests[1]["Body"], json!(plan.files[1].body));
    }

    #[test]
    fn none_record_matches_the_docs() {
        // The Transformation NONE example of the ResultWriter docs.
        let id = "da4e9fc7-abab-3b27-9a77-a277e463b709";
        let record = docs_child(id, orders("145538", "898037")).to_json();
        assert_eq!(
            record,
            json!({
                "ExecutionArn": "arn:aws:states:us-east-1:111111111111:execution:orderProcessing/getOrders:da4e9fc7-abab-3b27-9a77-a277e463b709",
                "Input": "{\"order\":\"da4e9fc7-abab-3b27-9a77-a277e463b709\"}",
                "InputDetails": {"Included": true},
                "Name": "da4e9fc7-abab-3b27-9a77-a277e463b709",
                "Output": "[{\"customer_id\":\"145538\",\"order_id\":\"100000\"},{\"customer_id\":\"898037\",\"order_id\":\"100001\"}]",
                "OutputDetails": {"Included": true},
                "RedriveCount": 0,
                "RedriveStatus": "NOT_REDRIVABLE",
                "RedriveStatusReason": "Execution is SUCCEEDED and cannot be redriven",
                "StartDate": "2025-02-04T01:49:50.099Z",
                "StateMachineArn": "arn:aws:states:us-east-1:111111111111:stateMachine:orderProcessing/getOrders",
                "Status": "SUCCEEDED",
                "StopDate": "2025-02-04T01:49:50.163Z"
            })
        );
        assert_eq!(
            object_keys(&record),
            [
                "ExecutionArn",
                "Input",
                "InputDetails",
                "Name",
                "Output",
                "OutputDetails",
                "RedriveCount",
                "RedriveStatus",
                "RedriveStatusReason",
                "StartDate",
                "StateMachineArn",
                "Status",
                "StopDate"
            ]
        );
    }

    #[test]
    fn failed_and_pending_records() {
        let failed = ChildRecord {
            outcome: ChildOutcome::Failed {
                error: Some("Lambda.Unknown".to_owned()),
                cause: Some("boom".to_owned()),
            },
            ..docs_child("f", json!(null))
        }
        .to_json();
        assert_eq!(failed["Status"], json!("FAILED"));
        assert_eq!(failed["Error"], json!("Lambda.Unknown"));
        assert_eq!(failed["Cause"], json!("boom"));
        assert_eq!(failed["RedriveStatus"], json!("REDRIVABLE"));
        assert!(failed.get("Output").is_none());
        assert_eq!(object_keys(&failed)[..2], ["Cause", "Error"]);
        let timed_out = ChildRecord {
            outcome: ChildOutcome::TimedOut {
                error: Some("States.Timeout".to_owned()),
                cause: None,
            },
            ..docs_child("t", json!(null))
        }
        .to_json();
        assert_eq!(timed_out["Status"], json!("TIMED_OUT"));
        assert!(timed_out.get("Cause").is_none());
        let pending = ChildRecord {
            outcome: ChildOutcome::Pending,
            start_date: None,
            stop_date: None,
            ..docs_child("p", json!(null))
        }
        .to_json();
        assert_eq!(
            pending,
            json!({"Input": "{\"order\":\"p\"}", "InputDetails": {"Included": true}, "Status": "PENDING"})
        );
    }

    #[test]
    fn transformations_per_the_docs() {
        // ResultWriter docs: children returning arrays; COMPACT keeps them, FLATTEN splices them.
        let records = vec![
            docs_child("1", orders("145538", "898037")),
            docs_child("2", orders("169881", "797471")),
            docs_child("3", json!({"single": true})),
        ];
        let compact = WriterConfig {
            output_type: Some(OutputType::Json),
            transformation: Some(Transformation::Compact),
        };
        let plan = plan_write(&compact, None, "arn:x:mapRun:sm/l:id", records.clone()).unwrap();
        assert!(plan.files.is_empty());
        assert!(plan.requests().is_empty());
        assert_eq!(
            plan.result,
            json!([orders("145538", "898037"), orders("169881", "797471"), {"single": true}])
        );
        let flatten = WriterConfig {
            transformation: Some(Transformation::Flatten),
            ..compact
        };
        let plan = plan_write(&flatten, None, "arn:x:mapRun:sm/l:id", records.clone()).unwrap();
        assert_eq!(
            plan.result,
            json!([
                {"customer_id": "145538", "order_id": "100000"},
                {"customer_id": "898037", "order_id": "100001"},
                {"customer_id": "169881", "order_id": "100000"},
                {"customer_id": "797471", "order_id": "100001"},
                {"single": true}
            ])
        );
        // WriterConfig without Transformation and without Resource: COMPACT.
        let plan = plan_write(&WriterConfig::default(), None, "a:b", records).unwrap();
        assert_eq!(plan.result[2], json!({"single": true}));
    }

    #[test]
    fn failed_children_stay_records_and_get_their_own_files() {
        let records = vec![
            docs_child("1", json!([1, 2])),
            ChildRecord {
                outcome: ChildOutcome::Aborted {
                    error: None,
                    cause: None,
                },
                ..docs_child("2", json!(null))
            },
            ChildRecord {
                outcome: ChildOutcome::Pending,
                ..docs_child("3", json!(null))
            },
        ];
        let config = WriterConfig {
            output_type: Some(OutputType::Jsonl),
            transformation: Some(Transformation::Flatten),
        };
        let parameters = json!({"Bucket": "b", "Prefix": "out/"});
        let plan = plan_write(
            &config,
            Some(&parameters),
            "arn:aws:states:r:1:mapRun:sm/L:run",
            records.clone(),
        )
        .unwrap();
        let keys: Vec<&str> = plan.files.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "out/run/SUCCEEDED_0.json",
                "out/run/FAILED_0.json",
                "out/run/PENDING_0.json",
                "out/run/manifest.json"
            ]
        );
        assert_eq!(plan.files[0].body, "1\n2\n");
        let failed: Value = serde_json::from_str(plan.files[1].body.trim_end()).unwrap();
        assert_eq!(failed["Status"], json!("ABORTED"));
        let manifest: Value = serde_json::from_str(&plan.files[3].body).unwrap();
        assert_eq!(
            object_keys(&manifest["ResultFiles"]),
            ["FAILED", "PENDING", "SUCCEEDED"]
        );
        assert_eq!(
            manifest["ResultFiles"]["PENDING"][0]["Key"],
            json!("out/run/PENDING_0.json")
        );
        // Preview (no Resource): failed children are records in item order.
        let preview = plan_write(&config, None, "a:run", records).unwrap();
        assert_eq!(preview.result[0], json!(1));
        assert_eq!(preview.result[1], json!(2));
        assert_eq!(preview.result[2]["Status"], json!("ABORTED"));
        assert_eq!(preview.result[3]["Status"], json!("PENDING"));
    }

    #[test]
    fn result_writer_parameters() {
        let run = "arn:aws:states:r:1:mapRun:sm/L:run";
        let plan = plan_write(
            &WriterConfig::default(),
            Some(&json!({"Bucket": "b"})),
            run,
            vec![],
        )
        .unwrap();
        // No children: only the manifest, at the top of the bucket.
        assert_eq!(plan.files.len(), 1);
        assert_eq!(plan.files[0].key, "run/manifest.json");
        assert_eq!(
            serde_json::from_str::<Value>(&plan.files[0].body).unwrap()["ResultFiles"],
            json!({"FAILED": [], "PENDING": [], "SUCCEEDED": []})
        );
        let empty_prefix = json!({"Bucket": "b", "Prefix": ""});
        let plan = plan_write(&WriterConfig::default(), Some(&empty_prefix), run, vec![]).unwrap();
        assert_eq!(
            plan.result["ResultWriterDetails"]["Key"],
            json!("run/manifest.json")
        );
        for bad in [
            json!({}),
            json!({"Bucket": 1}),
            json!({"Bucket": "b", "Prefix": 2}),
            json!(null),
        ] {
            assert!(plan_write(&WriterConfig::default(), Some(&bad), run, vec![]).is_err());
        }
    }

    #[test]
    fn arns() {
        assert_eq!(
            map_run_id("arn:aws:states:r:1:mapRun:sm/TestMap:abc-123"),
            "abc-123"
        );
        assert_eq!(map_run_id("no-colon"), "no-colon");
        assert_eq!(
            child_execution_arn(SM, "getOrders", "da4e9fc7"),
            "arn:aws:states:us-east-1:111111111111:execution:orderProcessing/getOrders:da4e9fc7"
        );
        assert_eq!(
            child_state_machine_arn(SM, "getOrders"),
            "arn:aws:states:us-east-1:111111111111:stateMachine:orderProcessing/getOrders"
        );
    }
}
