//! The lowered workflow: states with resolved identifiers and targets, and the
//! handler methods the Task states need. Lowering cannot fail: it runs only on
//! definitions that passed validation.

use std::collections::HashMap;

use crate::ast::{
    Body, Condition, Count, Definition, FailField, Io, Operand, Outcome, PathField, Percentage,
    ResourceKind, Seconds, Spanned, Task, Template, WaitFor,
};
use crate::ident::{self, Namer};
use crate::path::{Path, Root, Step};
use crate::shape::Shape;
use crate::source::SourceFile;

/// A workflow ready to emit.
#[derive(Debug)]
pub struct Machine<'d> {
    /// The definition.
    pub def: &'d Definition,
    /// The state machines: `blocks[0]` is the top level, then every Parallel
    /// branch and Map item processor (each before the blocks nested in it).
    pub blocks: Vec<Block<'d>>,
    /// Handler methods, in order of first use.
    pub methods: Vec<Method>,
    /// The display path of the file.
    pub file: String,
    /// The name reported as `$$.StateMachine.Name` by default.
    pub machine_name: String,
    /// Whether any path reads the context object (`$$`), so that the runtime
    /// must keep the execution input for `$$.Execution.Input`.
    pub reads_context: bool,
}

/// Whether a state's code awaits (Task, Wait, Parallel, Map), so that its
/// function is `async`.
pub fn awaits(body: &Body) -> bool {
    matches!(
        body,
        Body::Task(_) | Body::Wait(_) | Body::Parallel(_) | Body::Map(_)
    )
}

/// One state machine: the top level, a Parallel branch or a Map item processor.
#[derive(Debug)]
pub struct Block<'d> {
    /// The states, in source order.
    pub states: Vec<StateIr<'d>>,
    /// Index of the `StartAt` state.
    pub start: usize,
    /// The generated enum of its states.
    pub enum_name: String,
    /// The generated method that runs it.
    pub fn_name: String,
    /// What it is, for doc comments: `branch 1 of Parallel state "Lookup"`.
    pub role: String,
    /// The display path of the file.
    pub file: String,
    /// Each state's input shape (see [`crate::shape`]), by state index.
    pub inputs: Vec<Shape>,
    /// Whether the block's slots may borrow from the state that runs it
    /// (`Cow<'i, Value>`), because no state of it waits, so that it runs as a
    /// plain call while that state's input is borrowed. A Map's item
    /// processor whose entry is in parts is lent its registers (`&mut`),
    /// which stay with the Map; the branches of a Parallel whose branches all
    /// run so are lent the Parallel's input (`&Value`), which none of them
    /// copies whole unless it keeps it whole.
    pub borrows: bool,
    by_name: HashMap<&'d str, usize>,
}

impl Block<'_> {
    /// Whether no state of the block waits, so that its run loop is a plain
    /// function that a Parallel or Map state calls inline (see `__sfn::Inline`).
    pub fn runs_inline(&self) -> bool {
        self.states.iter().all(|s| !awaits(s.body))
    }

    /// The shape of the block's input, which its start state receives: a
    /// Map's ItemSelector builds it in parts.
    pub fn entry(&self) -> &Shape {
        &self.inputs[self.start]
    }

    /// How many registers its run loop has: the most slots of any state's
    /// input (one for an input of unknown shape). A state finds its input in
    /// the first registers and leaves its output there for the next state,
    /// so that a value no state changes is never moved.
    pub fn width(&self) -> usize {
        self.inputs
            .iter()
            .map(|s| if s.is_known() { s.slots() } else { 1 })
            .max()
            .unwrap_or(1)
            .max(1)
    }
}

/// One state, lowered.
#[derive(Debug)]
pub struct StateIr<'d> {
    /// The name as written.
    pub name: &'d str,
    /// The enum variant.
    pub variant: String,
    /// The generated method that runs the state.
    pub fn_name: String,
    /// 1-based line of the name.
    pub line: usize,
    /// What it does.
    pub body: &'d Body,
    /// `Comment`.
    pub comment: Option<&'d str>,
    /// The outgoing transitions (`Next`, `Default`, `Choices[].Next`, `Catch[].Next`).
    pub targets: &'d [Spanned<String>],
    /// Index into [`Machine::methods`] for Task states.
    pub method: Option<usize>,
    /// Indexes into [`Machine::blocks`] of its branches or item processor.
    pub blocks: Vec<usize>,
    /// Index into [`Machine::methods`] of a Map's `ItemReader`.
    pub reader: Option<usize>,
    /// Index into [`Machine::methods`] of a Map's `ResultWriter`.
    pub writer: Option<usize>,
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

