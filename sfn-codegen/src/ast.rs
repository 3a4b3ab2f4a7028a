//! The ASL syntax tree, and its parsing from positioned JSON.
//!
//! Parsing checks the shape of every object (required and allowed fields,
//! value types and ranges, exclusive field pairs, path syntax, templates,
//! Choice rules) and collects every problem it finds; graph-level rules
//! (targets, reachability, unique names) are in [`crate::check`].

use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::intrinsic::{self, Call};
use crate::json::{Json, JsonKind, Member};
use crate::path::{self, Path, Root};
use crate::source::Span;

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where.
    pub span: Span,
}

/// A whole definition (or, later, a nested block: its `StartAt` and `States`).
#[derive(Debug, Clone)]
pub struct Definition {
    /// `StartAt`.
    pub start_at: Spanned<String>,
    /// The states, in source order.
    pub states: Vec<State>,
    /// Where the `States` object is.
    pub states_span: Span,
    /// `TimeoutSeconds` of the execution.
    pub timeout_seconds: Option<u64>,
    /// `Comment`.
    pub comment: Option<String>,
}

/// One state.
#[derive(Debug, Clone)]
pub struct State {
    /// The state's name (its key in `States`).
    pub name: String,
    /// Where the name is.
    pub name_span: Span,
    /// `Comment`.
    pub comment: Option<String>,
    /// The outgoing transitions (`Next`, `Default`, `Choices[].Next`, `Catch[].Next`).
    pub targets: Vec<Spanned<String>>,
    /// Whether the state ends its block (`End: true`, Succeed, Fail).
    pub terminal: bool,
    /// What the state does; `None` when it had errors or is not supported.
    pub body: Option<Body>,
    /// The nested blocks: a Parallel state's branches, a Map state's item
    /// processor. Kept apart from `body` so that the graph rules check them
    /// even when the state itself has errors.
    pub blocks: Vec<Definition>,
}

/// What a state does, by type.
#[derive(Debug, Clone)]
pub enum Body {
    /// `Pass`
    Pass(Pass),
    /// `Task`
    Task(Box<Task>),
    /// `Choice`
    Choice(Choice),
    /// `Wait`
    Wait(Wait),
    /// `Succeed`
    Succeed(Io),
    /// `Fail`
    Fail(Fail),
    /// `Parallel`; its branches are the state's `blocks`.
    Parallel(Box<Parallel>),
    /// `Map`; its item processor is the state's only block.
    Map(Box<MapState>),
}

/// `InputPath` and `OutputPath`.
#[derive(Debug, Clone, Default)]
pub struct Io {
    /// `InputPath`.
    pub input_path: PathField,
    /// `OutputPath`.
    pub output_path: PathField,
}

/// A path field that may be absent (`$`) or `null` (`{}` / discard).
#[derive(Debug, Clone, Default)]
pub enum PathField {
    /// Absent: `$`.
    #[default]
    Default,
    /// `null`.
    Null,
    /// A path.
    Path(Path),
}

/// Where the next state comes from.
#[derive(Debug, Clone)]
pub enum Transition {
    /// `Next`.
    Next(Spanned<String>),
    /// `End: true`.
    End,
}

/// A payload template (`Parameters`, `ResultSelector`).
#[derive(Debug, Clone)]
pub enum Template {
    /// A value with no `.$` member anywhere inside.
    Literal(serde_json::Value),
    /// An object with at least one dynamic member inside.
    Object(Vec<(String, Template)>),
    /// An array with at least one dynamic member inside.
    Array(Vec<Template>),
    /// `"key.$": "$…"`: `field` is the key as written.
    Path {
        /// The path.
        path: Path,
        /// The member key with its `.$`.
        field: String,
    },
    /// `"key.$": "States.…(…)"`: an intrinsic function call.
    Intrinsic {
        /// The call.
        call: Call,
        /// The member key with its `.$`.
        field: String,
    },
}

/// A `Pass` state.
#[derive(Debug, Clone)]
pub struct Pass {
    /// InputPath, OutputPath.
    pub io: Io,
    /// `Parameters`.
    pub parameters: Option<Template>,
    /// `Result`.
    pub result: Option<serde_json::Value>,
    /// `ResultPath`.
    pub result_path: PathField,
    /// `Next` / `End`.
    pub transition: Transition,
}

/// How a Task resource is invoked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceKind {
    /// `arn:aws:lambda:…:function:NAME`
    LambdaFunction {
        /// The function name.
        function: String,
    },
    /// `arn:aws:states:::lambda:invoke`
    LambdaInvoke,
    /// `arn:aws:states:::SERVICE:API`
    Service {
        /// The service (`sqs`, `aws-sdk:s3`, …).
        resource_type: String,
        /// The API with its pattern suffix.
        api: String,
    },
    /// `arn:aws:states:…:activity:NAME`
    Activity {
        /// The activity name.
        name: String,
    },
}

/// A number of seconds given literally or by a reference path.
#[derive(Debug, Clone)]
pub enum Seconds {
    /// A literal.
    Literal(u64),
    /// `…Path`.
    Path(Path),
}

/// A `Task` state.
#[derive(Debug, Clone)]
pub struct Task {
    /// InputPath, OutputPath.
    pub io: Io,
    /// `Resource`.
    pub resource: Spanned<String>,
    /// What kind of resource it is.
    pub kind: ResourceKind,
    /// `Parameters`.
    pub parameters: Option<Template>,
    /// `ResultSelector`.
    pub result_selector: Option<Template>,
    /// `ResultPath`.
    pub result_path: PathField,
    /// `TimeoutSeconds` / `TimeoutSecondsPath`.
    pub timeout: Option<Seconds>,
    /// `HeartbeatSeconds` / `HeartbeatSecondsPath`.
    pub heartbeat: Option<Seconds>,
    /// `Retry`.
    pub retry: Vec<Retrier>,
    /// `Catch`.
    pub catch: Vec<Catcher>,
    /// `Next` / `End`.
    pub transition: Transition,
}

/// A retrier, defaults applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Retrier {
    /// `ErrorEquals`.
    pub error_equals: Vec<String>,
    /// `IntervalSeconds`.
    pub interval_seconds: f64,
    /// `MaxAttempts`.
    pub max_attempts: u32,
    /// `BackoffRate`.
    pub backoff_rate: f64,
    /// `MaxDelaySeconds`.
    pub max_delay_seconds: Option<f64>,
    /// `JitterStrategy: FULL`.
    pub full_jitter: bool,
}

/// A catcher.
#[derive(Debug, Clone)]
pub struct Catcher {
    /// `ErrorEquals`.
    pub error_equals: Vec<String>,
    /// `Next`.
    pub next: Spanned<String>,
    /// `ResultPath`.
    pub result_path: PathField,
}

/// A `Choice` state.
#[derive(Debug, Clone)]
pub struct Choice {
    /// InputPath, OutputPath.
    pub io: Io,
    /// `Choices`: each rule and its `Next`.
    pub choices: Vec<(Condition, Spanned<String>)>,
    /// `Default`.
    pub default: Option<Spanned<String>>,
}

/// A Choice rule's condition.
#[derive(Debug, Clone)]
pub enum Condition {
    /// `And`
    And(Vec<Condition>),
    /// `Or`
    Or(Vec<Condition>),
    /// `Not`
    Not(Box<Condition>),
    /// `Variable` + one operator.
    Test {
        /// `Variable`.
        variable: Path,
        /// The operator.
        op: Operator,
        /// Its operand.
        operand: Operand,
    },
}

/// A Choice comparison operator (without its `Path` suffix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs, reason = "the variants are the ASL operator names")]
pub enum Operator {
    StringEquals,
    StringLessThan,
    StringGreaterThan,
    StringLessThanEquals,
    StringGreaterThanEquals,
    StringMatches,
    NumericEquals,
    NumericLessThan,
    NumericGreaterThan,
    NumericLessThanEquals,
    NumericGreaterThanEquals,
    BooleanEquals,
    TimestampEquals,
    TimestampLessThan,
    TimestampGreaterThan,
    TimestampLessThanEquals,
    TimestampGreaterThanEquals,
    IsNull,
    IsPresent,
    IsNumeric,
    IsString,
    IsBoolean,
    IsTimestamp,
}

/// What an operator's literal must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OperandType {
    String,
    Number,
    Boolean,
    Timestamp,
}

const OPERATORS: [(&str, Operator, OperandType, bool); 23] = [
    (
        "StringEquals",
        Operator::StringEquals,
        OperandType::String,
        true,
    ),
    (
        "StringLessThan",
        Operator::StringLessThan,
        OperandType::String,
        true,
    ),
    (
        "StringGreaterThan",
        Operator::StringGreaterThan,
        OperandType::String,
        true,
    ),
    (
        "StringLessThanEquals",
        Operator::StringLessThanEquals,
        OperandType::String,
        true,
    ),
    (
        "StringGreaterThanEquals",
        Operator::StringGreaterThanEquals,
        OperandType::String,
        true,
    ),
    (
        "StringMatches",
        Operator::StringMatches,
        OperandType::String,
        false,
    ),
    (
        "NumericEquals",
        Operator::NumericEquals,
        OperandType::Number,
        true,
    ),
    (
        "NumericLessThan",
        Operator::NumericLessThan,
        OperandType::Number,
        true,
    ),
    (
        "NumericGreaterThan",
        Operator::NumericGreaterThan,
        OperandType::Number,
        true,
    ),
    (
        "NumericLessThanEquals",
        Operator::NumericLessThanEquals,
        OperandType::Number,
        true,
    ),
    (
        "NumericGreaterThanEquals",
        Operator::NumericGreaterThanEquals,
        OperandType::Number,
        true,
    ),
    (
        "BooleanEquals",
        Operator::BooleanEquals,
        OperandType::Boolean,
        true,
    ),
    (
        "TimestampEquals",
        Operator::TimestampEquals,
        OperandType::Timestamp,
        true,
    ),
    (
        "TimestampLessThan",
        Operator::TimestampLessThan,
        OperandType::Timestamp,
        true,
    ),
    (
        "TimestampGreaterThan",
        Operator::TimestampGreaterThan,
        OperandType::Timestamp,
        true,
    ),
    (
        "TimestampLessThanEquals",
        Operator::TimestampLessThanEquals,
        OperandType::Timestamp,
        true,
    ),
    (
        "TimestampGreaterThanEquals",
        Operator::TimestampGreaterThanEquals,
        OperandType::Timestamp,
        true,
    ),
    ("IsNull", Operator::IsNull, OperandType::Boolean, false),
    (
        "IsPresent",
        Operator::IsPresent,
        OperandType::Boolean,
        false,
    ),
    (
        "IsNumeric",
        Operator::IsNumeric,
        OperandType::Boolean,
        false,
    ),
    ("IsString", Operator::IsString, OperandType::Boolean, false),
    (
        "IsBoolean",
        Operator::IsBoolean,
        OperandType::Boolean,
        false,
    ),
    (
        "IsTimestamp",
        Operator::IsTimestamp,
        OperandType::Boolean,
        false,
    ),
];

/// An operator's operand.
#[derive(Debug, Clone)]
pub enum Operand {
    /// A string literal.
    Str(String),
    /// A number literal.
    Num(f64),
    /// A boolean literal.
    Bool(bool),
    /// A timestamp literal: seconds and nanoseconds since the epoch.
    Timestamp(i64, u32),
    /// A `…Path` operand.
    Path(Path),
}

/// A `Wait` state.
#[derive(Debug, Clone)]
pub struct Wait {
    /// InputPath, OutputPath.
    pub io: Io,
    /// How long.
    pub until: WaitFor,
    /// `Next` / `End`.
    pub transition: Transition,
}

