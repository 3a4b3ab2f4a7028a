//! The lowered workflow: states with resolved identifiers and targets, and the
//! handler methods the Task states need. Lowering cannot fail: it runs only on
//! definitions that passed validation.

use std::collections::HashMap;

use crate::ast::{
    Body, Condition, Definition, FailField, Io, Operand, PathField, ResourceKind, Seconds, Spanned,
    Task, Template, WaitFor,
};
use crate::ident::{self, Namer};
use crate::path::{Path, Root};
use crate::source::SourceFile;

/// A workflow ready to emit.
#[derive(Debug)]
pub struct Machine<'d> {
    /// The definition.
    pub def: &'d Definition,
    /// The workflow's states, in source order.
    pub states: Vec<StateIr<'d>>,
    /// Index of the `StartAt` state.
    pub start: usize,
    /// Handler methods, in order of first use.
    pub methods: Vec<Method>,
    /// The display path of the file.
    pub file: String,
    /// The name reported as `$$.StateMachine.Name` by default.
    pub machine_name: String,
    /// Whether any path reads the context object (`$$`), so that the runtime
    /// must keep the execution input for `$$.Execution.Input`.
    pub reads_context: bool,
    by_name: HashMap<&'d str, usize>,
}

/// One state, lowered.
#[derive(Debug)]
pub struct StateIr<'d> {
    /// The name as written.
    pub name: &'d str,
    /// The enum variant.
    pub variant: String,
    /// 1-based line of the name.
    pub line: usize,
    /// What it does.
    pub body: &'d Body,
    /// `Comment`.
    pub comment: Option<&'d str>,
    /// Index into [`Machine::methods`] for Task states.
    pub method: Option<usize>,
}

/// One method of the generated `Handlers` trait.
#[derive(Debug)]
pub struct Method {
    /// The method's identifier.
    pub ident: String,
    /// What identifies the method: the resource, plus the function of a `lambda:invoke`.
    pub key: String,
    /// The `FunctionName` of a `lambda:invoke` task, when the definition gives it literally.
    pub function: Option<String>,
    /// The `Resource` it serves.
    pub resource: String,
    /// The states that call it: names and lines.
    pub states: Vec<(String, usize)>,
}

impl<'d> Machine<'d> {
    /// The index of the state named `target`.
    pub fn target(&self, target: &Spanned<String>) -> usize {
        self.by_name[target.value.as_str()]
    }
}

/// Lowers a validated definition.
pub fn lower<'d>(def: &'d Definition, file: &SourceFile, machine_name: &str) -> Machine<'d> {
    let mut variants = Namer::default();
    let mut method_names = Namer::with_reserved(&["new", "run", "run_with", "handlers"]);
    let mut methods: Vec<Method> = Vec::new();
    let mut states = Vec::with_capacity(def.states.len());
    for state in &def.states {
        let Some(body) = &state.body else { continue };
        let line = file.line_col(state.name_span.start).0;
        let method = match body {
            Body::Task(task) => {
                let function = invoked_function(task);
                let key = match &function {
                    Some(f) => format!("{} {f}", task.resource.value),
                    None => task.resource.value.clone(),
                };
                let index = match methods.iter().position(|m| m.key == key) {
                    Some(i) => i,
                    None => {
                        let base = match (&task.kind, &function) {
                            (_, Some(f)) => ident::snake(f),
                            (ResourceKind::LambdaFunction { function }, None) => {
                                ident::snake(function)
                            }
                            (ResourceKind::LambdaInvoke, None) => "lambda_invoke".to_owned(),
                            (ResourceKind::Service { resource_type, api }, None) => {
                                ident::snake(&format!("{resource_type} {api}"))
                            }
                            (ResourceKind::Activity { name }, None) => ident::snake(name),
                        };
                        methods.push(Method {
                            ident: method_names.unique(base, "_"),
                            key,
                            function,
                            resource: task.resource.value.clone(),
                            states: Vec::new(),
                        });
                        methods.len() - 1
                    }
                };
                methods[index].states.push((state.name.clone(), line));
                Some(index)
            }
            _ => None,
        };
        states.push(StateIr {
            name: &state.name,
            variant: variants.unique(ident::upper_camel(&state.name), ""),
            line,
            body,
            comment: state.comment.as_deref(),
            method,
        });
    }
    let by_name: HashMap<&str, usize> = states
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name, i))
        .collect();
    let start = by_name[def.start_at.value.as_str()];
    Machine {
        def,
        states,
        start,
        methods,
        file: file.display_path.clone(),
        machine_name: machine_name.to_owned(),
        reads_context: def
            .states
            .iter()
            .filter_map(|s| s.body.as_ref())
            .any(reads_context),
        by_name,
    }
}

/// The function a `lambda:invoke` task names literally in `Parameters.FunctionName`
/// (the name part of an ARN), so that each function gets its own handler method.
fn invoked_function(task: &Task) -> Option<String> {
    if task.kind != ResourceKind::LambdaInvoke {
        return None;
    }
    let name = match &task.parameters {
        Some(Template::Literal(serde_json::Value::Object(map))) => {
            map.get("FunctionName")?.as_str()?.to_owned()
        }
        Some(Template::Object(members)) => {
            match members.iter().find(|(k, _)| k == "FunctionName")? {
                (_, Template::Literal(serde_json::Value::String(s))) => s.clone(),
                _ => return None,
            }
        }
        _ => return None,
    };
    let short = match name.split_once(":function:") {
        Some((_, rest)) => rest.split(':').next().unwrap_or(rest).to_owned(),
        None => name,
    };
    Some(short)
}

/// Whether a state reads the context object (`$$`) anywhere.
fn reads_context(body: &Body) -> bool {
    fn path(p: &Path) -> bool {
        p.root == Root::Context
    }
    fn field(f: &PathField) -> bool {
        matches!(f, PathField::Path(p) if path(p))
    }
    fn io(io: &Io) -> bool {
        field(&io.input_path) || field(&io.output_path)
    }
    fn template(t: &Template) -> bool {
        match t {
            Template::Literal(_) => false,
            Template::Object(members) => members.iter().any(|(_, v)| template(v)),
            Template::Array(items) => items.iter().any(template),
            Template::Path { path: p, .. } => path(p),
        }
    }
    fn seconds(s: &Option<Seconds>) -> bool {
        matches!(s, Some(Seconds::Path(p)) if path(p))
    }
    fn condition(c: &Condition) -> bool {
        match c {
            Condition::And(items) | Condition::Or(items) => items.iter().any(condition),
            Condition::Not(inner) => condition(inner),
            Condition::Test {
                variable, operand, ..
            } => path(variable) || matches!(operand, Operand::Path(p) if path(p)),
        }
    }
    fn fail(f: &Option<FailField>) -> bool {
        matches!(f, Some(FailField::Path(p)) if path(p))
    }
    match body {
        Body::Pass(p) => io(&p.io) || p.parameters.as_ref().is_some_and(template),
        Body::Task(t) => {
            io(&t.io)
                || t.parameters.as_ref().is_some_and(template)
                || t.result_selector.as_ref().is_some_and(template)
                || seconds(&t.timeout)
                || seconds(&t.heartbeat)
        }
        Body::Choice(c) => io(&c.io) || c.choices.iter().any(|(cond, _)| condition(cond)),
        Body::Wait(w) => {
            io(&w.io)
                || matches!(&w.until, WaitFor::SecondsPath(p) | WaitFor::TimestampPath(p) if path(p))
        }
        Body::Succeed(i) => io(i),
        Body::Fail(f) => fail(&f.error) || fail(&f.cause),
    }
}