impl Block<'_> {
    /// The index of the state named `target`.
    pub fn target(&self, target: &Spanned<String>) -> usize {
        self.by_name[target.value.as_str()]
    }
}

struct Lowerer<'d, 'f> {
    file: &'f SourceFile,
    blocks: Vec<Block<'d>>,
    methods: Vec<Method>,
    method_names: Namer,
    type_names: Namer,
    fn_names: Namer,
}

/// Lowers a validated definition.
pub fn lower<'d>(def: &'d Definition, file: &SourceFile, machine_name: &str) -> Machine<'d> {
    let mut l = Lowerer {
        file,
        blocks: Vec::new(),
        methods: Vec::new(),
        method_names: Namer::with_reserved(&["new", "run", "run_with", "handlers"]),
        type_names: Namer::with_reserved(&["State", "Workflow", "Handlers"]),
        fn_names: Namer::with_reserved(&["new", "run", "run_with", "handlers", "run_loop"]),
    };
    l.block(
        def,
        "State".to_owned(),
        "run_loop".to_owned(),
        "the workflow".to_owned(),
        Shape::Any,
    );
    let reads_context = l
        .blocks
        .iter()
        .flat_map(|b| &b.states)
        .any(|s| reads_context(s.body));
    Machine {
        def,
        blocks: l.blocks,
        methods: l.methods,
        file: file.display_path.clone(),
        machine_name: machine_name.to_owned(),
        reads_context,
    }
}