/// The four ways to say how long a Wait lasts.
#[derive(Debug, Clone)]
pub enum WaitFor {
    /// `Seconds`.
    Seconds(u64),
    /// `Timestamp`: seconds and nanoseconds since the epoch.
    Timestamp(i64, u32),
    /// `SecondsPath`.
    SecondsPath(Path),
    /// `TimestampPath`.
    TimestampPath(Path),
}

/// A `Fail` state.
#[derive(Debug, Clone, Default)]
pub struct Fail {
    /// `Error` / `ErrorPath`.
    pub error: Option<FailField>,
    /// `Cause` / `CausePath`.
    pub cause: Option<FailField>,
}

/// A Fail state's error or cause.
#[derive(Debug, Clone)]
pub enum FailField {
    /// `Error` / `Cause`.
    Literal(String),
    /// `ErrorPath` / `CausePath`.
    Path(Path),
    /// `ErrorPath` / `CausePath` given by an intrinsic function that returns a string.
    Intrinsic(Call),
}

/// The fields that Task, Parallel and Map states share after their work:
/// result processing, error handling and the transition.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// `ResultSelector`.
    pub result_selector: Option<Template>,
    /// `ResultPath`.
    pub result_path: PathField,
    /// `Retry`.
    pub retry: Vec<Retrier>,
    /// `Catch`.
    pub catch: Vec<Catcher>,
    /// `Next` / `End`.
    pub transition: Transition,
}

/// A `Parallel` state (its branches are the state's blocks).
#[derive(Debug, Clone)]
pub struct Parallel {
    /// InputPath, OutputPath.
    pub io: Io,
    /// `Parameters`: the input of every branch.
    pub parameters: Option<Template>,
    /// What happens with the branches' results.
    pub outcome: Outcome,
}

/// A count given literally or by a reference path.
#[derive(Debug, Clone)]
pub enum Count {
    /// A literal.
    Literal(u64),
    /// `…Path`.
    Path(Path),
}

/// A percentage given literally or by a reference path.
#[derive(Debug, Clone)]
pub enum Percentage {
    /// A literal, 0 to 100.
    Literal(f64),
    /// `…Path`.
    Path(Path),
}

/// A `Map` state (its item processor is the state's block).
#[derive(Debug, Clone)]
pub struct MapState {
    /// InputPath, OutputPath.
    pub io: Io,
    /// `ItemsPath`.
    pub items_path: PathField,
    /// `ItemSelector`, or the legacy `Parameters`.
    pub item_selector: Option<Template>,
    /// `ProcessorConfig.Mode` is `DISTRIBUTED`.
    pub distributed: bool,
    /// `MaxConcurrency` / `MaxConcurrencyPath`.
    pub max_concurrency: Option<Count>,
    /// `ToleratedFailurePercentage` / `ToleratedFailurePercentagePath`.
    pub tolerated_percentage: Option<Percentage>,
    /// `ToleratedFailureCount` / `ToleratedFailureCountPath`.
    pub tolerated_count: Option<Count>,
    /// `Label`.
    pub label: Option<String>,
    /// `ItemReader`.
    pub item_reader: Option<ItemReader>,
    /// `ItemBatcher`.
    pub item_batcher: Option<ItemBatcher>,
    /// `ResultWriter`.
    pub result_writer: Option<ResultWriter>,
    /// What happens with the iterations' results.
    pub outcome: Outcome,
}

/// A Map state's `ItemReader`.
#[derive(Debug, Clone)]
pub struct ItemReader {
    /// `Resource`: `arn:aws:states:::s3:getObject` or `…:s3:listObjectsV2`.
    pub resource: String,
    /// `Parameters`.
    pub parameters: Option<Template>,
    /// `ReaderConfig.InputType`.
    pub input_type: Option<String>,
    /// `ReaderConfig.CSVHeaderLocation`.
    pub csv_header_location: Option<String>,
    /// `ReaderConfig.CSVHeaders`.
    pub csv_headers: Vec<String>,
    /// `ReaderConfig.CSVDelimiter`.
    pub csv_delimiter: Option<String>,
    /// `ReaderConfig.MaxItems` / `MaxItemsPath`.
    pub max_items: Option<Count>,
    /// `ReaderConfig.ItemsPointer`.
    pub items_pointer: Option<String>,
    /// `ReaderConfig.Transformation`.
    pub transformation: Option<String>,
}

/// A Map state's `ItemBatcher`.
#[derive(Debug, Clone)]
pub struct ItemBatcher {
    /// `MaxItemsPerBatch` / `MaxItemsPerBatchPath`.
    pub max_items: Option<Count>,
    /// `MaxInputBytesPerBatch` / `MaxInputBytesPerBatchPath`.
    pub max_bytes: Option<Count>,
    /// `BatchInput`.
    pub batch_input: Option<Template>,
}

/// A Map state's `ResultWriter`.
#[derive(Debug, Clone)]
pub struct ResultWriter {
    /// `Resource`: `arn:aws:states:::s3:putObject`.
    pub resource: Option<String>,
    /// `Parameters`.
    pub parameters: Option<Template>,
    /// `WriterConfig.OutputType`.
    pub output_type: Option<String>,
    /// `WriterConfig.Transformation`.
    pub transformation: Option<String>,
}

/// Parses a definition, collecting every shape error into `diags`.
pub fn parse(root: &Json, text: &str, diags: &mut Vec<Diagnostic>) -> Option<Definition> {
    let mut p = Parser {
        text,
        diags,
        labels: Vec::new(),
        jsonata: false,
    };
    p.definition(root)
}

struct Parser<'a> {
    text: &'a str,
    diags: &'a mut Vec<Diagnostic>,
    /// Map labels seen so far, which must be unique.
    labels: Vec<(String, Span)>,
    /// The machine's `QueryLanguage` is JSONata (reported once, at the top).
    jsonata: bool,
}

/// The members of an object, after duplicate and unknown keys were reported.
struct Fields<'j> {
    members: &'j [Member],
    span: Span,
}

impl<'j> Fields<'j> {
    fn get(&self, key: &str) -> Option<&'j Member> {
        self.members.iter().find(|m| m.key == key)
    }
}

const COMMON: &[&str] = &["Type", "Comment", "QueryLanguage"];
const JSONATA_ONLY: &[&str] = &["Arguments", "Output", "Items"];

