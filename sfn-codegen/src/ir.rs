//! The lowered workflow: states with resolved identifiers and targets, and the
//! handler methods the Task states need. Lowering cannot fail: it runs only on
//! definitions that passed validation.

use std::collections::HashMap;

use crate::ast::{Body, Definition, ResourceKind, Spanned};
use crate::ident::{self, Namer};
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
                let index = match methods
                    .iter()
                    .position(|m| m.resource == task.resource.value)
                {
                    Some(i) => i,
                    None => {
                        let base = match &task.kind {
                            ResourceKind::LambdaFunction { function } => ident::snake(function),
                            ResourceKind::LambdaInvoke => "lambda_invoke".to_owned(),
                            ResourceKind::Service { resource_type, api } => {
                                ident::snake(&format!("{resource_type} {api}"))
                            }
                            ResourceKind::Activity { name } => ident::snake(name),
                        };
                        methods.push(Method {
                            ident: method_names.unique(base, "_"),
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
        by_name,
    }
}