impl<'d> Lowerer<'d, '_> {
    fn block(
        &mut self,
        def: &'d Definition,
        enum_name: String,
        fn_name: String,
        role: String,
        entry: Shape,
    ) -> usize {
        let index = self.blocks.len();
        self.blocks.push(Block {
            states: Vec::new(),
            start: 0,
            inputs: Vec::new(),
            borrows: false,
            enum_name,
            fn_name,
            role,
            file: self.file.display_path.clone(),
            by_name: HashMap::new(),
        });
        let mut variants = Namer::default();
        let mut states = Vec::with_capacity(def.states.len());
        for state in &def.states {
            let Some(body) = &state.body else { continue };
            let line = self.file.line_col(state.name_span.start).0;
            let variant = variants.unique(ident::upper_camel(&state.name), "");
            let fn_name = self
                .fn_names
                .unique(format!("state_{}", ident::snake(&state.name)), "_");
            let use_by = || (state.name.clone(), line);
            let method = match body {
                Body::Task(task) => {
                    let function = invoked_function(task);
                    let key = match &function {
                        Some(f) => format!("{} {f}", task.resource.value),
                        None => task.resource.value.clone(),
                    };
                    let base = match (&task.kind, &function) {
                        (_, Some(f)) => ident::snake(f),
                        (ResourceKind::LambdaFunction { function }, None) => ident::snake(function),
                        (ResourceKind::LambdaInvoke, None) => "lambda_invoke".to_owned(),
                        (ResourceKind::Service { resource_type, api }, None) => {
                            ident::snake(&format!("{resource_type} {api}"))
                        }
                        (ResourceKind::Activity { name }, None) => ident::snake(name),
                    };
                    Some(self.method(key, base, function, &task.resource.value, use_by()))
                }
                _ => None,
            };
            let (mut reader, mut writer) = (None, None);
            let mut blocks = Vec::new();
            let prefix = ident::snake(&state.name);
            match body {
                Body::Parallel(_) => {
                    for (i, branch) in state.blocks.iter().enumerate() {
                        let ty = self
                            .type_names
                            .unique(format!("{variant}Branch{}State", i + 1), "");
                        let f = self
                            .fn_names
                            .unique(format!("run_{prefix}_branch_{}", i + 1), "_");
                        let role = format!(
                            "branch {} of Parallel state \"{}\"",
                            i + 1,
                            crate::emit::doc_text(&state.name)
                        );
                        blocks.push(self.block(branch, ty, f, role, Shape::Any));
                    }
                    if blocks.iter().all(|&b| self.blocks[b].runs_inline()) {
                        for &b in &blocks {
                            self.blocks[b].borrows = true;
                        }
                    }
                }
                Body::Map(map) => {
                    if let Some(processor) = state.blocks.first() {
                        let ty = self.type_names.unique(format!("{variant}ItemState"), "");
                        let f = self.fn_names.unique(format!("run_{prefix}_item"), "_");
                        let role = format!(
                            "the item processor of Map state \"{}\"",
                            crate::emit::doc_text(&state.name)
                        );
                        // A plain Map passes its ItemSelector's members apart.
                        let entry = match &map.item_selector {
                            Some(t)
                                if map.item_reader.is_none()
                                    && map.item_batcher.is_none()
                                    && map.result_writer.is_none() =>
                            {
                                crate::shape::template_shape(t)
                            }
                            _ => Shape::Any,
                        };
                        blocks.push(self.block(processor, ty, f, role, entry));
                    }
                    if let Some(r) = &map.item_reader {
                        let base =
                            ident::snake(r.resource.rsplit(':').next().unwrap_or("read_items"));
                        reader = Some(self.method(
                            r.resource.clone(),
                            format!("s3_{base}"),
                            None,
                            &r.resource,
                            use_by(),
                        ));
                    }
                    if let Some(resource) =
                        map.result_writer.as_ref().and_then(|w| w.resource.as_ref())
                    {
                        writer = Some(self.method(
                            resource.clone(),
                            "s3_put_object".to_owned(),
                            None,
                            resource,
                            use_by(),
                        ));
                    }
                }
                _ => {}
            }
            states.push(StateIr {
                name: &state.name,
                variant,
                fn_name,
                line,
                body,
                comment: state.comment.as_deref(),
                targets: &state.targets,
                method,
                blocks,
                reader,
                writer,
            });
        }
        let by_name: HashMap<&str, usize> = states
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name, i))
            .collect();
        let block = &mut self.blocks[index];
        block.start = by_name[def.start_at.value.as_str()];
        block.states = states;
        block.by_name = by_name;
        block.inputs = crate::shape::analyse(block, &entry);
        if block.inputs[block.start] != entry {
            // Something leads back to the start with other data: take one value.
            block.inputs = crate::shape::analyse(block, &Shape::Any);
        } else {
            block.borrows = entry.is_known() && block.runs_inline();
        }
        index
    }

    /// The index of the method for `key`, added on first use.
    fn method(
        &mut self,
        key: String,
        base: String,
        function: Option<String>,
        resource: &str,
        used_by: (String, usize),
    ) -> usize {
        let index = match self.methods.iter().position(|m| m.key == key) {
            Some(i) => i,
            None => {
                self.methods.push(Method {
                    ident: self.method_names.unique(base, "_"),
                    key,
                    function,
                    resource: resource.to_owned(),
                    states: Vec::new(),
                });
                self.methods.len() - 1
            }
        };
        self.methods[index].states.push(used_by);
        index
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
    /// Only `$$.Execution…` (or a path that may reach it) needs the input:
    /// `$$.Map.Item.Index`, `$$.State.Name` and the like never do.
    fn path(p: &Path) -> bool {
        p.root == Root::Context
            && !matches!(
                p.steps.first(),
                Some(Step::Field(name)) if name != "Execution"
            )
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
            Template::Intrinsic { call, .. } => call.reads_context(),
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
        match f {
            Some(FailField::Path(p)) => path(p),
            Some(FailField::Intrinsic(call)) => call.reads_context(),
            _ => false,
        }
    }
    fn count(c: &Option<Count>) -> bool {
        matches!(c, Some(Count::Path(p)) if path(p))
    }
    fn outcome(o: &Outcome) -> bool {
        o.result_selector.as_ref().is_some_and(template)
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
        Body::Parallel(p) => {
            io(&p.io) || p.parameters.as_ref().is_some_and(template) || outcome(&p.outcome)
        }
        Body::Map(m) => {
            io(&m.io)
                || matches!(&m.items_path, PathField::Path(p) if path(p))
                || m.item_selector.as_ref().is_some_and(template)
                || count(&m.max_concurrency)
                || count(&m.tolerated_count)
                || matches!(&m.tolerated_percentage, Some(Percentage::Path(p)) if path(p))
                || outcome(&m.outcome)
                || m.item_reader.as_ref().is_some_and(|r| {
                    r.parameters.as_ref().is_some_and(template) || count(&r.max_items)
                })
                || m.item_batcher.as_ref().is_some_and(|b| {
                    b.batch_input.as_ref().is_some_and(template)
                        || count(&b.max_items)
                        || count(&b.max_bytes)
                })
                || m.result_writer
                    .as_ref()
                    .is_some_and(|w| w.parameters.as_ref().is_some_and(template))
        }
    }
}