impl Parser<'_> {
    fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn error(&mut self, code: Code, span: Span, message: impl Into<String>) {
        self.push(Diagnostic::new(code, span, message));
    }

    /// Checks that `json` is an object with no duplicate and no unknown keys.
    fn object<'j>(&mut self, json: &'j Json, what: &str, allowed: &[&str]) -> Option<Fields<'j>> {
        let Some(members) = json.as_object() else {
            self.error(
                Code::WrongType,
                json.span,
                format!("{what} must be an object, found {}", json.describe()),
            );
            return None;
        };
        let mut seen = std::collections::HashSet::with_capacity(members.len());
        for m in members {
            if !seen.insert(m.key.as_str()) {
                self.push(
                    Diagnostic::new(
                        Code::DuplicateKey,
                        m.key_span,
                        format!("duplicate field `{}` in {what}", m.key),
                    )
                    .label("the field was already given above"),
                );
                continue;
            }
            if allowed.contains(&m.key.as_str()) {
                continue;
            }
            self.unknown_field(m, what, allowed);
        }
        Some(Fields {
            members,
            span: json.span,
        })
    }

    fn unknown_field(&mut self, m: &Member, what: &str, allowed: &[&str]) {
        let key = m.key.as_str();
        if key == "End" && what.contains("Choice rule") {
            self.push(
                Diagnostic::new(
                    Code::UnknownField,
                    m.key_span,
                    "a Choice rule cannot end the execution",
                )
                .help("transition with `Next` to a Succeed state instead"),
            );
        } else if key == "QueryLanguage" {
            self.push(
                Diagnostic::new(
                    Code::UnknownField,
                    m.key_span,
                    format!("field `{key}` is not supported in {what}"),
                )
                .help("`QueryLanguage` can only be set on the definition or on a state"),
            );
        } else if key == "Assign" {
            self.error(
                Code::Unsupported,
                m.key_span,
                "workflow variables (`Assign`) are not supported yet by sfn",
            );
        } else if JSONATA_ONLY.contains(&key) {
            self.push(
                Diagnostic::new(
                    Code::UnknownField,
                    m.key_span,
                    format!("field `{key}` is only supported for the `JSONata` query language"),
                )
                .help("JSONata states are not supported yet by sfn; use the JSONPath fields of this state"),
            );
        } else {
            let mut d = Diagnostic::new(
                Code::UnknownField,
                m.key_span,
                format!("field `{key}` is not supported in {what}"),
            );
            if let Some(similar) = did_you_mean(key, allowed.iter().copied()) {
                d = d.help(format!("did you mean `{similar}`?"));
            }
            self.push(d);
        }
    }

    fn required<'j>(&mut self, fields: &Fields<'j>, key: &str, what: &str) -> Option<&'j Member> {
        let found = fields.get(key);
        // A misspelled field is already reported as unknown, with this name suggested.
        let misspelled = fields
            .members
            .iter()
            .any(|m| did_you_mean(&m.key, [key]).is_some());
        if found.is_none() && !misspelled {
            self.error(
                Code::MissingField,
                open_brace(fields.span),
                format!("{what} is missing the required field `{key}`"),
            );
        }
        found
    }

    fn string(&mut self, m: &Member) -> Option<String> {
        match &m.value.kind {
            JsonKind::String(s) => Some(s.clone()),
            _ => {
                self.error(
                    Code::WrongType,
                    m.value.span,
                    format!("`{}` must be a string, found {}", m.key, m.value.describe()),
                );
                None
            }
        }
    }

    fn boolean(&mut self, m: &Member) -> Option<bool> {
        match &m.value.kind {
            JsonKind::Bool(b) => Some(*b),
            _ => {
                self.error(
                    Code::WrongType,
                    m.value.span,
                    format!(
                        "`{}` must be a boolean, found {}",
                        m.key,
                        m.value.describe()
                    ),
                );
                None
            }
        }
    }

    fn integer(&mut self, m: &Member, min: u64, max: u64) -> Option<u64> {
        let parsed = match &m.value.kind {
            JsonKind::Number(raw) => raw.parse::<i128>().ok(),
            _ => None,
        };
        let Some(n) = parsed else {
            let mut d = Diagnostic::new(
                Code::WrongType,
                m.value.span,
                format!(
                    "`{}` must be an integer, found {}",
                    m.key,
                    describe_number(&m.value)
                ),
            );
            if m.value
                .as_str()
                .is_some_and(|s| s.trim().parse::<i128>().is_ok())
            {
                d = d.help("remove the quotes");
            }
            self.push(d);
            return None;
        };
        if n < i128::from(min) || n > i128::from(max) {
            self.error(
                Code::InvalidValue,
                m.value.span,
                format!("`{}` must be between {min} and {max}, found {n}", m.key),
            );
            return None;
        }
        u64::try_from(n).ok()
    }

    fn number(&mut self, m: &Member) -> Option<f64> {
        match &m.value.kind {
            JsonKind::Number(raw) => {
                let n = raw.parse::<f64>().ok().filter(|n| n.is_finite());
                if n.is_none() {
                    self.error(
                        Code::InvalidValue,
                        m.value.span,
                        format!("`{}` is out of range: {raw}", m.key),
                    );
                }
                n
            }
            _ => {
                self.error(
                    Code::WrongType,
                    m.value.span,
                    format!("`{}` must be a number, found {}", m.key, m.value.describe()),
                );
                None
            }
        }
    }

    /// The span of the bytes `offset..offset + len` of a string value's
    /// decoded content (the character at `offset` when `len` is 0), mapped
    /// back through the JSON escapes to the source text. Past the end of the
    /// content it is the closing quote; the whole string if mapping fails.
    fn inner_span(&self, json: &Json, offset: usize, len: usize) -> Span {
        let (Some(decoded), Some(raw)) = (
            json.as_str(),
            self.text
                .get(json.span.start + 1..json.span.end.saturating_sub(1)),
        ) else {
            return json.span;
        };
        let len = match len {
            0 => decoded
                .get(offset..)
                .and_then(|rest| rest.chars().next())
                .map_or(0, char::len_utf8),
            n => n,
        };
        let base = json.span.start + 1;
        match (
            raw_offset(raw, offset),
            raw_offset(raw, offset.saturating_add(len)),
        ) {
            (Some(start), Some(end)) => {
                let end = end.max(start + usize::from(start == raw.len()));
                Span::new(base + start, base + end)
            }
            _ => json.span,
        }
    }

    /// Parses a path string; `reference` demands a Reference Path.
    fn path_value(&mut self, json: &Json, field: &str, reference: bool) -> Option<Path> {
        let Some(text) = json.as_str() else {
            self.error(
                Code::WrongType,
                json.span,
                format!("`{field}` must be a path string, found {}", json.describe()),
            );
            return None;
        };
        match path::parse(text) {
            Ok(path) => {
                if let Root::Variable(name) = &path.root {
                    self.error(
                        Code::Unsupported,
                        json.span,
                        format!("workflow variables (`${name}`) are not supported yet by sfn"),
                    );
                    return None;
                }
                if reference && !path.is_definite() {
                    self.push(
                        Diagnostic::new(
                            Code::InvalidPath,
                            json.span,
                            format!(
                                "`{field}` must be a reference path, which selects a single node"
                            ),
                        )
                        .label("wildcards, slices, unions, filters and `..` select several nodes")
                        .help(
                            "use only member names and single array indexes, e.g. `$.items[0].id`",
                        ),
                    );
                    return None;
                }
                Some(path)
            }
            Err(err) => {
                let span = self.inner_span(json, err.offset, 0);
                self.push(
                    Diagnostic::new(
                        Code::InvalidPath,
                        span,
                        format!("invalid path in `{field}`: {}", err.message),
                    )
                    .label(err.message),
                );
                None
            }
        }
    }

    fn path_field(&mut self, fields: &Fields<'_>, key: &str, reference: bool) -> PathField {
        match fields.get(key) {
            None => PathField::Default,
            Some(m) if m.value.kind == JsonKind::Null => PathField::Null,
            Some(m) => self
                .path_value(&m.value, key, reference)
                .map_or(PathField::Default, PathField::Path),
        }
    }

    fn result_path(&mut self, fields: &Fields<'_>) -> PathField {
        let field = self.path_field(fields, "ResultPath", true);
        if let (PathField::Path(path), Some(m)) = (&field, fields.get("ResultPath")) {
            if path.root == Root::Context {
                self.push(
                    Diagnostic::new(
                        Code::InvalidPath,
                        m.value.span,
                        "`ResultPath` cannot write to the context object",
                    )
                    .help("use a path that starts with `$.`"),
                );
            }
        }
        field
    }

    fn io(&mut self, fields: &Fields<'_>) -> Io {
        Io {
            input_path: self.path_field(fields, "InputPath", false),
            output_path: self.path_field(fields, "OutputPath", false),
        }
    }

    fn definition(&mut self, root: &Json) -> Option<Definition> {
        let Some(_) = root.as_object() else {
            self.error(
                Code::InvalidJson,
                root.span,
                format!(
                    "a workflow definition must be a JSON object, found {}",
                    root.describe()
                ),
            );
            return None;
        };
        let fields = self.object(
            root,
            "the definition",
            &[
                "Comment",
                "StartAt",
                "States",
                "Version",
                "TimeoutSeconds",
                "QueryLanguage",
            ],
        )?;
        let comment = fields.get("Comment").and_then(|m| self.string(m));
        if let Some(m) = fields.get("Version") {
            if self.string(m).is_some_and(|v| v != "1.0") {
                self.error(
                    Code::InvalidValue,
                    m.value.span,
                    "`Version` must be \"1.0\"",
                );
            }
        }
        let timeout_seconds = fields
            .get("TimeoutSeconds")
            .and_then(|m| self.integer(m, 0, 99_999_999));
        if let Some(m) = fields.get("QueryLanguage") {
            self.query_language(m);
            self.jsonata = m.value.as_str() == Some("JSONata");
        }
        if fields.get("StartAt").is_none() && fields.get("States").is_some() {
            self.push(
                Diagnostic::new(
                    Code::MissingField,
                    open_brace(fields.span),
                    "the definition is missing the required field `StartAt`",
                )
                .help("add `\"StartAt\": \"<first state>\"`"),
            );
        }
        let start_at = if fields.get("States").is_some() {
            fields.get("StartAt")
        } else {
            self.required(&fields, "StartAt", "the definition")
        };
        let states = self.required(&fields, "States", "the definition");
        let start_at = start_at.and_then(|m| {
            Some(Spanned {
                value: self.string(m)?,
                span: m.value.span,
            })
        });
        let (states, states_span) = match states {
            Some(m) => (self.states(&m.value)?, m.value.span),
            None => return None,
        };
        Some(Definition {
            start_at: start_at?,
            states,
            states_span,
            timeout_seconds,
            comment,
        })
    }

    fn query_language(&mut self, m: &Member) {
        match self.string(m).as_deref() {
            Some("JSONPath") | None => {}
            Some("JSONata") => self.error(
                Code::Unsupported,
                m.value.span,
                "the `JSONata` query language is not supported yet by sfn",
            ),
            Some(other) => {
                let mut d = Diagnostic::new(
                    Code::InvalidValue,
                    m.value.span,
                    format!(
                        "`QueryLanguage` must be \"JSONPath\" or \"JSONata\", found \"{other}\""
                    ),
                );
                if let Some(s) = did_you_mean(other, ["JSONPath", "JSONata"]) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                self.push(d);
            }
        }
    }

    fn states(&mut self, json: &Json) -> Option<Vec<State>> {
        let Some(members) = json.as_object() else {
            self.error(
                Code::WrongType,
                json.span,
                format!("`States` must be an object, found {}", json.describe()),
            );
            return None;
        };
        if members.is_empty() {
            self.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    json.span,
                    "`States` must contain at least one state",
                )
                .help("add the state that `StartAt` names"),
            );
        }
        let mut states = Vec::with_capacity(members.len());
        let mut seen = std::collections::HashSet::with_capacity(members.len());
        for m in members {
            if !seen.insert(m.key.as_str()) {
                self.push(
                    Diagnostic::new(
                        Code::DuplicateStateName,
                        m.key_span,
                        format!("duplicate state name `{}`", m.key),
                    )
                    .label("a state with this name is defined above"),
                );
                continue;
            }
            states.push(self.state(m));
        }
        Some(states)
    }

    fn state(&mut self, m: &Member) -> State {
        let mut state = State {
            name: m.key.clone(),
            name_span: m.key_span,
            comment: None,
            targets: Vec::new(),
            terminal: false,
            body: None,
            blocks: Vec::new(),
        };
        if m.key.chars().count() > 80 {
            self.push(
                Diagnostic::new(
                    Code::InvalidStateName,
                    m.key_span,
                    format!(
                        "state name exceeds the 80-character limit ({} characters)",
                        m.key.chars().count()
                    ),
                )
                .help("shorten the name"),
            );
        }
        if m.key.is_empty() {
            self.error(
                Code::InvalidStateName,
                m.key_span,
                "a state name cannot be empty",
            );
        }
        let Some(obj) = m.value.as_object() else {
            self.error(
                Code::WrongType,
                m.value.span,
                format!(
                    "state `{}` must be an object, found {}",
                    m.key,
                    m.value.describe()
                ),
            );
            return state;
        };
        let Some(ty) = obj.iter().find(|f| f.key == "Type") else {
            self.push(
                Diagnostic::new(Code::MissingField, m.key_span, format!("state `{}` is missing the required field `Type`", m.key))
                    .help("add `\"Type\": \"Pass\"` (or Task, Choice, Wait, Succeed, Fail, Parallel, Map)"),
            );
            return state;
        };
        let Some(ty_name) = self.string(ty) else {
            return state;
        };
        let allowed: &[&str] = match ty_name.as_str() {
            "Pass" => &[
                "InputPath",
                "OutputPath",
                "Parameters",
                "ResultPath",
                "Result",
                "Next",
                "End",
            ],
            "Task" => &[
                "InputPath",
                "OutputPath",
                "Parameters",
                "ResultSelector",
                "ResultPath",
                "Retry",
                "Catch",
                "Next",
                "End",
                "Resource",
                "Credentials",
                "TimeoutSeconds",
                "TimeoutSecondsPath",
                "HeartbeatSeconds",
                "HeartbeatSecondsPath",
            ],
            "Choice" => &["InputPath", "OutputPath", "Choices", "Default"],
            "Wait" => &[
                "InputPath",
                "OutputPath",
                "Next",
                "End",
                "Seconds",
                "Timestamp",
                "SecondsPath",
                "TimestampPath",
            ],
            "Succeed" => &["InputPath", "OutputPath"],
            "Fail" => &["Error", "Cause", "ErrorPath", "CausePath"],
            "Parallel" => &[
                "InputPath",
                "OutputPath",
                "Parameters",
                "ResultSelector",
                "ResultPath",
                "Retry",
                "Catch",
                "Next",
                "End",
                "Branches",
            ],
            "Map" => &[
                "InputPath",
                "OutputPath",
                "ItemsPath",
                "ItemSelector",
                "Parameters",
                "ItemProcessor",
                "Iterator",
                "MaxConcurrency",
                "MaxConcurrencyPath",
                "ToleratedFailurePercentage",
                "ToleratedFailurePercentagePath",
                "ToleratedFailureCount",
                "ToleratedFailureCountPath",
                "ItemReader",
                "ItemBatcher",
                "ResultWriter",
                "Label",
                "ResultSelector",
                "ResultPath",
                "Retry",
                "Catch",
                "Next",
                "End",
            ],
            other => {
                let mut d = Diagnostic::new(
                    Code::InvalidValue,
                    ty.value.span,
                    format!("unknown state type `{other}`"),
                )
                .label("expected one of Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map");
                if let Some(s) = did_you_mean(
                    other,
                    [
                        "Task", "Wait", "Pass", "Succeed", "Fail", "Choice", "Parallel", "Map",
                    ],
                ) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                self.push(d);
                return state;
            }
        };
        // A JSONata state gets one `unsupported` diagnostic, not JSONPath rules
        // that do not apply to it.
        let state_language = obj.iter().find(|f| f.key == "QueryLanguage");
        if self.jsonata || state_language.is_some_and(|q| q.value.as_str() == Some("JSONata")) {
            if let Some(q) = state_language.filter(|_| !self.jsonata) {
                self.error(
                    Code::Unsupported,
                    q.value.span,
                    "the `JSONata` query language is not supported yet by sfn",
                );
            }
            self.graph_only(
                &mut state,
                &m.value,
                ty_name == "Succeed" || ty_name == "Fail",
            );
            return state;
        }
        let all: Vec<&str> = COMMON.iter().chain(allowed).copied().collect();
        let what = format!("a {ty_name} state");
        let Some(fields) = self.object(&m.value, &what, &all) else {
            return state;
        };
        state.comment = fields.get("Comment").and_then(|c| self.string(c));
        if let Some(q) = fields.get("QueryLanguage") {
            self.query_language(q);
        }
        let errors_before = self.diags.len();
        let body = match ty_name.as_str() {
            "Pass" => self.pass(&fields, &mut state).map(Body::Pass),
            "Task" => self
                .task(&fields, &mut state)
                .map(|t| Body::Task(Box::new(t))),
            "Choice" => self.choice(&fields, &mut state).map(Body::Choice),
            "Wait" => self.wait(&fields, &mut state).map(Body::Wait),
            "Parallel" => self
                .parallel(&fields, &mut state)
                .map(|p| Body::Parallel(Box::new(p))),
            "Map" => self
                .map(&fields, &mut state)
                .map(|m| Body::Map(Box::new(m))),
            "Succeed" => {
                state.terminal = true;
                Some(Body::Succeed(self.io(&fields)))
            }
            _ => {
                state.terminal = true;
                self.fail(&fields).map(Body::Fail)
            }
        };
        if self.diags.len() == errors_before {
            state.body = body;
        }
        state
    }

    /// Records a state's transitions (for the graph rules) without checking the rest of it.
    fn graph_only(&mut self, state: &mut State, json: &Json, terminal: bool) {
        let fields = Fields {
            members: json.as_object().unwrap_or(&[]),
            span: json.span,
        };
        if terminal {
            state.terminal = true;
        } else if fields.get("Choices").is_none() {
            let _ = self.transition(&fields, state);
        }
        let mut named = |m: &Member| {
            if let Some(name) = m.value.as_str() {
                state.targets.push(Spanned {
                    value: name.to_owned(),
                    span: m.value.span,
                });
            }
        };
        if let Some(d) = fields.get("Default") {
            named(d);
        }
        if let Some(JsonKind::Array(rules)) = fields.get("Choices").map(|c| &c.value.kind) {
            rules
                .iter()
                .filter_map(|r| r.get("Next"))
                .for_each(&mut named);
        }
        if let Some(catch) = fields.get("Catch").and_then(|c| match &c.value.kind {
            JsonKind::Array(items) => Some(items),
            _ => None,
        }) {
            for c in catch {
                if let Some(next) = c.get("Next") {
                    if let Some(name) = next.value.as_str() {
                        state.targets.push(Spanned {
                            value: name.to_owned(),
                            span: next.value.span,
                        });
                    }
                }
            }
        }
    }

    fn transition(&mut self, fields: &Fields<'_>, state: &mut State) -> Option<Transition> {
        let next = fields.get("Next");
        let end = fields.get("End");
        let end_value = end.and_then(|e| self.boolean(e));
        match (next, end_value) {
            (Some(n), Some(true)) => {
                // Counting the state as terminal avoids a follow-on "no terminal state".
                state.terminal = true;
                self.push(
                    Diagnostic::new(
                        Code::ExclusiveFields,
                        n.key_span,
                        format!("state `{}` has both `Next` and `\"End\": true`", state.name),
                    )
                    .help("a state either transitions to `Next` or ends its block; remove one of them"),
                );
                None
            }
            (Some(n), _) => {
                let name = self.string(n)?;
                let target = Spanned {
                    value: name,
                    span: n.value.span,
                };
                state.targets.push(target.clone());
                Some(Transition::Next(target))
            }
            (None, Some(true)) => {
                state.terminal = true;
                Some(Transition::End)
            }
            (None, _) => {
                if end.is_none() || end_value == Some(false) {
                    self.push(
                        Diagnostic::new(
                            Code::MissingField,
                            state.name_span,
                            format!(
                                "state `{}` has neither `Next` nor `\"End\": true`",
                                state.name
                            ),
                        )
                        .help("add `\"Next\": \"<state>\"` or `\"End\": true`"),
                    );
                }
                None
            }
        }
    }

    fn pass(&mut self, fields: &Fields<'_>, state: &mut State) -> Option<Pass> {
        let io = self.io(fields);
        let parameters = fields.get("Parameters").and_then(|m| self.template_root(m));
        let result = fields.get("Result").map(|m| m.value.to_value());
        let result_path = self.result_path(fields);
        let transition = self.transition(fields, state)?;
        Some(Pass {
            io,
            parameters,
            result,
            result_path,
            transition,
        })
    }

    fn task(&mut self, fields: &Fields<'_>, state: &mut State) -> Option<Task> {
        let io = self.io(fields);
        let resource = self.required(fields, "Resource", "a Task state");
        let resource = resource.and_then(|m| {
            let value = self.string(m)?;
            Some(Spanned {
                value,
                span: m.value.span,
            })
        });
        let kind = resource.as_ref().and_then(|r| self.resource_kind(r));
        let parameters = fields.get("Parameters").and_then(|m| self.template_root(m));
        if kind == Some(ResourceKind::LambdaInvoke) {
            let has_name = fields
                .get("Parameters")
                .and_then(|m| m.value.as_object())
                .is_some_and(|ps| {
                    ps.iter()
                        .any(|p| p.key == "FunctionName" || p.key == "FunctionName.$")
                });
            if !has_name {
                let span = fields
                    .get("Parameters")
                    .map_or(resource.as_ref().map_or(fields.span, |r| r.span), |m| {
                        m.key_span
                    });
                self.push(
                    Diagnostic::new(Code::MissingField, span, "`arn:aws:states:::lambda:invoke` needs `FunctionName` in `Parameters`")
                        .help("add `\"Parameters\": {\"FunctionName\": \"<function>\", \"Payload.$\": \"$\"}`"),
                );
            }
        }
        let result_selector = fields
            .get("ResultSelector")
            .and_then(|m| self.template_root(m));
        let result_path = self.result_path(fields);
        let timeout = self.seconds_pair(fields, "TimeoutSeconds", "TimeoutSecondsPath");
        let heartbeat = self.seconds_pair(fields, "HeartbeatSeconds", "HeartbeatSecondsPath");
        if let (Some(Seconds::Literal(t)), Some(Seconds::Literal(h)), Some(m)) =
            (&timeout, &heartbeat, fields.get("HeartbeatSeconds"))
        {
            if h >= t {
                self.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        m.value.span,
                        format!(
                            "`HeartbeatSeconds` ({h}) must be smaller than `TimeoutSeconds` ({t})"
                        ),
                    )
                    .help("a heartbeat interval at or above the timeout can never fire"),
                );
            }
        }
        if let Some(m) = fields.get("Credentials") {
            self.credentials(m, kind.as_ref());
        }
        let retry = fields
            .get("Retry")
            .map(|m| self.retriers(m))
            .unwrap_or_default();
        let catch = fields
            .get("Catch")
            .map(|m| self.catchers(m, state))
            .unwrap_or_default();
        let transition = self.transition(fields, state)?;
        Some(Task {
            io,
            resource: resource?,
            kind: kind?,
            parameters,
            result_selector,
            result_path,
            timeout,
            heartbeat,
            retry,
            catch,
            transition,
        })
    }

    fn credentials(&mut self, m: &Member, kind: Option<&ResourceKind>) {
        let Some(fields) = self.object(&m.value, "`Credentials`", &["RoleArn", "RoleArn.$"]) else {
            return;
        };
        match (fields.get("RoleArn"), fields.get("RoleArn.$")) {
            (Some(r), None) => {
                self.string(r);
            }
            (None, Some(r)) => {
                if let Some(text) = self.string(r) {
                    if text.starts_with("States.") {
                        self.intrinsic(&r.value, "RoleArn.$");
                    } else {
                        self.path_value(&r.value, "RoleArn.$", false);
                    }
                }
            }
            (Some(r), Some(_)) => self.error(
                Code::ExclusiveFields,
                r.key_span,
                "`Credentials` takes either `RoleArn` or `RoleArn.$`, not both",
            ),
            (None, None) => self.push(
                Diagnostic::new(
                    Code::MissingField,
                    m.value.span,
                    "`Credentials` is missing the required field `RoleArn`",
                )
                .help("add `\"RoleArn\": \"arn:aws:iam::<account>:role/<role>\"`"),
            ),
        }
        if matches!(kind, Some(ResourceKind::Activity { .. })) {
            self.error(
                Code::InvalidValue,
                m.key_span,
                "`Credentials` cannot be used with an activity resource",
            );
        }
    }

    fn seconds_pair(&mut self, fields: &Fields<'_>, literal: &str, path: &str) -> Option<Seconds> {
        match (fields.get(literal), fields.get(path)) {
            (Some(a), Some(_)) => {
                self.push(
                    Diagnostic::new(
                        Code::ExclusiveFields,
                        a.key_span,
                        format!("`{literal}` and `{path}` cannot both be given"),
                    )
                    .help(format!("keep one of `{literal}` and `{path}`")),
                );
                None
            }
            (Some(m), None) => self.integer(m, 1, 99_999_999).map(Seconds::Literal),
            (None, Some(m)) => self.path_value(&m.value, path, true).map(Seconds::Path),
            (None, None) => None,
        }
    }

    fn resource_kind(&mut self, resource: &Spanned<String>) -> Option<ResourceKind> {
        let arn = resource.value.as_str();
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        if parts.len() < 6 || parts[0] != "arn" || parts[1].is_empty() {
            self.push(
                Diagnostic::new(Code::InvalidResource, resource.span, format!("`{arn}` is not a valid resource ARN"))
                    .help("a Task resource is an ARN such as `arn:aws:lambda:us-east-1:123456789012:function:MyFunction` or `arn:aws:states:::lambda:invoke`"),
            );
            return None;
        }
        let (service, region, account, rest) = (parts[2], parts[3], parts[4], parts[5]);
        if service == "lambda" {
            if let Some(function) = rest.strip_prefix("function:") {
                let mut parts = function.splitn(2, ':');
                let name = parts.next().unwrap_or_default();
                let alias = parts.next();
                let word = |s: &str| {
                    !s.is_empty()
                        && s.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                };
                if !word(name) || alias.is_some_and(|a| a != "$LATEST" && !word(a)) {
                    self.push(
                        Diagnostic::new(Code::InvalidResource, resource.span, format!("`{arn}` is not a valid Lambda function ARN"))
                            .help("a function name and an alias or version use letters, digits, `-` and `_` (or `$LATEST`)"),
                    );
                    return None;
                }
                return Some(ResourceKind::LambdaFunction {
                    function: name.to_owned(),
                });
            }
        }
        if service == "states" && region.is_empty() && account.is_empty() {
            let (resource_type, api) = match rest.rsplit_once(':') {
                Some((t, a)) if !a.is_empty() && !t.is_empty() => {
                    // `states:startExecution.sync:2` keeps its `:2` with the API.
                    if a == "2" {
                        match t.rsplit_once(':') {
                            Some((t2, a2)) => (t2.to_owned(), format!("{a2}:{a}")),
                            None => (t.to_owned(), a.to_owned()),
                        }
                    } else {
                        (t.to_owned(), a.to_owned())
                    }
                }
                _ => {
                    self.error(
                        Code::InvalidResource,
                        resource.span,
                        format!("`{arn}` is not a valid service integration; expected `arn:aws:states:::<service>:<api>`"),
                    );
                    return None;
                }
            };
            self.check_pattern(resource, &resource_type, &api)?;
            if resource_type == "lambda" && api == "invoke" {
                return Some(ResourceKind::LambdaInvoke);
            }
            return Some(ResourceKind::Service { resource_type, api });
        }
        if service == "states" {
            if let Some(name) = rest.strip_prefix("activity:") {
                return Some(ResourceKind::Activity {
                    name: name.to_owned(),
                });
            }
        }
        Some(ResourceKind::Service {
            resource_type: service.to_owned(),
            api: rest.to_owned(),
        })
    }

    /// AWS offers `.sync` and `.waitForTaskToken` only for some services (ASL §5.2).
    fn check_pattern(
        &mut self,
        resource: &Spanned<String>,
        service: &str,
        api: &str,
    ) -> Option<()> {
        let no_sync = ["lambda", "sns", "sqs", "dynamodb", "events", "apigateway"];
        let no_token = [
            "athena",
            "batch",
            "codebuild",
            "elasticmapreduce",
            "emr-containers",
            "emr-serverless",
            "glue",
            "databrew",
            "mediaconvert",
            "sagemaker",
            "dynamodb",
        ];
        let bad = (api.ends_with(".sync")
            && (no_sync.contains(&service) || service.starts_with("aws-sdk")))
            || (api.ends_with(".sync:2")
                && !(service == "states" && api == "startExecution.sync:2"))
            || (api.ends_with(".waitForTaskToken") && no_token.contains(&service));
        if bad {
            self.error(
                Code::InvalidResource,
                resource.span,
                format!("the resource `{}` is not recognized: `{service}` does not offer this integration pattern", resource.value),
            );
            return None;
        }
        Some(())
    }

    fn error_equals(&mut self, fields: &Fields<'_>, what: &str) -> Option<Vec<String>> {
        let m = self.required(fields, "ErrorEquals", what)?;
        let JsonKind::Array(items) = &m.value.kind else {
            self.error(
                Code::WrongType,
                m.value.span,
                format!(
                    "`ErrorEquals` must be an array of error names, found {}",
                    m.value.describe()
                ),
            );
            return None;
        };
        if items.is_empty() {
            self.push(
                Diagnostic::new(
                    Code::InvalidErrorHandler,
                    m.value.span,
                    "`ErrorEquals` cannot be empty",
                )
                .help("list the error names to match, or `\"States.ALL\"` for every error"),
            );
            return None;
        }
        let mut names = Vec::with_capacity(items.len());
        for item in items {
            match item.as_str() {
                Some(s) => names.push(s.to_owned()),
                None => self.error(
                    Code::WrongType,
                    item.span,
                    format!("an error name must be a string, found {}", item.describe()),
                ),
            }
        }
        if names.len() > 1 && names.iter().any(|n| n == "States.ALL") {
            self.push(
                Diagnostic::new(
                    Code::InvalidErrorHandler,
                    m.value.span,
                    "`States.ALL` must appear alone in its `ErrorEquals`",
                )
                .help("move the other names to an earlier retrier or catcher"),
            );
        }
        (names.len() == items.len()).then_some(names)
    }

    /// `States.ALL` may only be in the last element (ASL §6.3).
    fn check_all_last(&mut self, items: &[Json], kind: &str) {
        let last = items.len().saturating_sub(1);
        for (i, item) in items.iter().enumerate() {
            let has_all = item
                .get("ErrorEquals")
                .and_then(|m| match &m.value.kind {
                    JsonKind::Array(names) => {
                        Some(names.iter().any(|n| n.as_str() == Some("States.ALL")))
                    }
                    _ => None,
                })
                .unwrap_or(false);
            if has_all && i != last {
                self.push(
                    Diagnostic::new(
                        Code::InvalidErrorHandler,
                        item.span,
                        format!("`States.ALL` can only appear in the last {kind}"),
                    )
                    .help(format!("move this {kind} to the end of the list")),
                );
            }
        }
    }

    fn retriers(&mut self, m: &Member) -> Vec<Retrier> {
        let JsonKind::Array(items) = &m.value.kind else {
            self.error(
                Code::WrongType,
                m.value.span,
                format!("`Retry` must be an array, found {}", m.value.describe()),
            );
            return Vec::new();
        };
        self.check_all_last(items, "retrier");
        let mut out = Vec::new();
        for item in items {
            let allowed = [
                "ErrorEquals",
                "IntervalSeconds",
                "MaxAttempts",
                "BackoffRate",
                "MaxDelaySeconds",
                "JitterStrategy",
                "Comment",
            ];
            let Some(fields) = self.object(item, "a retrier", &allowed) else {
                continue;
            };
            let error_equals = self.error_equals(&fields, "a retrier");
            let interval = fields
                .get("IntervalSeconds")
                .and_then(|f| self.integer(f, 0, 99_999_999));
            let attempts = fields
                .get("MaxAttempts")
                .and_then(|f| self.integer(f, 0, 99_999_999));
            let backoff = fields.get("BackoffRate").and_then(|f| {
                let n = self.number(f)?;
                if n < 1.0 {
                    self.error(
                        Code::InvalidValue,
                        f.value.span,
                        format!("`BackoffRate` must be at least 1.0, found {n}"),
                    );
                    return None;
                }
                Some(n)
            });
            let max_delay = fields
                .get("MaxDelaySeconds")
                .and_then(|f| self.integer(f, 1, 31_622_400));
            let jitter = fields.get("JitterStrategy").and_then(|f| {
                let s = self.string(f)?;
                match s.as_str() {
                    "FULL" => Some(true),
                    "NONE" => Some(false),
                    _ => {
                        self.error(
                            Code::InvalidValue,
                            f.value.span,
                            format!("`JitterStrategy` must be \"FULL\" or \"NONE\", found \"{s}\""),
                        );
                        None
                    }
                }
            });
            if let Some(c) = fields.get("Comment") {
                self.string(c);
            }
            if let Some(error_equals) = error_equals {
                out.push(Retrier {
                    error_equals,
                    interval_seconds: interval.unwrap_or(1) as f64,
                    max_attempts: attempts.map_or(3, |a| u32::try_from(a).unwrap_or(u32::MAX)),
                    backoff_rate: backoff.unwrap_or(2.0),
                    max_delay_seconds: max_delay.map(|d| d as f64),
                    full_jitter: jitter.unwrap_or(false),
                });
            }
        }
        out
    }

    fn catchers(&mut self, m: &Member, state: &mut State) -> Vec<Catcher> {
        let JsonKind::Array(items) = &m.value.kind else {
            self.error(
                Code::WrongType,
                m.value.span,
                format!("`Catch` must be an array, found {}", m.value.describe()),
            );
            return Vec::new();
        };
        self.check_all_last(items, "catcher");
        let mut out = Vec::new();
        for item in items {
            let Some(fields) = self.object(
                item,
                "a catcher",
                &["ErrorEquals", "Next", "ResultPath", "Comment"],
            ) else {
                continue;
            };
            let error_equals = self.error_equals(&fields, "a catcher");
            let next = self.required(&fields, "Next", "a catcher").and_then(|n| {
                let value = self.string(n)?;
                Some(Spanned {
                    value,
                    span: n.value.span,
                })
            });
            if let Some(next) = &next {
                state.targets.push(next.clone());
            }
            let result_path = self.result_path(&fields);
            if let Some(c) = fields.get("Comment") {
                self.string(c);
            }
            if let (Some(error_equals), Some(next)) = (error_equals, next) {
                out.push(Catcher {
                    error_equals,
                    next,
                    result_path,
                });
            }
        }
        out
    }

    fn choice(&mut self, fields: &Fields<'_>, state: &mut State) -> Option<Choice> {
        let io = self.io(fields);
        let default = fields.get("Default").and_then(|m| {
            let value = self.string(m)?;
            Some(Spanned {
                value,
                span: m.value.span,
            })
        });
        if let Some(d) = &default {
            state.targets.push(d.clone());
        }
        let m = self.required(fields, "Choices", "a Choice state")?;
        let JsonKind::Array(items) = &m.value.kind else {
            self.error(
                Code::WrongType,
                m.value.span,
                format!("`Choices` must be an array, found {}", m.value.describe()),
            );
            return None;
        };
        if items.is_empty() {
            self.push(
                Diagnostic::new(Code::InvalidValue, m.value.span, "`Choices` cannot be empty")
                    .help("add a rule such as `{\"Variable\": \"$.x\", \"IsPresent\": true, \"Next\": \"<state>\"}`"),
            );
        }
        let mut choices = Vec::new();
        for item in items {
            let next = item.get("Next").and_then(|n| {
                let value = self.string(n)?;
                Some(Spanned {
                    value,
                    span: n.value.span,
                })
            });
            if let Some(next) = &next {
                state.targets.push(next.clone());
            } else if item.as_object().is_some() {
                self.push(
                    Diagnostic::new(
                        Code::MissingField,
                        item.span,
                        "a Choice rule is missing the required field `Next`",
                    )
                    .help("add `\"Next\": \"<state>\"` to the rule"),
                );
            }
            let cond = self.condition(item, true);
            if let (Some(cond), Some(next)) = (cond, next) {
                choices.push((cond, next));
            }
        }
        Some(Choice {
            io,
            choices,
            default,
        })
    }

    fn condition(&mut self, json: &Json, top: bool) -> Option<Condition> {
        let mut allowed: Vec<&str> = vec!["Variable", "And", "Or", "Not", "Comment"];
        if top {
            allowed.push("Next");
        }
        allowed.extend(OPERATORS.iter().map(|(name, ..)| *name));
        let path_names: Vec<String> = OPERATORS
            .iter()
            .filter(|(_, _, _, has_path)| *has_path)
            .map(|(name, ..)| format!("{name}Path"))
            .collect();
        allowed.extend(path_names.iter().map(String::as_str));
        let what = if top {
            "a Choice rule"
        } else {
            "a nested Choice rule"
        };
        if !top {
            if let Some(n) = json.get("Next") {
                self.push(
                    Diagnostic::new(
                        Code::UnknownField,
                        n.key_span,
                        "a nested Choice rule cannot have `Next`",
                    )
                    .help("only the top-level rules of `Choices` transition; remove this `Next`"),
                );
            }
        }
        if let Some(c) = json.get("Condition") {
            self.error(
                Code::Unsupported,
                c.key_span,
                "JSONata `Condition` rules are not supported yet by sfn",
            );
            return None;
        }
        let fields = self.object(json, what, &allowed)?;
        if let Some(c) = fields.get("Comment") {
            self.string(c);
        }
        let kinds: Vec<&Member> = ["And", "Or", "Not", "Variable"]
            .iter()
            .filter_map(|k| fields.get(k))
            .collect();
        if kinds.len() != 1 {
            self.push(
                Diagnostic::new(
                    Code::ExclusiveFields,
                    open_brace(json.span),
                    "a Choice rule must have exactly one of `And`, `Or`, `Not` and `Variable`",
                )
                .label(if kinds.is_empty() {
                    "none given"
                } else {
                    "several given"
                }),
            );
            return None;
        }
        let kind = kinds[0];
        match kind.key.as_str() {
            "And" | "Or" => {
                let JsonKind::Array(items) = &kind.value.kind else {
                    self.error(
                        Code::WrongType,
                        kind.value.span,
                        format!("`{}` must be an array of rules", kind.key),
                    );
                    return None;
                };
                if items.is_empty() {
                    self.error(
                        Code::InvalidValue,
                        kind.value.span,
                        format!("`{}` cannot be empty", kind.key),
                    );
                    return None;
                }
                let mut rules = Vec::new();
                for item in items {
                    rules.push(self.condition(item, false));
                }
                let rules: Option<Vec<Condition>> = rules.into_iter().collect();
                let rules = rules?;
                Some(if kind.key == "And" {
                    Condition::And(rules)
                } else {
                    Condition::Or(rules)
                })
            }
            "Not" => Some(Condition::Not(Box::new(
                self.condition(&kind.value, false)?,
            ))),
            _ => self.data_test(&fields, kind),
        }
    }

    fn data_test(&mut self, fields: &Fields<'_>, variable: &Member) -> Option<Condition> {
        let mut found = Vec::new();
        for m in fields.members {
            if let Some(base) = m.key.strip_suffix("Path") {
                if let Some(op) = OPERATORS
                    .iter()
                    .find(|(name, _, _, has_path)| *has_path && *name == base)
                {
                    found.push((m, op, true));
                    continue;
                }
            }
            if let Some(op) = OPERATORS.iter().find(|(name, ..)| *name == m.key) {
                found.push((m, op, false));
            }
        }
        if found.len() != 1 {
            self.push(
                Diagnostic::new(
                    Code::ExclusiveFields,
                    found.get(1).map_or(variable.key_span, |(m, ..)| m.key_span),
                    format!("a Choice rule with `Variable` needs exactly one comparison operator, found {}", found.len()),
                )
                .help("use `And` to combine several comparisons"),
            );
            return None;
        }
        let var = self.path_value(&variable.value, "Variable", true);
        let (m, (name, op, ty, _), is_path) = found[0];
        let operand = if is_path {
            self.path_value(&m.value, &m.key, true).map(Operand::Path)
        } else {
            self.operand(m, name, *ty)
        };
        Some(Condition::Test {
            variable: var?,
            op: *op,
            operand: operand?,
        })
    }

    fn operand(&mut self, m: &Member, name: &str, ty: OperandType) -> Option<Operand> {
        let v = &m.value;
        let wrong = |p: &mut Self, expected: &str| {
            p.error(
                Code::WrongType,
                v.span,
                format!("`{name}` compares with {expected}, found {}", v.describe()),
            );
            None
        };
        match (ty, &v.kind) {
            (OperandType::String, JsonKind::String(s)) => {
                if name == "StringMatches" && !valid_glob(s) {
                    self.push(
                        Diagnostic::new(Code::InvalidValue, v.span, "invalid escape in a `StringMatches` pattern")
                            .help("only `\\\\*` (a literal `*`) and `\\\\\\\\` (a literal backslash) may be escaped"),
                    );
                    return None;
                }
                Some(Operand::Str(s.clone()))
            }
            (OperandType::String, _) => wrong(self, "a string"),
            (OperandType::Number, JsonKind::Number(raw)) => match raw.parse::<f64>() {
                Ok(n) if n.is_finite() => Some(Operand::Num(n)),
                _ => {
                    self.error(
                        Code::InvalidValue,
                        v.span,
                        format!("`{name}` compares with a number out of range: {raw}"),
                    );
                    None
                }
            },
            (OperandType::Number, _) => wrong(self, "a number"),
            (OperandType::Boolean, JsonKind::Bool(b)) => Some(Operand::Bool(*b)),
            (OperandType::Boolean, _) => wrong(self, "a boolean"),
            (OperandType::Timestamp, JsonKind::String(s)) => match parse_timestamp(s) {
                Some((secs, nanos)) => Some(Operand::Timestamp(secs, nanos)),
                None => {
                    self.timestamp_error(v.span, s);
                    None
                }
            },
            (OperandType::Timestamp, _) => wrong(self, "a timestamp string"),
        }
    }

    fn timestamp_error(&mut self, span: Span, s: &str) {
        self.push(
            Diagnostic::new(Code::InvalidTimestamp, span, format!("`{s}` is not an RFC 3339 timestamp"))
                .help("write it as `2016-03-14T01:59:00Z` (uppercase `T`, and `Z` or an offset such as `+01:00`)"),
        );
    }

    fn wait(&mut self, fields: &Fields<'_>, state: &mut State) -> Option<Wait> {
        let io = self.io(fields);
        let given: Vec<&Member> = ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"]
            .iter()
            .filter_map(|k| fields.get(k))
            .collect();
        let transition = self.transition(fields, state);
        if given.len() != 1 {
            let span = given.get(1).map_or(state.name_span, |m| m.key_span);
            self.push(
                Diagnostic::new(
                    Code::ExclusiveFields,
                    span,
                    "a Wait state needs exactly one of `Seconds`, `Timestamp`, `SecondsPath` and `TimestampPath`",
                )
                .help(if given.is_empty() { "add `\"Seconds\": <n>`" } else { "keep one of them" }),
            );
            return None;
        }
        let m = given[0];
        let until = match m.key.as_str() {
            "Seconds" => WaitFor::Seconds(self.integer(m, 0, 99_999_999)?),
            "Timestamp" => {
                let s = self.string(m)?;
                match parse_timestamp(&s) {
                    Some((secs, nanos)) => WaitFor::Timestamp(secs, nanos),
                    None => {
                        self.timestamp_error(m.value.span, &s);
                        return None;
                    }
                }
            }
            "SecondsPath" => {
                WaitFor::SecondsPath(self.path_value(&m.value, "SecondsPath", true)?)
            }
            _ => WaitFor::TimestampPath(self.path_value(&m.value, "TimestampPath", true)?),
        };
        Some(Wait {
            io,
            until,
            transition: transition?,
        })
    }

    fn fail(&mut self, fields: &Fields<'_>) -> Option<Fail> {
        let error = self.fail_field(fields, "Error", "ErrorPath");
        let cause = self.fail_field(fields, "Cause", "CausePath");
        Some(Fail {
            error: error?,
            cause: cause?,
        })
    }

    fn fail_field(
        &mut self,
        fields: &Fields<'_>,
        literal: &str,
        path: &str,
    ) -> Option<Option<FailField>> {
        match (fields.get(literal), fields.get(path)) {
            (Some(a), Some(_)) => {
                self.error(
                    Code::ExclusiveFields,
                    a.key_span,
                    format!("`{literal}` and `{path}` cannot both be given"),
                );
                None
            }
            (Some(m), None) => Some(Some(FailField::Literal(self.string(m)?))),
            (None, Some(m)) => {
                let text = self.string(m)?;
                if text.starts_with("States.") {
                    let call = self.intrinsic(&m.value, path)?;
                    if !call.func.returns_string() {
                        self.push(
                            Diagnostic::new(
                                Code::InvalidIntrinsic,
                                m.value.span,
                                format!("`{}` does not return a string, so it cannot give `{path}`", call.func.name()),
                            )
                            .help("use `States.Format`, `States.JsonToString`, `States.ArrayGetItem`, `States.Base64Encode`, `States.Base64Decode`, `States.Hash` or `States.UUID`"),
                        );
                        return None;
                    }
                    return Some(Some(FailField::Intrinsic(call)));
                }
                Some(Some(FailField::Path(
                    self.path_value(&m.value, path, true)?,
                )))
            }
            (None, None) => Some(None),
        }
    }

    /// `ResultSelector`, `ResultPath`, `Retry`, `Catch` and the transition.
    fn outcome(&mut self, fields: &Fields<'_>, state: &mut State) -> Option<Outcome> {
        let result_selector = fields
            .get("ResultSelector")
            .and_then(|m| self.template_root(m));
        let result_path = self.result_path(fields);
        let retry = fields
            .get("Retry")
            .map(|m| self.retriers(m))
            .unwrap_or_default();
        let catch = fields
            .get("Catch")
            .map(|m| self.catchers(m, state))
            .unwrap_or_default();
        let transition = self.transition(fields, state)?;
        Some(Outcome {
            result_selector,
            result_path,
            retry,
            catch,
            transition,
        })
    }

    /// A nested block: a Parallel branch or a Map item processor (ASL §1.2).
    fn block(&mut self, json: &Json, what: &str, processor: bool) -> Option<Definition> {
        let allowed: &[&str] = if processor {
            &["StartAt", "States", "Comment", "ProcessorConfig"]
        } else {
            &["StartAt", "States", "Comment"]
        };
        let fields = self.object(json, what, allowed)?;
        let comment = fields.get("Comment").and_then(|m| self.string(m));
        let start_at = self.required(&fields, "StartAt", what).and_then(|m| {
            Some(Spanned {
                value: self.string(m)?,
                span: m.value.span,
            })
        });
        let states = self.required(&fields, "States", what)?;
        let parsed = self.states(&states.value)?;
        Some(Definition {
            start_at: start_at?,
            states: parsed,
            states_span: states.value.span,
            timeout_seconds: None,
            comment,
        })
    }

    fn parallel(&mut self, fields: &Fields<'_>, state: &mut State) -> Option<Parallel> {
        let io = self.io(fields);
        let parameters = fields.get("Parameters").and_then(|m| self.template_root(m));
        if let Some(m) = self.required(fields, "Branches", "a Parallel state") {
            match &m.value.kind {
                JsonKind::Array(items) if items.is_empty() => self.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        m.value.span,
                        "`Branches` cannot be empty",
                    )
                    .help("add a branch: `{\"StartAt\": \"…\", \"States\": {…}}`"),
                ),
                JsonKind::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let what = format!("branch {} of `Branches`", i + 1);
                        if let Some(block) = self.block(item, &what, false) {
                            state.blocks.push(block);
                        }
                    }
                }
                _ => self.error(
                    Code::WrongType,
                    m.value.span,
                    format!(
                        "`Branches` must be an array of state machines, found {}",
                        m.value.describe()
                    ),
                ),
            }
        }
        let outcome = self.outcome(fields, state)?;
        Some(Parallel {
            io,
            parameters,
            outcome,
        })
    }

    fn map(&mut self, fields: &Fields<'_>, state: &mut State) -> Option<MapState> {
        let io = self.io(fields);
        let items_path = self.path_field(fields, "ItemsPath", true);
        if let Some(m) = fields
            .get("ItemsPath")
            .filter(|m| m.value.kind == JsonKind::Null)
        {
            self.push(
                Diagnostic::new(Code::WrongType, m.value.span, "`ItemsPath` cannot be null")
                    .help("remove `ItemsPath` to iterate over the whole input"),
            );
        }
        let item_selector = match (fields.get("ItemSelector"), fields.get("Parameters")) {
            (Some(a), Some(_)) => {
                self.push(
                    Diagnostic::new(
                        Code::ExclusiveFields,
                        a.key_span,
                        "`ItemSelector` and `Parameters` cannot both be given",
                    )
                    .help("`Parameters` is the older name of `ItemSelector`; keep `ItemSelector`"),
                );
                None
            }
            (Some(m), None) | (None, Some(m)) => self.template_root(m),
            (None, None) => None,
        };
        let mut distributed = false;
        match (fields.get("ItemProcessor"), fields.get("Iterator")) {
            (Some(m), None) | (None, Some(m)) => {
                let what = format!("`{}`", m.key);
                if let Some(block) = self.block(&m.value, &what, true) {
                    state.blocks.push(block);
                }
                distributed = self.processor_config(&m.value);
            }
            (Some(_), Some(iterator)) => self.push(
                Diagnostic::new(
                    Code::ExclusiveFields,
                    iterator.key_span,
                    "`ItemProcessor` and `Iterator` cannot both be given",
                )
                .help("`Iterator` is the older name of `ItemProcessor`; remove `Iterator`"),
            ),
            (None, None) => {
                self.required(fields, "ItemProcessor", "a Map state");
            }
        }
        let max_concurrency = self.count_pair(fields, "MaxConcurrency", "MaxConcurrencyPath", 0);
        let tolerated_count = self.count_pair(
            fields,
            "ToleratedFailureCount",
            "ToleratedFailureCountPath",
            0,
        );
        let tolerated_percentage = match (
            fields.get("ToleratedFailurePercentage"),
            fields.get("ToleratedFailurePercentagePath"),
        ) {
            (Some(a), Some(_)) => {
                self.exclusive(
                    a,
                    "ToleratedFailurePercentage",
                    "ToleratedFailurePercentagePath",
                );
                None
            }
            // No early return: the transition below must still be read, or
            // the state would look like it has none.
            (Some(m), None) => match self.number(m) {
                Some(n) if !(0.0..=100.0).contains(&n) => {
                    self.error(
                        Code::InvalidValue,
                        m.value.span,
                        format!(
                            "`ToleratedFailurePercentage` must be between 0 and 100, found {n}"
                        ),
                    );
                    None
                }
                n => n.map(Percentage::Literal),
            },
            (None, Some(m)) => self
                .path_value(&m.value, "ToleratedFailurePercentagePath", true)
                .map(Percentage::Path),
            (None, None) => None,
        };
        let label = fields.get("Label").and_then(|m| self.label(m));
        let item_reader = fields.get("ItemReader").and_then(|m| self.item_reader(m));
        let item_batcher = fields.get("ItemBatcher").and_then(|m| self.item_batcher(m));
        let result_writer = fields
            .get("ResultWriter")
            .and_then(|m| self.result_writer(m));
        let outcome = self.outcome(fields, state)?;
        Some(MapState {
            io,
            items_path,
            item_selector,
            distributed,
            max_concurrency,
            tolerated_percentage,
            tolerated_count,
            label,
            item_reader,
            item_batcher,
            result_writer,
            outcome,
        })
    }

    fn exclusive(&mut self, a: &Member, literal: &str, path: &str) {
        self.push(
            Diagnostic::new(
                Code::ExclusiveFields,
                a.key_span,
                format!("`{literal}` and `{path}` cannot both be given"),
            )
            .help(format!("keep one of `{literal}` and `{path}`")),
        );
    }

    /// An integer field and its `…Path` form.
    fn count_pair(
        &mut self,
        fields: &Fields<'_>,
        literal: &str,
        path: &str,
        min: u64,
    ) -> Option<Count> {
        match (fields.get(literal), fields.get(path)) {
            (Some(a), Some(_)) => {
                self.exclusive(a, literal, path);
                None
            }
            (Some(m), None) => self.integer(m, min, i64::MAX as u64).map(Count::Literal),
            (None, Some(m)) => self.path_value(&m.value, path, true).map(Count::Path),
            (None, None) => None,
        }
    }

    /// Checks `ProcessorConfig`; returns whether the mode is `DISTRIBUTED`.
    fn processor_config(&mut self, block: &Json) -> bool {
        let Some(m) = block.get("ProcessorConfig") else {
            return false;
        };
        let Some(fields) = self.object(&m.value, "`ProcessorConfig`", &["Mode", "ExecutionType"])
        else {
            return false;
        };
        let mode = fields.get("Mode").and_then(|m| {
            let mode = self.string(m)?;
            if mode != "INLINE" && mode != "DISTRIBUTED" {
                self.error(
                    Code::InvalidValue,
                    m.value.span,
                    format!("`Mode` must be \"INLINE\" or \"DISTRIBUTED\", found \"{mode}\""),
                );
            }
            Some(mode)
        });
        let distributed = mode.as_deref() == Some("DISTRIBUTED");
        match fields.get("ExecutionType") {
            Some(t) if !distributed => self.push(
                Diagnostic::new(
                    Code::UnknownField,
                    t.key_span,
                    "`ExecutionType` is only allowed with `\"Mode\": \"DISTRIBUTED\"`",
                )
                .help("remove `ExecutionType`, or set `\"Mode\": \"DISTRIBUTED\"`"),
            ),
            Some(t) => {
                if let Some(v) = self.string(t) {
                    if v != "STANDARD" && v != "EXPRESS" {
                        self.error(
                            Code::InvalidValue,
                            t.value.span,
                            format!(
                                "`ExecutionType` must be \"STANDARD\" or \"EXPRESS\", found \"{v}\""
                            ),
                        );
                    }
                }
            }
            None if distributed => self.push(
                Diagnostic::new(
                    Code::MissingField,
                    open_brace(fields.span),
                    "a `DISTRIBUTED` Map needs `ExecutionType`",
                )
                .help("add `\"ExecutionType\": \"STANDARD\"` (or \"EXPRESS\")"),
            ),
            None => {}
        }
        distributed
    }

    fn label(&mut self, m: &Member) -> Option<String> {
        let label = self.string(m)?;
        let count = label.chars().count();
        let bad = label.chars().find(|c| {
            c.is_whitespace() || c.is_control() || "<>{}[]?*\"#%\\^|~`$&,;:/".contains(*c)
        });
        if label.is_empty() || count > 40 {
            self.error(
                Code::InvalidValue,
                m.value.span,
                format!("`Label` must have 1 to 40 characters, found {count}"),
            );
            return None;
        }
        if let Some(c) = bad {
            self.error(
                Code::InvalidValue,
                m.value.span,
                format!("`Label` cannot contain {:?}", c),
            );
            return None;
        }
        if let Some((_, first)) = self.labels.iter().find(|(l, _)| *l == label) {
            let first = *first;
            self.push(
                Diagnostic::new(
                    Code::DuplicateLabel,
                    m.value.span,
                    format!("the Map label `{label}` is used twice"),
                )
                .secondary(first, "first used here")
                .help("Map labels must be unique in the definition"),
            );
            return None;
        }
        self.labels.push((label.clone(), m.value.span));
        Some(label)
    }

    /// An optional string field that must be one of `allowed`.
    fn one_of(&mut self, fields: &Fields<'_>, key: &str, allowed: &[&str]) -> Option<String> {
        let m = fields.get(key)?;
        let v = self.string(m)?;
        if !allowed.contains(&v.as_str()) {
            let list = allowed
                .iter()
                .map(|a| format!("\"{a}\""))
                .collect::<Vec<_>>()
                .join(", ");
            let mut d = Diagnostic::new(
                Code::InvalidValue,
                m.value.span,
                format!("`{key}` must be one of {list}, found \"{v}\""),
            );
            if let Some(s) = did_you_mean(&v, allowed.iter().copied()) {
                d = d.help(format!("did you mean `{s}`?"));
            }
            self.push(d);
            return None;
        }
        Some(v)
    }

    fn item_reader(&mut self, m: &Member) -> Option<ItemReader> {
        let fields = self.object(
            &m.value,
            "`ItemReader`",
            &["Resource", "Parameters", "ReaderConfig"],
        )?;
        let resource_member = self.required(&fields, "Resource", "`ItemReader`");
        let resource = resource_member.and_then(|r| {
            let v = self.string(r)?;
            const READERS: [&str; 2] = [
                "arn:aws:states:::s3:getObject",
                "arn:aws:states:::s3:listObjectsV2",
            ];
            if !READERS.contains(&v.as_str()) {
                self.push(
                    Diagnostic::new(
                        Code::InvalidResource,
                        r.value.span,
                        format!("`{v}` is not an item reader"),
                    )
                    .help("use `arn:aws:states:::s3:getObject` or `arn:aws:states:::s3:listObjectsV2`"),
                );
                return None;
            }
            Some(v)
        });
        let parameters = fields.get("Parameters").and_then(|m| self.template_root(m));
        let mut reader = ItemReader {
            resource: resource.unwrap_or_default(),
            parameters,
            input_type: None,
            csv_header_location: None,
            csv_headers: Vec::new(),
            csv_delimiter: None,
            max_items: None,
            items_pointer: None,
            transformation: None,
        };
        if let Some(c) = fields.get("ReaderConfig") {
            let config = self.object(
                &c.value,
                "`ReaderConfig`",
                &[
                    "InputType",
                    "CSVHeaderLocation",
                    "CSVHeaders",
                    "CSVDelimiter",
                    "MaxItems",
                    "MaxItemsPath",
                    "ItemsPointer",
                    "Transformation",
                    "ManifestType",
                ],
            )?;
            reader.input_type = self.one_of(
                &config,
                "InputType",
                &["CSV", "JSON", "JSONL", "PARQUET", "MANIFEST"],
            );
            if let (Some(kind @ ("PARQUET" | "MANIFEST")), Some(m)) =
                (reader.input_type.as_deref(), config.get("InputType"))
            {
                self.push(
                    Diagnostic::new(
                        Code::Unsupported,
                        m.value.span,
                        format!("sfn cannot read `{kind}` item files yet"),
                    )
                    .help("use `CSV`, `JSON` or `JSONL`, or list the objects with `arn:aws:states:::s3:listObjectsV2`"),
                );
            }
            reader.csv_header_location =
                self.one_of(&config, "CSVHeaderLocation", &["FIRST_ROW", "GIVEN"]);
            reader.csv_delimiter = self.one_of(
                &config,
                "CSVDelimiter",
                &["COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"],
            );
            reader.transformation =
                self.one_of(&config, "Transformation", &["NONE", "LOAD_AND_FLATTEN"]);
            self.one_of(&config, "ManifestType", &["ATHENA_DATA", "S3_INVENTORY"]);
            reader.items_pointer = config.get("ItemsPointer").and_then(|m| self.string(m));
            reader.max_items = self.count_pair(&config, "MaxItems", "MaxItemsPath", 0);
            if let Some(h) = config.get("CSVHeaders") {
                match &h.value.kind {
                    JsonKind::Array(items) => {
                        for item in items {
                            match item.as_str() {
                                Some(s) => reader.csv_headers.push(s.to_owned()),
                                None => self.error(
                                    Code::WrongType,
                                    item.span,
                                    format!(
                                        "a CSV header must be a string, found {}",
                                        item.describe()
                                    ),
                                ),
                            }
                        }
                    }
                    _ => self.error(
                        Code::WrongType,
                        h.value.span,
                        format!(
                            "`CSVHeaders` must be an array of strings, found {}",
                            h.value.describe()
                        ),
                    ),
                }
            }
            let csv = reader.input_type.as_deref() == Some("CSV");
            match (&reader.csv_header_location, config.get("CSVHeaderLocation")) {
                (None, None) if csv => self.push(
                    Diagnostic::new(
                        Code::MissingField,
                        open_brace(config.span),
                        "a CSV `ReaderConfig` needs `CSVHeaderLocation`",
                    )
                    .help("add `\"CSVHeaderLocation\": \"FIRST_ROW\"` (or \"GIVEN\" with `CSVHeaders`)"),
                ),
                (Some(_), Some(l)) if !csv => self.error(
                    Code::UnknownField,
                    l.key_span,
                    "`CSVHeaderLocation` is only allowed with `\"InputType\": \"CSV\"`",
                ),
                (Some(loc), Some(l)) if loc == "GIVEN" && config.get("CSVHeaders").is_none() => {
                    self.push(
                        Diagnostic::new(
                            Code::MissingField,
                            l.value.span,
                            "`\"CSVHeaderLocation\": \"GIVEN\"` needs `CSVHeaders`",
                        )
                        .help("add `\"CSVHeaders\": [\"column1\", …]`"),
                    )
                }
                _ => {}
            }
        }
        Some(reader)
    }

    fn item_batcher(&mut self, m: &Member) -> Option<ItemBatcher> {
        let fields = self.object(
            &m.value,
            "`ItemBatcher`",
            &[
                "MaxItemsPerBatch",
                "MaxItemsPerBatchPath",
                "MaxInputBytesPerBatch",
                "MaxInputBytesPerBatchPath",
                "BatchInput",
            ],
        )?;
        let max_items = self.count_pair(&fields, "MaxItemsPerBatch", "MaxItemsPerBatchPath", 1);
        let max_bytes = self.count_pair(
            &fields,
            "MaxInputBytesPerBatch",
            "MaxInputBytesPerBatchPath",
            1,
        );
        if let (Some(Count::Literal(b)), Some(f)) =
            (&max_bytes, fields.get("MaxInputBytesPerBatch"))
        {
            if *b > 262_144 {
                self.error(
                    Code::InvalidValue,
                    f.value.span,
                    format!("`MaxInputBytesPerBatch` must be at most 262144 (256 KiB), found {b}"),
                );
            }
        }
        let sizes = [
            "MaxItemsPerBatch",
            "MaxItemsPerBatchPath",
            "MaxInputBytesPerBatch",
            "MaxInputBytesPerBatchPath",
        ];
        if !sizes.iter().any(|k| fields.get(k).is_some()) {
            self.push(
                Diagnostic::new(
                    Code::MissingField,
                    open_brace(fields.span),
                    "`ItemBatcher` needs a batch size",
                )
                .help("add `\"MaxItemsPerBatch\": <n>` or `\"MaxInputBytesPerBatch\": <bytes>`"),
            );
        }
        let batch_input = fields.get("BatchInput").and_then(|m| self.template_root(m));
        Some(ItemBatcher {
            max_items,
            max_bytes,
            batch_input,
        })
    }

    fn result_writer(&mut self, m: &Member) -> Option<ResultWriter> {
        let fields = self.object(
            &m.value,
            "`ResultWriter`",
            &["Resource", "Parameters", "WriterConfig"],
        )?;
        let resource = fields.get("Resource").and_then(|r| {
            let v = self.string(r)?;
            if v != "arn:aws:states:::s3:putObject" {
                self.push(
                    Diagnostic::new(
                        Code::InvalidResource,
                        r.value.span,
                        format!("`{v}` is not a result writer"),
                    )
                    .help("use `arn:aws:states:::s3:putObject`"),
                );
                return None;
            }
            Some(v)
        });
        let parameters = fields.get("Parameters").and_then(|m| self.template_root(m));
        let mut writer = ResultWriter {
            resource,
            parameters,
            output_type: None,
            transformation: None,
        };
        if let Some(c) = fields.get("WriterConfig") {
            let config = self.object(
                &c.value,
                "`WriterConfig`",
                &["OutputType", "Transformation"],
            )?;
            writer.output_type = self.one_of(&config, "OutputType", &["JSON", "JSONL"]);
            writer.transformation =
                self.one_of(&config, "Transformation", &["NONE", "COMPACT", "FLATTEN"]);
            if writer.output_type.is_some() != writer.transformation.is_some() {
                self.push(
                    Diagnostic::new(
                        Code::MissingField,
                        open_brace(config.span),
                        "`WriterConfig` needs both `OutputType` and `Transformation`",
                    )
                    .help("add `\"OutputType\": \"JSON\", \"Transformation\": \"COMPACT\"`"),
                );
            }
        }
        match (
            fields.get("Resource"),
            fields.get("Parameters"),
            fields.get("WriterConfig"),
        ) {
            (Some(r), None, _) => self.push(
                Diagnostic::new(
                    Code::MissingField,
                    r.key_span,
                    "a `ResultWriter` with `Resource` needs `Parameters`",
                )
                .help("add `\"Parameters\": {\"Bucket\": \"…\", \"Prefix\": \"…\"}`"),
            ),
            (None, Some(p), _) => self.push(
                Diagnostic::new(
                    Code::MissingField,
                    p.key_span,
                    "a `ResultWriter` with `Parameters` needs `Resource`",
                )
                .help("add `\"Resource\": \"arn:aws:states:::s3:putObject\"`"),
            ),
            (None, None, None) => self.push(
                Diagnostic::new(
                    Code::MissingField,
                    open_brace(fields.span),
                    "`ResultWriter` cannot be empty",
                )
                .help("add `Resource` and `Parameters`, or `WriterConfig`"),
            ),
            _ => {}
        }
        Some(writer)
    }

    /// Parses the intrinsic function call in the string `json`.
    fn intrinsic(&mut self, json: &Json, field: &str) -> Option<Call> {
        let text = json.as_str()?;
        match intrinsic::parse(text) {
            Ok(call) => Some(call),
            Err(e) if e.unsupported => {
                let span = self.inner_span(json, e.offset, e.len);
                self.error(Code::Unsupported, span, e.message);
                None
            }
            Err(e) => {
                let span = self.inner_span(json, e.offset, e.len);
                let mut d = Diagnostic::new(
                    Code::InvalidIntrinsic,
                    span,
                    format!(
                        "invalid intrinsic function call in `{field}`: {}",
                        e.message
                    ),
                )
                .label(e.message);
                if let Some(help) = e.help {
                    d = d.help(help);
                }
                self.push(d);
                None
            }
        }
    }

    fn template_root(&mut self, m: &Member) -> Option<Template> {
        if m.value.as_object().is_none() {
            self.error(
                Code::WrongType,
                m.value.span,
                format!(
                    "`{}` must be an object, found {}",
                    m.key,
                    m.value.describe()
                ),
            );
            return None;
        }
        self.template(&m.value)
    }

    /// Walks a payload template (ASL §2.3).
    fn template(&mut self, json: &Json) -> Option<Template> {
        match &json.kind {
            JsonKind::Object(members) => {
                let mut out = Vec::with_capacity(members.len());
                let mut dynamic = false;
                let mut ok = true;
                for (i, m) in members.iter().enumerate() {
                    let key = m.key.strip_suffix(".$").unwrap_or(&m.key);
                    let clash = members[..i]
                        .iter()
                        .any(|prev| prev.key.strip_suffix(".$").unwrap_or(&prev.key) == key);
                    if clash {
                        self.push(
                            Diagnostic::new(
                                Code::DuplicateKey,
                                m.key_span,
                                format!("field `{key}` is given twice in this template"),
                            )
                            .label("`name` and `name.$` produce the same field"),
                        );
                        ok = false;
                        continue;
                    }
                    if m.key.ends_with(".$") {
                        dynamic = true;
                        match self.template_member(m) {
                            Some(t) => out.push((key.to_owned(), t)),
                            None => ok = false,
                        }
                    } else {
                        match self.template(&m.value) {
                            Some(t) => {
                                dynamic |= !matches!(t, Template::Literal(_));
                                out.push((key.to_owned(), t));
                            }
                            None => ok = false,
                        }
                    }
                }
                if !ok {
                    return None;
                }
                Some(if dynamic {
                    Template::Object(out)
                } else {
                    Template::Literal(json.to_value())
                })
            }
            JsonKind::Array(items) => {
                let items: Option<Vec<Template>> = items.iter().map(|i| self.template(i)).collect();
                let items = items?;
                if items.iter().all(|t| matches!(t, Template::Literal(_))) {
                    Some(Template::Literal(json.to_value()))
                } else {
                    Some(Template::Array(items))
                }
            }
            _ => Some(Template::Literal(json.to_value())),
        }
    }

    fn template_member(&mut self, m: &Member) -> Option<Template> {
        let Some(text) = m.value.as_str() else {
            self.push(
                Diagnostic::new(
                    Code::InvalidTemplate,
                    m.value.span,
                    format!(
                        "the value of `{}` must be a path or an intrinsic function call, found {}",
                        m.key,
                        m.value.describe()
                    ),
                )
                .help(format!(
                    "remove the `.$` suffix from `{}` to use a literal value",
                    m.key
                )),
            );
            return None;
        };
        if text.starts_with("States.") {
            let call = self.intrinsic(&m.value, &m.key)?;
            return Some(Template::Intrinsic {
                call,
                field: m.key.clone(),
            });
        }
        if !text.starts_with('$') {
            self.push(
                Diagnostic::new(
                    Code::InvalidTemplate,
                    m.value.span,
                    format!(
                        "the value of `{}` must be a path or an intrinsic function call",
                        m.key
                    ),
                )
                .label("not a path (paths start with `$`)")
                .help(format!(
                    "remove the `.$` suffix from `{}` to use the literal string",
                    m.key
                )),
            );
            return None;
        }
        let path = self.path_value(&m.value, &m.key, false)?;
        Some(Template::Path {
            path,
            field: m.key.clone(),
        })
    }
}

/// The offset in `raw`, the source text of a JSON string between its quotes,
/// of the escape or character that decodes to byte `decoded` of the string's
/// value; `raw.len()` for the end of the value, `None` past it or inside a
/// character.
fn raw_offset(raw: &str, decoded: usize) -> Option<usize> {
    let bytes = raw.as_bytes();
    let (mut r, mut d) = (0, 0);
    while d < decoded {
        let (raw_len, decoded_len) = match bytes.get(r)? {
            b'\\' if bytes.get(r + 1) == Some(&b'u') => {
                let unit = |at: usize| {
                    raw.get(at..at + 4)
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                };
                let high = unit(r + 2)?;
                let low = (bytes.get(r + 6..r + 8) == Some(b"\\u".as_slice()))
                    .then(|| unit(r + 8))
                    .flatten();
                match (high, low) {
                    (0xD800..=0xDBFF, Some(0xDC00..=0xDFFF)) => (12, 4),
                    // A lone surrogate: no mapping.
                    (c, _) => (6, char::from_u32(c)?.len_utf8()),
                }
            }
            b'\\' => (2, 1),
            _ => {
                let c = raw[r..].chars().next()?;
                (c.len_utf8(), c.len_utf8())
            }
        };
        r += raw_len;
        d += decoded_len;
    }
    (d == decoded).then_some(r)
}

/// The span of an object's opening brace, where "missing field" errors point.
fn open_brace(span: Span) -> Span {
    Span::new(span.start, span.start + 1)
}

fn describe_number(json: &Json) -> String {
    match &json.kind {
        JsonKind::Number(raw) => format!("`{raw}`"),
        _ => json.describe().to_owned(),
    }
}

/// A `StringMatches` pattern escapes only `*` and `\` (ASL §3.2).
fn valid_glob(pattern: &str) -> bool {
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c == '\\' && !matches!(chars.next(), Some('*' | '\\')) {
            return false;
        }
    }
    true
}

/// The strict RFC 3339 profile of ASL (§1.7): uppercase `T` and `Z`, a zone required.
pub fn parse_timestamp(s: &str) -> Option<(i64, u32)> {
    let bytes = s.as_bytes();
    let shaped = bytes.len() >= 20
        && bytes.get(10) == Some(&b'T')
        && bytes.get(4) == Some(&b'-')
        && bytes.get(7) == Some(&b'-')
        && !s.contains(['t', 'z', ' ']);
    if !shaped {
        return None;
    }
    let t = chrono::DateTime::parse_from_rfc3339(s).ok()?;
    Some((t.timestamp(), t.timestamp_subsec_nanos()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_offset_maps_through_escapes() {
        // Source text `a\"b\\c\u00e9d\ud83d\ude80e🚀f` decodes to `a"b\céd🚀e🚀f`.
        let raw = r#"a\"b\\c\u00e9d\ud83d\ude80e🚀f"#;
        let decoded = "a\"b\\céd🚀e🚀f";
        let expect = [
            (0, 'a'),
            (1, '\\'),
            (3, 'b'),
            (4, '\\'),
            (6, 'c'),
            (7, '\\'),
            (13, 'd'),
            (14, '\\'),
            (26, 'e'),
            (27, '🚀'),
            (31, 'f'),
        ];
        let starts: Vec<usize> = decoded.char_indices().map(|(i, _)| i).collect();
        assert_eq!(starts.len(), expect.len());
        for (&d, (r, c)) in starts.iter().zip(expect) {
            assert_eq!(raw_offset(raw, d), Some(r), "decoded byte {d}");
            assert_eq!(raw[r..].chars().next(), Some(c), "decoded byte {d}");
        }
        assert_eq!(raw_offset(raw, decoded.len()), Some(raw.len()));
        // Inside a character, past the end, and a lone surrogate: no mapping.
        assert_eq!(raw_offset(raw, 6), None);
        assert_eq!(raw_offset(raw, decoded.len() + 1), None);
        assert_eq!(raw_offset(r"\ud83dx", 1), None);
    }

    #[test]
    fn inner_span_is_exact_after_escapes() {
        let text = r#"{"k": "States.Format('\"{}\"\\n', $.x)"}"#;
        let root = crate::json::parse(text).expect("valid JSON");
        let value = &root.get("k").expect("member").value;
        let decoded = value.as_str().expect("a string");
        let mut diags = Vec::new();
        let p = Parser {
            text,
            diags: &mut diags,
            labels: Vec::new(),
            jsonata: false,
        };
        let span_text = |offset, len| {
            let span = p.inner_span(value, offset, len);
            &text[span.start..span.end]
        };
        let escape = decoded.find("\\n").expect("the intrinsic escape");
        assert_eq!(span_text(escape, 2), r"\\n");
        assert_eq!(span_text(escape, 0), r"\\");
        let quote = decoded.find('"').expect("a quote");
        assert_eq!(span_text(quote, 0), r#"\""#);
        assert_eq!(span_text(decoded.find('$').expect("a path"), 3), "$.x");
        // The end of the content is the closing quote.
        assert_eq!(span_text(decoded.len(), 0), "\"");
    }
}
