//! Emits the Rust module of a lowered workflow as tokens.
//!
//! Every string that comes from the workflow file becomes a string literal (or
//! an escaped doc string); identifiers come from [`crate::ident`]. Generated
//! code names only `::sfn_runtime` and `::core` paths.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use crate::ast::{
    Body, Catcher, Condition, Count, Fail, FailField, Io, MapState, Operand, Operator, Outcome,
    Parallel, Pass, PathField, Percentage, ResourceKind, Retrier, Seconds, Task, Template,
    Transition, Wait, WaitFor,
};
use crate::intrinsic::{Arg, Call, Func};
use crate::ir::{Block, Machine, StateIr, awaits};
use crate::path::{CmpOp, Filter, Literal as PathLiteral, Path, Root, Step};
use crate::shape::Shape;

mod shaped;
use shaped::{emit_shaped_state, shaped};

/// Emits the items of the workflow module (without the `mod` wrapper).
pub fn emit_items(m: &Machine<'_>) -> TokenStream {
    let enum_items = m.blocks.iter().map(|b| emit_state_enum(b));
    let handlers = emit_handlers(m);
    let workflow = emit_workflow(m);
    quote! {
        use ::sfn_runtime::__private as __sfn;
        #(#enum_items)*
        #handlers
        #workflow
    }
}

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// Text for a doc comment: escaped so that no name can form markdown code
/// blocks, links or HTML, and on one line.
pub fn doc_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.escape_debug() {
        if "`*_<>[]#&|~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn kind_name(body: &Body) -> &'static str {
    match body {
        Body::Pass(_) => "Pass",
        Body::Task(_) => "Task",
        Body::Choice(_) => "Choice",
        Body::Wait(_) => "Wait",
        Body::Succeed(_) => "Succeed",
        Body::Fail(_) => "Fail",
        Body::Parallel(_) => "Parallel",
        Body::Map(_) => "Map",
    }
}

fn emit_state_enum(b: &Block<'_>) -> TokenStream {
    let file = &b.file;
    let variants = b.states.iter().map(|s| {
        let v = ident(&s.variant);
        let mut doc = format!(
            " \"{}\": {} state, `{file}:{}`.",
            doc_text(s.name),
            kind_name(s.body),
            s.line
        );
        if let Some(comment) = s.comment {
            doc.push_str(&format!(" {}", doc_text(comment)));
        }
        quote! { #[doc = #doc] #v }
    });
    let ty = ident(&b.enum_name);
    let names = b.states.iter().map(|s| {
        let v = ident(&s.variant);
        let name = s.name;
        quote! { #ty::#v => #name }
    });
    let all = b.states.iter().map(|s| ident(&s.variant));
    let count = b.states.len();
    let start = ident(&b.states[b.start].variant);
    let doc = format!(" The states of {}, in source order.", b.role);
    let start_doc = format!(" The state {} starts in (`StartAt`).", b.role);
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum #ty {
            #(#variants,)*
        }

        impl #ty {
            #[doc = #start_doc]
            pub const START: #ty = #ty::#start;

            /// Every state, in source order.
            pub const ALL: [#ty; #count] = [#(#ty::#all),*];

            /// The state's name as written in the workflow file.
            pub const fn name(self) -> &'static str {
                match self {
                    #(#names,)*
                }
            }
        }
    }
}

fn emit_handlers(m: &Machine<'_>) -> TokenStream {
    let methods = m.methods.iter().map(|method| {
        let name = ident(&method.ident);
        let used_by = method
            .states
            .iter()
            .map(|(state, line)| format!("\"{}\" (`{}:{line}`)", doc_text(state), m.file))
            .collect::<Vec<_>>()
            .join(", ");
        let doc1 = match &method.function {
            Some(f) => format!(" Runs the Lambda function `{}` through `{}`.", doc_text(f), doc_text(&method.resource)),
            None => format!(" Runs the Task resource `{}`.", doc_text(&method.resource)),
        };
        let doc2 = format!(" Used by: {used_by}.");
        quote! {
            #[doc = #doc1]
            ///
            #[doc = #doc2]
            fn #name(
                &self,
                input: ::sfn_runtime::Value,
                ctx: ::sfn_runtime::TaskContext,
            ) -> impl ::core::future::Future<Output = ::sfn_runtime::TaskResult> + ::core::marker::Send;
        }
    });
    let unit_impl = m.methods.is_empty().then(|| {
        quote! {
            /// This workflow has no Task states, so `()` serves as its handlers.
            impl Handlers for () {}
        }
    });
    quote! {
        /// The Task handlers this workflow needs: one method per distinct `Resource`.
        ///
        /// A handler receives the task's effective input (after `InputPath` and
        /// `Parameters`; for `arn:aws:states:::lambda:invoke`, the `Payload`) and
        /// returns the task result, or an error that `Retry` and `Catch` match on.
        pub trait Handlers: ::core::marker::Send + ::core::marker::Sync {
            #(#methods)*
        }
        #unit_impl
    }
}

fn emit_workflow(m: &Machine<'_>) -> TokenStream {
    let machine_name = &m.machine_name;
    // Without TimeoutSeconds, `run` (which takes no abort handle) awaits its
    // run loop as it is.
    let (timeout, run_outcome) = match m.def.timeout_seconds {
        Some(t) => {
            let timeout = quote! { ::core::option::Option::Some(#t) };
            let run = quote! {
                let outcome = __sfn::drive(&options, #timeout, self.run_loop(&mut exec, input)).await;
            };
            (timeout, run)
        }
        None => (
            quote! { ::core::option::Option::None },
            quote! {
                let outcome = __sfn::Outcome::of(self.run_loop(&mut exec, input).await);
            },
        ),
    };
    let reads_context = m.reads_context;
    let nested = m.blocks.iter().skip(1).map(|b| {
        let name = ident(&b.fn_name);
        let input = shape_type(b, b.entry());
        let lt = lifetime(b);
        if b.runs_inline() {
            let doc = format!(
                " Runs {}: one match arm per state. No state of it waits, so it is a plain call.",
                b.role
            );
            // A block whose slots borrow is lent its input by its one
            // caller, the Map that builds it in place: when the input is the
            // registers already, they are used where they are, without a copy.
            let (param, body) = if regs_are_input(b) {
                let regs = regs_type(b);
                (quote! { regs: &mut #regs }, emit_loop(b, true))
            } else if b.borrows && !b.entry().is_known() {
                // A Parallel branch, lent the Parallel's input.
                (quote! { input: &'i ::sfn_runtime::Value }, emit_run_loop(b))
            } else if b.borrows {
                (quote! { input: &mut #input }, emit_run_loop(b))
            } else {
                (quote! { input: #input }, emit_run_loop(b))
            };
            return quote! {
                #[doc = #doc]
                #[inline]
                fn #name #lt(
                    &self,
                    exec: &mut __sfn::Exec,
                    #param,
                ) -> ::core::result::Result<::sfn_runtime::Value, ::sfn_runtime::Error> {
                    #body
                }
            };
        }
        let doc = format!(" Runs {}: one match arm per state.", b.role);
        let body = emit_run_loop(b);
        quote! {
            #[doc = #doc]
            async fn #name(
                &self,
                mut exec: __sfn::Exec,
                input: #input,
            ) -> ::core::result::Result<::sfn_runtime::Value, ::sfn_runtime::Error> {
                let exec = &mut exec;
                #body
            }
        }
    });
    let top = &m.blocks[0];
    let top_body = emit_run_loop(top);
    let state_fns = m.blocks.iter().flat_map(|b| {
        b.states
            .iter()
            .enumerate()
            .map(move |(i, s)| emit_state(m, b, i, s))
    });
    let file_doc = format!(" Runs the workflow `{}`.", m.file);
    quote! {
        #[doc = #file_doc]
        #[derive(Debug, Clone, Default)]
        pub struct Workflow<H> {
            handlers: H,
        }

        impl<H: Handlers> Workflow<H> {
            /// The name reported as `$$.StateMachine.Name` unless the run options say otherwise.
            pub const NAME: &'static str = #machine_name;

            /// A workflow whose Task states call `handlers`.
            pub fn new(handlers: H) -> Self {
                Workflow { handlers }
            }

            /// The handlers.
            pub fn handlers(&self) -> &H {
                &self.handlers
            }

            /// Runs one execution with `input`: its output, or how it failed.
            pub async fn run(
                &self,
                input: ::sfn_runtime::Value,
            ) -> ::core::result::Result<::sfn_runtime::Value, ::sfn_runtime::ExecutionError> {
                let options = ::sfn_runtime::RunOptions::new();
                let mut exec = __sfn::Exec::start(Self::NAME, &options, &input, #reads_context);
                #run_outcome
                exec.finish_result(outcome)
            }

            /// Runs one execution with `input` and `options`, and reports how it ended.
            pub async fn run_with(
                &self,
                input: ::sfn_runtime::Value,
                options: ::sfn_runtime::RunOptions,
            ) -> ::sfn_runtime::Execution {
                let mut exec = __sfn::Exec::start(Self::NAME, &options, &input, #reads_context);
                let outcome = __sfn::drive(&options, #timeout, self.run_loop(&mut exec, input)).await;
                exec.finish(outcome)
            }

            /// The run loop: one match arm per state.
            async fn run_loop(
                &self,
                exec: &mut __sfn::Exec,
                input: ::sfn_runtime::Value,
            ) -> ::core::result::Result<::sfn_runtime::Value, ::sfn_runtime::Error> {
                #top_body
            }

            #(#nested)*

            #(#state_fns)*
        }
    }
}

/// The body of a block's run loop: its registers, where it is, and one arm
/// per state.
fn emit_run_loop(b: &Block<'_>) -> TokenStream {
    let regs = regs_type(b);
    let width = b.width();
    // An input of unknown shape goes in the first register: borrowed by
    // a lent Parallel branch, else owned.
    let whole = if b.borrows {
        quote! { ::std::borrow::Cow::Borrowed(input) }
    } else {
        quote! { input }
    };
    let init = match (b.entry().is_known(), width) {
        _ if regs_are_input(b) => quote! { input },
        (true, _) if b.borrows => quote! { __sfn::regs_taken(input) },
        (true, _) => quote! { __sfn::regs(input) },
        (false, 1) => quote! { [#whole] },
        (false, _) => quote! { __sfn::regs([#whole]) },
    };
    let run = emit_loop(b, false);
    quote! {
        let mut regs: #regs = #init;
        #run
    }
}

/// Whether a block's input is its registers as they are: the slots of a
/// known shape, as many as the block has registers.
fn regs_are_input(b: &Block<'_>) -> bool {
    b.entry().is_known() && b.width() == b.entry().slots()
}

/// A block's run loop over its registers `regs`, from its start state;
/// `lent` when `regs` is a mutable reference to them rather than the array.
fn emit_loop(b: &Block<'_>, lent: bool) -> TokenStream {
    let ty = ident(&b.enum_name);
    let start = ident(&b.states[b.start].variant);
    let arms = b.states.iter().map(|s| emit_arm(b, s, lent));
    let output = take_first(b);
    quote! {
        let mut state = #ty::#start;
        loop {
            let step = match state {
                #(#arms)*
            };
            match step? {
                __sfn::Step::Next(next) => state = next,
                __sfn::Step::End => return ::core::result::Result::Ok(#output),
            }
        }
    }
}

/// The type of a block's registers: the slots its states' data live in
/// while the run loop goes from state to state (see [`Block::width`]).
fn regs_type(b: &Block<'_>) -> TokenStream {
    let n = Literal::usize_unsuffixed(b.width());
    if b.borrows {
        quote! { [::std::borrow::Cow<'i, ::sfn_runtime::Value>; #n] }
    } else {
        quote! { [::sfn_runtime::Value; #n] }
    }
}

/// The type of a state's input of shape `shape` in block `b`: one value, or
/// an array of its slots (which may borrow, see [`Block::borrows`]).
fn shape_type(b: &Block<'_>, shape: &Shape) -> TokenStream {
    if !shape.is_known() {
        return quote! { ::sfn_runtime::Value };
    }
    let n = Literal::usize_unsuffixed(shape.slots());
    if b.borrows {
        quote! { [::std::borrow::Cow<'i, ::sfn_runtime::Value>; #n] }
    } else {
        quote! { [::sfn_runtime::Value; #n] }
    }
}

/// The lifetime parameter of a block's functions: `<'i>` when its slots
/// borrow, else nothing.
fn lifetime(b: &Block<'_>) -> TokenStream {
    if b.borrows {
        quote! { <'i> }
    } else {
        quote! {}
    }
}

/// Moves on to state `target` of block `b` from a state that holds its
/// output whole in `data`: into the first register, which is where a state
/// whose input has no known shape finds it.
fn goto_whole(b: &Block<'_>, target: usize, data: TokenStream) -> TokenStream {
    let put = put_whole(b, data);
    let next = next_state(b, target);
    quote! { #put #next }
}

/// The value of the first register, owned, leaving it empty: a block's
/// output, or the whole input of a state that holds it in one value.
fn take_first(b: &Block<'_>) -> TokenStream {
    if b.borrows {
        quote! { __sfn::Reg::take_value(&mut regs[0]) }
    } else {
        quote! { ::core::mem::take(&mut regs[0]) }
    }
}

/// The statement that puts a state's output, held whole in `data`, into
/// the first register.
fn put_whole(b: &Block<'_>, data: TokenStream) -> TokenStream {
    if b.borrows {
        quote! { regs[0] = ::std::borrow::Cow::Owned(#data); }
    } else {
        quote! { regs[0] = #data; }
    }
}

/// The statements that end a state's function by ending its block with the
/// output held whole in `data`.
fn end_whole(b: &Block<'_>, data: TokenStream) -> TokenStream {
    let put = put_whole(b, data);
    let end = step_value(b, &Transition::End);
    quote! { #put #end }
}

/// The value a state function returns to go on to state `target`, whose
/// input is in the registers.
fn next_state(b: &Block<'_>, target: usize) -> TokenStream {
    let ty = ident(&b.enum_name);
    let v = ident(&b.states[target].variant);
    quote! { ::core::result::Result::Ok(__sfn::Step::Next(#ty::#v)) }
}

/// Tokens for a compiled path: a `&'static [Step]` expression.
fn steps_tokens(steps: &[Step]) -> TokenStream {
    let items = steps.iter().map(step_tokens);
    quote! { &[#(#items),*] }
}

fn step_tokens(step: &Step) -> TokenStream {
    let p = quote! { __sfn::path };
    match step {
        Step::Field(name) => quote! { #p::Step::Field(#name) },
        Step::Index(i) => quote! { #p::Step::Index(#i) },
        Step::Wildcard => quote! { #p::Step::Wildcard },
        Step::Descend => quote! { #p::Step::Descend },
        Step::Slice(start, end, by) => {
            let opt = |v: &Option<i64>| match v {
                Some(v) => quote! { ::core::option::Option::Some(#v) },
                None => quote! { ::core::option::Option::None },
            };
            let (s, e) = (opt(start), opt(end));
            quote! { #p::Step::Slice(#s, #e, #by) }
        }
        Step::Union(parts) => {
            let parts = parts.iter().map(step_tokens);
            quote! { #p::Step::Union(&[#(#parts),*]) }
        }
        Step::Filter(f) => {
            let f = filter_tokens(f);
            quote! { #p::Step::Filter(&#f) }
        }
    }
}

fn filter_tokens(f: &Filter) -> TokenStream {
    let p = quote! { __sfn::path };
    match f {
        Filter::Exists(steps) => {
            let s = steps_tokens(steps);
            quote! { #p::Filter::Exists(#s) }
        }
        Filter::Compare(steps, op, lit) => {
            let s = steps_tokens(steps);
            let op = match op {
                CmpOp::Eq => quote! { Eq },
                CmpOp::Ne => quote! { Ne },
                CmpOp::Lt => quote! { Lt },
                CmpOp::Le => quote! { Le },
                CmpOp::Gt => quote! { Gt },
                CmpOp::Ge => quote! { Ge },
            };
            let lit = match lit {
                PathLiteral::Null => quote! { #p::Literal::Null },
                PathLiteral::Bool(b) => quote! { #p::Literal::Bool(#b) },
                PathLiteral::Num(n) => {
                    let n = Literal::f64_suffixed(*n);
                    quote! { #p::Literal::Num(#n) }
                }
                PathLiteral::Str(s) => quote! { #p::Literal::Str(#s) },
            };
            quote! { #p::Filter::Compare(#s, #p::CmpOp::#op, #lit) }
        }
        Filter::And(a, b) => {
            let (a, b) = (filter_tokens(a), filter_tokens(b));
            quote! { #p::Filter::And(&#a, &#b) }
        }
        Filter::Or(a, b) => {
            let (a, b) = (filter_tokens(a), filter_tokens(b));
            quote! { #p::Filter::Or(&#a, &#b) }
        }
        Filter::Not(a) => {
            let a = filter_tokens(a);
            quote! { #p::Filter::Not(&#a) }
        }
    }
}

/// An expression that reads `path` from `source` (a `&Value` expression) as an owned value.
fn read_path(path: &Path, source: &TokenStream) -> TokenStream {
    let steps = steps_tokens(&path.steps);
    let text = &path.text;
    let definite = path.is_definite();
    match path.root {
        Root::Context => {
            quote! { __sfn::read_context_path(exec, #steps, #definite, #text)? }
        }
        _ if definite => {
            quote! { __sfn::read_path(exec, #source, #steps, #text)? }
        }
        _ => quote! { __sfn::path::select(#source, #steps) },
    }
}

/// A JSON literal as an expression building it.
fn literal(v: &serde_json::Value) -> TokenStream {
    let rt = quote! { __sfn };
    match v {
        serde_json::Value::Null => quote! { #rt::Value::Null },
        serde_json::Value::Bool(b) => quote! { #rt::Value::Bool(#b) },
        serde_json::Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                quote! { #rt::Value::from(#u) }
            } else if let Some(i) = n.as_i64() {
                quote! { #rt::Value::from(#i) }
            } else {
                let f = Literal::f64_suffixed(n.as_f64().unwrap_or(0.0));
                quote! { #rt::Value::from(#f) }
            }
        }
        serde_json::Value::String(s) => quote! { #rt::Value::from(#s) },
        serde_json::Value::Array(items) => {
            let items = items.iter().map(literal);
            quote! { #rt::arr([#(#items),*]) }
        }
        serde_json::Value::Object(members) => {
            let members = members.iter().map(|(k, v)| {
                let v = literal(v);
                quote! { (#k, #v) }
            });
            quote! { #rt::obj([#(#members),*]) }
        }
    }
}

/// A payload template applied to `source` (a `&Value` expression).
fn template(t: &Template, source: &TokenStream) -> TokenStream {
    template_in(t, source, false)
}

/// Where a Map's `ItemSelector` reads `$$.Map.Item.Index` and
/// `$$.Map.Item.Value` from: the `__index` and `__item` of its closure.
fn item_path(p: &Path, source: &TokenStream, field: &str) -> Option<TokenStream> {
    if p.root != Root::Context {
        return None;
    }
    match p.steps.as_slice() {
        [Step::Field(m), Step::Field(i), Step::Field(x)]
            if m == "Map" && i == "Item" && x == "Index" =>
        {
            Some(quote! { __sfn::Value::from(__index) })
        }
        [Step::Field(m), Step::Field(i), Step::Field(v), rest @ ..]
            if m == "Map" && i == "Item" && v == "Value" =>
        {
            let steps = steps_tokens(rest);
            let text = &p.text;
            let definite = p.is_definite();
            Some(quote! {
                __sfn::template_item_path(exec, __item, #source, #steps, #definite, #text, #field)?
            })
        }
        _ => None,
    }
}

/// Whether an ItemSelector has a context path that may read `$$.Map` other
/// than through [`item_path`], so that the closure must set `$$.Map.Item`.
fn needs_item_context(t: &Template) -> bool {
    fn path(p: &Path) -> bool {
        p.root == Root::Context
            && item_path(p, &TokenStream::new(), "").is_none()
            && !matches!(p.steps.first(), Some(Step::Field(name)) if name != "Map")
    }
    fn call(c: &Call) -> bool {
        c.args.iter().any(|a| match a {
            Arg::Path(p) => path(p),
            Arg::Call(inner) => call(inner),
            _ => false,
        })
    }
    match t {
        Template::Literal(_) => false,
        Template::Object(members) => members.iter().any(|(_, v)| needs_item_context(v)),
        Template::Array(items) => items.iter().any(needs_item_context),
        Template::Path { path: p, .. } => path(p),
        Template::Intrinsic { call: c, .. } => call(c),
    }
}

/// [`template`]; with `item`, inside a Map's ItemSelector closure.
fn template_in(t: &Template, source: &TokenStream, item: bool) -> TokenStream {
    let rt = quote! { __sfn };
    match t {
        Template::Literal(v) => literal(v),
        Template::Object(members) => {
            let members = members.iter().map(|(k, v)| {
                let v = template_in(v, source, item);
                quote! { (#k, #v) }
            });
            quote! { #rt::obj([#(#members),*]) }
        }
        Template::Array(items) => {
            let items = items.iter().map(|i| template_in(i, source, item));
            quote! { #rt::arr([#(#items),*]) }
        }
        Template::Path { path, field } => {
            if let Some(read) = item.then(|| item_path(path, source, field)).flatten() {
                return read;
            }
            let steps = steps_tokens(&path.steps);
            let text = &path.text;
            let definite = path.is_definite();
            match path.root {
                Root::Context => {
                    quote! { #rt::template_context_path(exec, #source, #steps, #definite, #text, #field)? }
                }
                _ => {
                    quote! { #rt::template_path(exec, #source, #steps, #definite, #text, #field)? }
                }
            }
        }
        Template::Intrinsic { call, field } => intrinsic_call(call, source, field, item),
    }
}

/// Whether building the JSON literal `v` allocates (a string, array or object).
fn allocates(v: &serde_json::Value) -> bool {
    matches!(
        v,
        serde_json::Value::String(_) | serde_json::Value::Array(_) | serde_json::Value::Object(_)
    )
}

/// A `&'static Value` expression of a constant, built once on first use.
fn constant(value: TokenStream) -> TokenStream {
    quote! {{
        static CONSTANT: ::std::sync::LazyLock<__sfn::Value> = ::std::sync::LazyLock::new(|| #value);
        ::std::sync::LazyLock::force(&CONSTANT)
    }}
}

/// An intrinsic function call as an expression of its (owned) result; its
/// path arguments read `source` (a `&Value` expression) or the context object.
fn intrinsic_call(call: &Call, source: &TokenStream, field: &str, item: bool) -> TokenStream {
    let rt = quote! { __sfn };
    let arg = |a: &Arg| -> TokenStream {
        match a {
            Arg::Literal(v) => literal(v),
            Arg::FormatTemplate(raw) => quote! { #rt::Value::from(#raw) },
            Arg::Path(p) => template_in(
                &Template::Path {
                    path: p.clone(),
                    field: field.to_owned(),
                },
                source,
                item,
            ),
            Arg::Call(inner) => intrinsic_call(inner, source, field, item),
        }
    };
    let args: Vec<TokenStream> = call.args.iter().map(arg).collect();
    // A `&Value` expression of each argument: definite `$` paths are
    // borrowed from the input, string, array and object literals are built
    // once on first use, the rest are temporaries.
    let refs: Vec<TokenStream> = call
        .args
        .iter()
        .zip(&args)
        .map(|(a, value)| match a {
            Arg::Path(p) if p.root == Root::Input && p.is_definite() && !item => {
                let steps = steps_tokens(&p.steps);
                let text = &p.text;
                quote! { #rt::template_ref(exec, #source, #steps, #text, #field)? }
            }
            Arg::Literal(v) if allocates(v) => constant(value.clone()),
            Arg::FormatTemplate(_) => constant(value.clone()),
            _ => quote! { &#value },
        })
        .collect();
    let f = quote! { #rt::intrinsic };
    let outcome = match (call.func, args.as_slice(), refs.as_slice()) {
        (Func::Array, args, _) => return quote! { #rt::arr([#(#args),*]) },
        (Func::Uuid, ..) => return quote! { #f::uuid() },
        (Func::Format, _, [template, values @ ..]) => {
            quote! { #f::format_refs(#template, &[#(#values),*]) }
        }
        (Func::StringToJson, _, [a]) => quote! { #f::string_to_json(#a) },
        (Func::JsonToString, _, [a]) => quote! { #f::json_to_string(#a) },
        (Func::ArrayPartition, _, [a, b]) => quote! { #f::array_partition(#a, #b) },
        (Func::ArrayContains, _, [a, b]) => quote! { #f::array_contains(#a, #b) },
        (Func::ArrayRange, _, [a, b, c]) => quote! { #f::array_range(#a, #b, #c) },
        (Func::ArrayGetItem, _, [a, b]) => quote! { #f::array_get_item(#a, #b) },
        (Func::ArrayLength, _, [a]) => quote! { #f::array_length(#a) },
        (Func::ArrayUnique, [a], _) => quote! { #f::array_unique(#a) },
        (Func::Base64Encode, _, [a]) => quote! { #f::base64_encode(#a) },
        (Func::Base64Decode, _, [a]) => quote! { #f::base64_decode(#a) },
        (Func::Hash, _, [a, b]) => quote! { #f::hash(#a, #b) },
        (Func::JsonMerge, _, [a, b, c]) => quote! { #f::json_merge(#a, #b, #c) },
        (Func::MathRandom, _, [a, b]) => {
            quote! { #f::math_random(#a, #b, ::core::option::Option::None) }
        }
        (Func::MathRandom, _, [a, b, c]) => {
            quote! { #f::math_random(#a, #b, ::core::option::Option::Some(#c)) }
        }
        (Func::MathAdd, _, [a, b]) => quote! { #f::math_add(#a, #b) },
        (Func::StringSplit, _, [a, b]) => quote! { #f::string_split(#a, #b) },
        // Validation checked every arity above.
        (func, ..) => unreachable!(
            "{} with {} arguments passed validation",
            func.name(),
            args.len()
        ),
    };
    quote! { exec.intrinsic(#outcome)? }
}

/// The input paths of a template that may move its values out of an owned
/// input instead of copying them: every input path definite, none inside
/// another (nor equal), no negative index (which could alias), and no
/// intrinsic call reading the input. `None` when it may not, or has no paths.
fn movable_paths(t: &Template) -> Option<Vec<(&Path, &str)>> {
    fn walk<'t>(t: &'t Template, out: &mut Vec<(&'t Path, &'t str)>) -> bool {
        match t {
            Template::Literal(_) => true,
            Template::Object(members) => members.iter().all(|(_, v)| walk(v, out)),
            Template::Array(items) => items.iter().all(|i| walk(i, out)),
            Template::Path { path, .. } if path.root == Root::Context => true,
            Template::Path { path, field } => {
                let plain = path.root == Root::Input
                    && path.is_definite()
                    && !path
                        .steps
                        .iter()
                        .any(|s| matches!(s, Step::Index(i) if *i < 0));
                if plain {
                    out.push((path, field));
                }
                plain
            }
            Template::Intrinsic { call, .. } => !call.reads_input(),
        }
    }
    let mut paths = Vec::new();
    if !walk(t, &mut paths) || paths.is_empty() {
        return None;
    }
    for (i, (a, _)) in paths.iter().enumerate() {
        for (b, _) in &paths[i + 1..] {
            let n = a.steps.len().min(b.steps.len());
            if a.steps[..n] == b.steps[..n] {
                return None;
            }
        }
    }
    Some(paths)
}

/// Statements that evaluate a template whose paths [`movable_paths`] allows,
/// moving its values out of `owned` (an owned `Value` expression) into
/// `let #target`. The paths are checked first, so that a missing one gives
/// AWS's error about the whole, untouched input.
fn template_moving(
    t: &Template,
    paths: &[(&Path, &str)],
    owned: TokenStream,
    target: TokenStream,
) -> TokenStream {
    fn build(t: &Template, only: bool) -> TokenStream {
        match t {
            Template::Object(members) => {
                let members = members.iter().map(|(k, v)| {
                    let v = build(v, only);
                    quote! { (#k, #v) }
                });
                quote! { __sfn::obj([#(#members),*]) }
            }
            Template::Array(items) => {
                let items = items.iter().map(|t| build(t, only));
                quote! { __sfn::arr([#(#items),*]) }
            }
            Template::Path { .. } if only => quote! { __taken },
            Template::Path { path, .. } if path.root == Root::Input => {
                let steps = steps_tokens(&path.steps);
                quote! { __sfn::path::take(&mut __source, #steps) }
            }
            other => template(other, &quote! { &__source }),
        }
    }
    // A template whose only non-literal member is one path moves its value
    // out with one lookup: nothing else can fail after it.
    fn literal_but_paths(t: &Template) -> bool {
        match t {
            Template::Literal(_) => true,
            Template::Object(members) => members.iter().all(|(_, v)| literal_but_paths(v)),
            Template::Array(items) => items.iter().all(literal_but_paths),
            Template::Path { path, .. } => path.root == Root::Input,
            Template::Intrinsic { .. } => false,
        }
    }
    // An object is built in the source's map once its members are out of
    // it: the source is not needed again, so its allocation is reused.
    let assemble = |only: bool| match t {
        Template::Object(members) => {
            let members = members.iter().map(|(k, v)| {
                let v = build(v, only);
                quote! { (#k, #v) }
            });
            quote! {
                let __members = [#(#members),*];
                let #target = __sfn::obj_in(__source, __members);
            }
        }
        _ => {
            let value = build(t, only);
            quote! { let #target = #value; }
        }
    };
    if let [(p, field)] = paths
        && literal_but_paths(t)
    {
        let steps = steps_tokens(&p.steps);
        let text = &p.text;
        let value = assemble(true);
        return quote! {
            let mut __source = #owned;
            let __taken = __sfn::template_take(exec, &mut __source, #steps, #text, #field)?;
            #value
        };
    }
    let checks = paths.iter().map(|(p, field)| {
        let steps = steps_tokens(&p.steps);
        let text = &p.text;
        quote! { (#steps, #text, #field) }
    });
    let value = assemble(false);
    quote! {
        let mut __source = #owned;
        __sfn::check_template_paths(exec, &__source, &[#(#checks),*])?;
        #value
    }
}

/// How a state's work uses its effective input.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Usage {
    /// Nothing reads it (InputPath is still evaluated: a missing path fails the state).
    Unused,
    /// Only read through a reference (templates, `…SecondsPath`): `input` is a `&Value`.
    Borrowed,
    /// Consumed (the task input, Pass's result): `input` is a `Value`.
    Owned,
}

/// Statements that set `input` to the state's owned effective input (InputPath).
/// With `keep_raw`, `data` stays intact for ResultPath or a catcher.
fn input_path(io: &Io, keep_raw: bool) -> TokenStream {
    input_binding(io, keep_raw, Usage::Owned)
}

/// [`input_path`] for each [`Usage`]: a borrowed input never clones `data`.
fn input_binding(io: &Io, keep_raw: bool, usage: Usage) -> TokenStream {
    match (usage, &io.input_path) {
        (Usage::Unused, PathField::Path(p)) => {
            let read = read_path(p, &quote! { &data });
            quote! { let _input = #read; }
        }
        (Usage::Unused, _) => quote! {},
        (Usage::Borrowed, PathField::Default) => quote! { let input = &data; },
        (Usage::Borrowed, PathField::Null) => quote! { let input = &__sfn::obj([]); },
        (Usage::Borrowed, PathField::Path(p)) if p.root == Root::Input && p.is_definite() => {
            let steps = steps_tokens(&p.steps);
            let text = &p.text;
            quote! { let input = __sfn::read_path_ref(exec, &data, #steps, #text)?; }
        }
        (Usage::Borrowed, PathField::Path(p)) => {
            let read = read_path(p, &quote! { &data });
            quote! { let input = &#read; }
        }
        (Usage::Owned, PathField::Default) if keep_raw => quote! { let input = data.clone(); },
        (Usage::Owned, PathField::Default) => quote! { let input = ::core::mem::take(&mut data); },
        (Usage::Owned, PathField::Null) => quote! { let input = __sfn::obj([]); },
        (Usage::Owned, PathField::Path(p)) => {
            let read = read_path(p, &quote! { &data });
            quote! { let input = #read; }
        }
    }
}

/// The `&Value` expression of the effective input bound by [`input_binding`].
fn input_ref(usage: Usage) -> TokenStream {
    if usage == Usage::Owned {
        quote! { &input }
    } else {
        quote! { input }
    }
}

/// A Pass state that only passes its input on (no InputPath, Parameters,
/// Result, and a ResultPath of `$` or `null`).
fn is_trivial_pass(p: &Pass) -> bool {
    p.parameters.is_none()
        && p.result.is_none()
        && matches!(p.io.input_path, PathField::Default)
        && matches!(p.result_path, PathField::Default | PathField::Null)
}

/// Whether a state's code assigns or takes `data`.
fn mutates_data(body: &Body) -> bool {
    match body {
        Body::Fail(_) => false,
        Body::Pass(p) => !(is_trivial_pass(p) && matches!(p.io.output_path, PathField::Default)),
        _ => true,
    }
}

/// Whether a payload template reads its input: any path does (`$$` paths show
/// the input in their error message).
fn reads_input(t: &Template) -> bool {
    match t {
        Template::Literal(_) => false,
        Template::Object(members) => members.iter().any(|(_, v)| reads_input(v)),
        Template::Array(items) => items.iter().any(reads_input),
        Template::Path { .. } => true,
        Template::Intrinsic { call, .. } => call.reads_input() || call.reads_context(),
    }
}

/// An expression: `value` (an owned `Value` expression) with OutputPath applied.
fn output_path(io: &Io, value: TokenStream) -> TokenStream {
    match &io.output_path {
        PathField::Default => value,
        PathField::Null => quote! { __sfn::obj([]) },
        // `$` selects everything: nothing to do.
        PathField::Path(p) if p.root == Root::Input && p.steps.is_empty() => value,
        // The value is not needed after OutputPath: move the node out of it.
        PathField::Path(p) if p.root == Root::Input && p.is_definite() => {
            let steps = steps_tokens(&p.steps);
            let text = &p.text;
            quote! {{
                let mut __selected = #value;
                __sfn::read_path_ref(exec, &__selected, #steps, #text)?;
                __sfn::path::take(&mut __selected, #steps)
            }}
        }
        PathField::Path(p) => {
            let read = read_path(p, &quote! { &__selected });
            quote! {{
                let __selected = #value;
                #read
            }}
        }
    }
}

/// An expression merging `result` into `raw` (owned expressions) by ResultPath.
fn result_path(field: &PathField, raw: TokenStream, result: TokenStream) -> TokenStream {
    match field {
        PathField::Default => result,
        PathField::Null => quote! {{ ::core::mem::drop(#result); #raw }},
        PathField::Path(p) => {
            let steps = steps_tokens(&p.steps);
            let text = &p.text;
            quote! { __sfn::merge_result(exec, #raw, #steps, #text, #result)? }
        }
    }
}

/// The value a state function returns to move on: to `Next`, or out of its
/// block (its output already in the first register).
fn step_value(b: &Block<'_>, t: &Transition) -> TokenStream {
    match t {
        Transition::Next(target) => next_state(b, b.target(target)),
        Transition::End => quote! { ::core::result::Result::Ok(__sfn::Step::End) },
    }
}

/// The statements that move on from a state whose output is held whole in
/// `data`: to `Next`, or out of its block.
fn transition(b: &Block<'_>, t: &Transition) -> TokenStream {
    let put = put_whole(b, quote! { data });
    let step = step_value(b, t);
    quote! { #put #step }
}

/// [`transition`] as statements that return from the middle of the state's
/// function.
fn transition_early(b: &Block<'_>, t: &Transition) -> TokenStream {
    let put = put_whole(b, quote! { data });
    let step = step_value(b, t);
    quote! { #put return #step; }
}

/// The run loop's arm for a state: a call of the state's function, on the
/// registers `regs` (`lent`: a mutable reference to them).
fn emit_arm(b: &Block<'_>, s: &StateIr<'_>, lent: bool) -> TokenStream {
    let ty = ident(&b.enum_name);
    let v = ident(&s.variant);
    let f = ident(&s.fn_name);
    let regs = if lent {
        quote! { regs }
    } else {
        quote! { &mut regs }
    };
    if awaits(s.body) {
        quote! { #ty::#v => self.#f(exec, #regs).await, }
    } else {
        quote! { #ty::#v => self.#f(exec, #regs), }
    }
}

/// A state's function: it runs the state on `data` and says where to go next.
fn emit_state(m: &Machine<'_>, b: &Block<'_>, index: usize, s: &StateIr<'_>) -> TokenStream {
    if let Some(e) = shaped(b, index, s) {
        return emit_shaped_state(b, index, s, &e);
    }
    let ty = ident(&b.enum_name);
    let f = ident(&s.fn_name);
    let name = s.name;
    let kind = format_ident!("{}", kind_name(s.body));
    let enter = quote! { exec.enter(#name, __sfn::StateKind::#kind, &data); };
    let body = match s.body {
        Body::Pass(p) => emit_pass(b, p),
        Body::Task(t) => emit_task(m, b, s, t),
        Body::Choice(c) => emit_choice(b, c),
        Body::Wait(w) => emit_wait(b, w),
        Body::Succeed(io) => emit_succeed(b, io),
        Body::Fail(f) => emit_fail(f),
        Body::Parallel(p) => emit_parallel(m, b, s, p),
        Body::Map(map) => emit_map(m, b, s, map),
    };
    let doc = state_doc(b, s, " Its input is `regs[0]`.");
    let data = if mutates_data(s.body) {
        quote! { mut data }
    } else {
        quote! { data }
    };
    let take = take_first(b);
    let asyncness = awaits(s.body).then(|| quote! { async });
    let lt = lifetime(b);
    let regs = regs_type(b);
    quote! {
        #[doc = #doc]
        #asyncness fn #f #lt(
            &self,
            exec: &mut __sfn::Exec,
            regs: &mut #regs,
        ) -> ::core::result::Result<__sfn::Step<#ty>, ::sfn_runtime::Error> {
            let #data = #take;
            #enter
            #body
        }
    }
}

/// The doc comment of a state's function: the state, where it is, its
/// `Comment`, and `data`, which says where its input is.
fn state_doc(b: &Block<'_>, s: &StateIr<'_>, data: &str) -> String {
    let mut doc = format!(
        " \"{}\": {} state, `{}:{}`.",
        doc_text(s.name),
        kind_name(s.body),
        b.file,
        s.line
    );
    if let Some(comment) = s.comment {
        doc.push_str(&format!(" {}", doc_text(comment)));
    }
    doc.push_str(data);
    doc
}

fn emit_pass(b: &Block<'_>, p: &Pass) -> TokenStream {
    let keep_raw = !matches!(p.result_path, PathField::Default);
    let next = transition(b, &p.transition);
    if is_trivial_pass(p) {
        let select = match &p.io.output_path {
            PathField::Default => quote! {},
            _ => {
                let out = output_path(&p.io, quote! { data });
                quote! { data = #out; }
            }
        };
        return quote! {
            #select
            exec.exit(&data);
            #next
        };
    }
    if let (Some(params), None, PathField::Default) = (&p.parameters, &p.result, &p.result_path) {
        if let Some(paths) = movable_paths(params) {
            // The input is not needed after Parameters: move out of it.
            let owned = match &p.io.input_path {
                PathField::Default => quote! { ::core::mem::take(&mut data) },
                PathField::Null => quote! { __sfn::obj([]) },
                PathField::Path(path) => read_path(path, &quote! { &data }),
            };
            let build = template_moving(params, &paths, owned, quote! { result });
            let out = output_path(&p.io, quote! { result });
            return quote! {
                #build
                data = #out;
                exec.exit(&data);
                #next
            };
        }
    }
    let input = if p.result.is_some() && p.parameters.is_none() {
        // `Result` replaces the effective input, which only a path error can observe.
        match &p.io.input_path {
            PathField::Path(path) => {
                let read = read_path(path, &quote! { &data });
                quote! { let _ = #read; }
            }
            _ => quote! {},
        }
    } else {
        input_binding(&p.io, keep_raw, pass_usage(p))
    };
    let source = input_ref(pass_usage(p));
    let result = match (&p.result, &p.parameters) {
        (Some(r), Some(params)) => {
            let params = template(params, &source);
            let lit = literal(r);
            quote! { let _ = #params; let result = #lit; }
        }
        (Some(r), None) => {
            let lit = literal(r);
            quote! { let result = #lit; }
        }
        (None, Some(params)) => {
            let params = template(params, &source);
            quote! { let result = #params; }
        }
        (None, None) => quote! { let result = input; },
    };
    let merged = result_path(&p.result_path, quote! { data }, quote! { result });
    let out = output_path(&p.io, merged);
    quote! {
        #input
        #result
        data = #out;
        exec.exit(&data);
        #next
    }
}

/// How a Pass state uses its effective input: its `Parameters` read it, or it is the result.
fn pass_usage(p: &Pass) -> Usage {
    match &p.parameters {
        Some(params) if reads_input(params) => Usage::Borrowed,
        Some(_) => Usage::Unused,
        None => Usage::Owned,
    }
}

fn seconds_expr(s: &Option<Seconds>, field: &str, source: &TokenStream) -> TokenStream {
    match s {
        None => quote! { ::core::option::Option::None },
        Some(Seconds::Literal(n)) => quote! { ::core::option::Option::Some(#n) },
        Some(Seconds::Path(p)) => {
            let steps = steps_tokens(&p.steps);
            let text = &p.text;
            quote! {
                ::core::option::Option::Some(
                    __sfn::positive_seconds(exec, #source, #steps, #text, #field)?
                )
            }
        }
    }
}

fn resource_kind_tokens(kind: &ResourceKind) -> TokenStream {
    let rt = quote! { __sfn };
    match kind {
        ResourceKind::LambdaFunction { .. } => quote! { #rt::ResourceKind::LambdaFunction },
        ResourceKind::LambdaInvoke => quote! { #rt::ResourceKind::LambdaInvoke },
        ResourceKind::Service { resource_type, api } => {
            quote! { #rt::ResourceKind::Service { resource_type: #resource_type, api: #api } }
        }
        ResourceKind::Activity { .. } => quote! { #rt::ResourceKind::Activity },
    }
}

fn emit_task(m: &Machine<'_>, b: &Block<'_>, s: &StateIr<'_>, t: &Task) -> TokenStream {
    let rt = quote! { __sfn };
    let method = ident(&m.methods[s.method.unwrap_or(0)].ident);
    let name = s.name;
    let resource = &t.resource.value;
    let kind = resource_kind_tokens(&t.kind);
    let uses_token = match &t.kind {
        ResourceKind::Activity { .. } => true,
        ResourceKind::Service { api, .. } => api.ends_with(".waitForTaskToken"),
        _ => false,
    };
    let catches = !t.catch.is_empty();
    let keep_raw = catches || !matches!(t.result_path, PathField::Default);
    let limits_read_input = matches!(t.timeout, Some(Seconds::Path(_)))
        || matches!(t.heartbeat, Some(Seconds::Path(_)));
    let usage = match &t.parameters {
        // Each attempt copies the input: borrow it rather than copy it twice.
        None if !t.retry.is_empty() => Usage::Borrowed,
        None => Usage::Owned,
        Some(params) if reads_input(params) || limits_read_input => Usage::Borrowed,
        Some(_) => Usage::Unused,
    };
    let input = input_binding(&t.io, keep_raw, usage);
    let source = input_ref(usage);
    let reuses_input = !t.retry.is_empty();
    let params = match &t.parameters {
        Some(p) => template(p, &source),
        None if reuses_input => quote! { input.clone() },
        None => quote! { input },
    };
    let timeout = seconds_expr(&t.timeout, "TimeoutSecondsPath", &source);
    let heartbeat = seconds_expr(&t.heartbeat, "HeartbeatSecondsPath", &source);
    let call = quote! {
        #rt::invoke(
            exec,
            &#rt::TaskSpec { state: #name, resource: #resource, kind: #kind, uses_token: #uses_token },
            #params,
            timeout,
            heartbeat,
            |input, ctx| self.handlers.#method(input, ctx),
        )
        .await
    };
    let prelude = quote! {
        #input
        let timeout = #timeout;
        let heartbeat = #heartbeat;
    };
    let tail = Tail {
        io: &t.io,
        result_selector: t.result_selector.as_ref(),
        result_path: &t.result_path,
        retry: &t.retry,
        catch: &t.catch,
        transition: &t.transition,
    };
    emit_work(b, &tail, prelude, call)
}

/// What Task, Parallel and Map states do after their work.
struct Tail<'a> {
    io: &'a Io,
    result_selector: Option<&'a Template>,
    result_path: &'a PathField,
    retry: &'a [Retrier],
    catch: &'a [Catcher],
    transition: &'a Transition,
}

impl<'a> Tail<'a> {
    fn of(io: &'a Io, o: &'a Outcome) -> Tail<'a> {
        Tail {
            io,
            result_selector: o.result_selector.as_ref(),
            result_path: &o.result_path,
            retry: &o.retry,
            catch: &o.catch,
            transition: &o.transition,
        }
    }
}

/// The part Task, Parallel and Map states share: `prelude` (statements run
/// once), then `call` (an expression of the state's result, evaluated again
/// on each retry), then ResultSelector, ResultPath, OutputPath, Catch and the
/// transition.
fn emit_work(
    b: &Block<'_>,
    tail: &Tail<'_>,
    prelude: TokenStream,
    call: TokenStream,
) -> TokenStream {
    let rt = quote! { __sfn };
    let retriers = tail.retry.iter().map(|r| {
        let equals = &r.error_equals;
        let interval = r.interval_seconds;
        let attempts = r.max_attempts;
        let backoff = r.backoff_rate;
        let max_delay = match r.max_delay_seconds {
            Some(d) => quote! { ::core::option::Option::Some(#d) },
            None => quote! { ::core::option::Option::None },
        };
        let jitter = r.full_jitter;
        quote! {
            #rt::Retrier {
                error_equals: &[#(#equals),*],
                interval_seconds: #interval,
                max_attempts: #attempts,
                backoff_rate: #backoff,
                max_delay_seconds: #max_delay,
                full_jitter: #jitter,
            }
        }
    });
    let retry_count = tail.retry.len();
    let attempts = if tail.retry.is_empty() {
        quote! { #prelude let result = #call; }
    } else {
        quote! {
            #prelude
            let mut retry = #rt::RetryState::<#retry_count>::new();
            let result = loop {
                let attempt = #call;
                match attempt {
                    ::core::result::Result::Err(error) => match retry.next_delay(&[#(#retriers),*], &error) {
                        ::core::option::Option::Some(delay) => {
                            #rt::sleep(delay).await;
                            exec.count_retry();
                        }
                        ::core::option::Option::None => break ::core::result::Result::Err(error),
                    },
                    ok => break ok,
                }
            };
        }
    };
    let selected = match tail.result_selector {
        // The result is not needed after its ResultSelector: move out of it.
        Some(sel) => match movable_paths(sel) {
            Some(paths) => template_moving(sel, &paths, quote! { result }, quote! { result }),
            None => {
                let sel = template(sel, &quote! { &result });
                quote! { let result = #sel; }
            }
        },
        None => quote! {},
    };
    let catches = !tail.catch.is_empty();
    if !catches {
        let next = transition(b, tail.transition);
        let merged = result_path(tail.result_path, quote! { data }, quote! { result });
        let out = output_path(tail.io, merged);
        return quote! {
            #attempts
            let result = result?;
            #selected
            data = #out;
            exec.exit(&data);
            #next
        };
    }
    let next = transition_early(b, tail.transition);
    let lists = tail.catch.iter().map(|c| {
        let equals = &c.error_equals;
        quote! { &[#(#equals),*] }
    });
    let handlers = tail
        .catch
        .iter()
        .enumerate()
        .map(|(i, c)| emit_catcher(b, i, c));
    // The state's work runs in an async block so that its errors reach the
    // catchers; `data` stays untouched until it succeeds, so a catcher gets
    // the raw input without a copy. A ResultPath that cannot be applied is
    // caught too, and gives the input back.
    let merge = match tail.result_path {
        PathField::Default => quote! { ::core::result::Result::Ok(result) },
        PathField::Null => quote! {{
            ::core::mem::drop(result);
            ::core::result::Result::Ok(::core::mem::take(&mut data))
        }},
        PathField::Path(p) => {
            let steps = steps_tokens(&p.steps);
            let text = &p.text;
            quote! {
                #rt::merge_result_or_keep(exec, ::core::mem::take(&mut data), #steps, #text, result)
            }
        }
    };
    let out = output_path(tail.io, quote! { merged });
    quote! {
        let outcome: ::core::result::Result<#rt::Value, ::sfn_runtime::Error> = async {
            #attempts
            let result = result?;
            #selected
            ::core::result::Result::Ok(result)
        }
        .await;
        let (error, __raw) = match outcome {
            ::core::result::Result::Ok(result) => {
                let merging = #merge;
                match merging {
                    ::core::result::Result::Ok(merged) => {
                        data = #out;
                        exec.exit(&data);
                        #next
                    }
                    ::core::result::Result::Err(failed) => failed,
                }
            }
            ::core::result::Result::Err(error) => (error, data),
        };
        match #rt::catch_index(&error, &[#(#lists),*]) {
            #(#handlers)*
            _ => ::core::result::Result::Err(error),
        }
    }
}

fn emit_catcher(b: &Block<'_>, index: usize, c: &Catcher) -> TokenStream {
    let go = goto_whole(b, b.target(&c.next), quote! { data });
    let merged = result_path(
        &c.result_path,
        quote! { __raw },
        quote! { error.to_output() },
    );
    quote! {
        ::core::option::Option::Some(#index) => {
            let data = #merged;
            exec.exit(&data);
            #go
        }
    }
}

fn emit_parallel(m: &Machine<'_>, b: &Block<'_>, s: &StateIr<'_>, p: &Parallel) -> TokenStream {
    let rt = quote! { __sfn };
    let keep_raw =
        !p.outcome.catch.is_empty() || !matches!(p.outcome.result_path, PathField::Default);
    // Branches that run as plain calls borrow the effective input, each
    // copying only what it keeps: the input is never copied whole for them.
    let lent = s.blocks.iter().all(|&index| m.blocks[index].borrows);
    let retried = !p.outcome.retry.is_empty();
    let usage = match &p.parameters {
        Some(params) if reads_input(params) => Usage::Borrowed,
        Some(_) => Usage::Unused,
        // Lent branches borrow it; each attempt otherwise copies it.
        None if lent || retried => Usage::Borrowed,
        None => Usage::Owned,
    };
    let input = input_binding(&p.io, keep_raw, usage);
    let params = p
        .parameters
        .as_ref()
        .map(|params| template(params, &input_ref(usage)));
    let count = s.blocks.len();
    if lent {
        let lent = match params {
            Some(t) => quote! { &#t },
            None => quote! { input },
        };
        let branches = s.blocks.iter().map(|&index| {
            let run = ident(&m.blocks[index].fn_name);
            quote! { &|exec: &mut #rt::Exec, input: &#rt::Value| self.#run(exec, input) }
        });
        let call = quote! { #rt::parallel_inline(exec, #lent, &[#(#branches),*]) };
        return emit_work(b, &Tail::of(&p.io, &p.outcome), input, call);
    }
    let branch_input = match params {
        Some(t) => t,
        // Each retry needs the input again.
        None if retried => quote! { input.clone() },
        None => quote! { input },
    };
    let branches = s.blocks.iter().enumerate().map(|(i, &index)| {
        let block = &m.blocks[index];
        let run = ident(&block.fn_name);
        // Every branch gets its own copy; the last one takes the original.
        let arg = if i + 1 == count {
            quote! { branch_input }
        } else {
            quote! { branch_input.clone() }
        };
        if block.runs_inline() {
            quote! {{
                let mut exec = exec.branch();
                let input = #arg;
                #rt::branch(async move { self.#run(&mut exec, input) })
            }}
        } else {
            quote! { #rt::branch(self.#run(exec.branch(), #arg)) }
        }
    });
    let call = quote! {{
        let branch_input = #branch_input;
        let branches = [#(#branches),*];
        #rt::parallel(exec, branches).await
    }};
    emit_work(b, &Tail::of(&p.io, &p.outcome), input, call)
}

/// An expression of a count field's value: a literal, or read by its `…Path`
/// and checked by `check` (a runtime function).
fn count_expr(c: &Option<Count>, source: &TokenStream, check: &str) -> TokenStream {
    match c {
        None => quote! { ::core::option::Option::None },
        Some(Count::Literal(n)) => quote! { ::core::option::Option::Some(#n) },
        Some(Count::Path(p)) => {
            let read = read_path(p, source);
            let text = &p.text;
            let check = format_ident!("{}", check);
            quote! { ::core::option::Option::Some(__sfn::#check(exec, &#read, #text)?) }
        }
    }
}

fn emit_map(m: &Machine<'_>, b: &Block<'_>, s: &StateIr<'_>, map: &MapState) -> TokenStream {
    let rt = quote! { __sfn };
    let name = s.name;
    let keep_raw =
        !map.outcome.catch.is_empty() || !matches!(map.outcome.result_path, PathField::Default);
    let reads_input = map.item_selector.is_some()
        || !matches!(map.items_path, PathField::Default)
        || !map.outcome.retry.is_empty()
        || matches!(map.max_concurrency, Some(Count::Path(_)))
        || matches!(map.tolerated_count, Some(Count::Path(_)))
        || matches!(map.tolerated_percentage, Some(Percentage::Path(_)));
    let usage = if reads_input {
        Usage::Borrowed
    } else {
        Usage::Owned
    };
    let input = input_binding(&map.io, keep_raw, usage);
    let source = input_ref(usage);
    let items = match &map.items_path {
        PathField::Path(p) => read_path(p, &source),
        _ if usage == Usage::Owned => quote! { input },
        _ => quote! { #source.clone() },
    };
    let items_text = match &map.items_path {
        PathField::Path(p) => p.text.clone(),
        _ => "$".to_owned(),
    };
    let max_concurrency = match &map.max_concurrency {
        None => quote! { 0 },
        Some(Count::Literal(n)) => quote! { #n },
        Some(Count::Path(p)) => {
            let read = read_path(p, &source);
            let text = &p.text;
            quote! { #rt::max_concurrency_path(exec, &#read, #text).await? }
        }
    };
    let tolerated_count = count_expr(&map.tolerated_count, &source, "tolerated_count_path");
    let tolerated_percentage = match &map.tolerated_percentage {
        None => quote! { ::core::option::Option::None },
        Some(Percentage::Literal(n)) => quote! { ::core::option::Option::Some(#n) },
        Some(Percentage::Path(p)) => {
            let read = read_path(p, &source);
            let text = &p.text;
            quote! { ::core::option::Option::Some(#rt::tolerated_percentage_path(exec, &#read, #text)?) }
        }
    };
    // With an ItemSelector, the items are borrowed and the selector reads
    // `$$.Map.Item` from its `__index` and `__item` arguments; without one,
    // each owned item is an iteration's input.
    let processor = &m.blocks[s.blocks[0]];
    let entry = processor.entry();
    let select = match &map.item_selector {
        Some(t) => {
            // The iteration's input is one value, or passed in parts: one
            // value per slot of the item processor's entry shape.
            let (value, ty) = if entry.is_known() {
                let mut slots = Vec::new();
                template_slots(t, entry, &source, processor.borrows, &mut slots);
                (quote! { [#(#slots),*] }, shape_type(processor, entry))
            } else {
                (template_in(t, &source, true), quote! { #rt::Value })
            };
            let value = if needs_item_context(t) {
                quote! {{
                    exec.set_map_item(__index, __item.clone());
                    let selected = #value;
                    exec.take_map_item();
                    selected
                }}
            } else {
                value
            };
            let exec = if uses_ident(&value, "exec") {
                quote! { exec }
            } else {
                quote! { _ }
            };
            if processor.borrows {
                // The slots borrow the item: its type is the iterator's.
                quote! {
                    |#exec: &mut #rt::Exec, __index: usize, __item| {
                        ::core::result::Result::Ok(#value)
                    }
                }
            } else {
                quote! {
                    |#exec: &mut #rt::Exec, __index: usize, __item: &#rt::Value| -> ::core::result::Result<#ty, ::sfn_runtime::Error> {
                        ::core::result::Result::Ok(#value)
                    }
                }
            }
        }
        None => quote! {
            |_: &mut #rt::Exec, _: usize, item: #rt::Value| ::core::result::Result::Ok(item)
        },
    };
    let borrowed = map.item_selector.is_some();
    let items = if borrowed {
        match &map.items_path {
            PathField::Path(p) => {
                let steps = steps_tokens(&p.steps);
                let text = &p.text;
                quote! { #rt::read_path_ref(exec, #source, #steps, #text)? }
            }
            _ => quote! { #source },
        }
    } else {
        items
    };
    let run = ident(&m.blocks[s.blocks[0]].fn_name);
    let items = match &map.item_reader {
        None if borrowed => quote! { #rt::items_ref(exec, #items, #items_text)?.iter() },
        None => quote! { #rt::map_items(exec, #items, #items_text)? },
        Some(reader) => {
            let request = match &reader.parameters {
                Some(t) => template(t, &source),
                None => quote! { #rt::obj([]) },
            };
            let max_items = match &reader.max_items {
                None | Some(Count::Literal(0)) => quote! { ::core::option::Option::None },
                Some(Count::Literal(n)) => quote! { ::core::option::Option::Some(#n) },
                Some(Count::Path(p)) => {
                    let read = read_path(p, &source);
                    let text = &p.text;
                    quote! { #rt::max_items_path(exec, &#read, #text)? }
                }
            };
            let config = reader_config(reader);
            let method = ident(&m.methods[s.reader.unwrap_or(0)].ident);
            let resource = &reader.resource;
            let read = quote! {
                #rt::read_items(
                    exec,
                    #name,
                    #resource,
                    &#config,
                    #max_items,
                    #request,
                    |input, ctx| self.handlers.#method(input, ctx),
                )
                .await?
            };
            match &map.items_path {
                PathField::Path(p) => {
                    let inner = read_path(p, &quote! { &__read });
                    let text = &p.text;
                    quote! {{
                        let __read = #rt::Value::Array(#read);
                        #rt::map_items(exec, #inner, #text)?
                    }}
                }
                _ => read,
            }
        }
    };
    let identity = quote! {
        |_: &mut #rt::Exec, _: usize, item: #rt::Value| ::core::result::Result::Ok(item)
    };
    // Items read by an ItemReader are owned; a selector borrows them.
    let iterate = if borrowed && map.item_reader.is_some() {
        quote! { items.iter() }
    } else {
        quote! { items }
    };
    let (items, iterate, select) = match &map.item_batcher {
        None => (items, iterate, select),
        Some(batcher) => {
            let limit = |c: &Option<Count>, field: &str| match c {
                None => quote! { ::core::option::Option::None },
                Some(Count::Literal(n)) => quote! { ::core::option::Option::Some(#n) },
                Some(Count::Path(p)) => {
                    let read = read_path(p, &source);
                    let text = &p.text;
                    quote! { ::core::option::Option::Some(#rt::batch_limit_path(exec, #field, &#read, #text)?) }
                }
            };
            let max_items = limit(&batcher.max_items, "MaxItemsPerBatchPath");
            let max_bytes = limit(&batcher.max_bytes, "MaxInputBytesPerBatchPath");
            let batch_input = match &batcher.batch_input {
                Some(t) => {
                    let t = template(t, &source);
                    quote! { ::core::option::Option::Some(#t) }
                }
                None => quote! { ::core::option::Option::None },
            };
            let batched = quote! {{
                let items = #items;
                #rt::batch(exec, #iterate, #select, #max_items, #max_bytes, #batch_input)?
            }};
            (batched, quote! { items }, identity)
        }
    };
    let spec = quote! {
        let spec = #rt::MapSpec {
            state: #name,
            max_concurrency: #max_concurrency,
            tolerated_count: #tolerated_count,
            tolerated_percentage: #tolerated_percentage,
        };
    };
    let inline = processor.runs_inline();
    // An inline processor is lent an input in parts; one value it takes.
    let lend = if processor.borrows {
        quote! { |exec, input| self.#run(exec, input) }
    } else {
        quote! { |exec, input: &mut #rt::Value| self.#run(exec, ::core::mem::take(input)) }
    };
    let call = match &map.result_writer {
        None if inline => quote! {{
            #spec
            let items = #items;
            #rt::map_inline(exec, spec, #iterate, #select, #lend)
                .map(#rt::Value::Array)
        }},
        None => quote! {{
            #spec
            let items = #items;
            #rt::map(exec, spec, #iterate, #select, |exec, input| self.#run(exec, input))
                .await
                .map(#rt::Value::Array)
        }},
        Some(writer) => {
            let label = match &map.label {
                Some(l) => quote! { ::core::option::Option::Some(#l) },
                None => quote! { ::core::option::Option::None },
            };
            let config = writer_config(writer);
            let processor = if inline {
                quote! {
                    |mut exec: #rt::Exec, input| ::core::future::ready(self.#run(&mut exec, input))
                }
            } else {
                quote! { |exec, input| self.#run(exec, input) }
            };
            let record = quote! {
                #spec
                let items = #items;
                let run = #rt::map_recorded(exec, spec, #label, #iterate, #select, #processor)
                    .await?;
            };
            match (&writer.resource, &writer.parameters) {
                (Some(_), Some(params)) => {
                    let params = template(params, &source);
                    let method = ident(&m.methods[s.writer.unwrap_or(0)].ident);
                    quote! {{
                        #record
                        let parameters = ::core::option::Option::Some(#params);
                        #rt::write_results(
                            exec,
                            #name,
                            &#config,
                            parameters,
                            run,
                            |input, ctx| self.handlers.#method(input, ctx),
                        )
                        .await
                    }}
                }
                _ => quote! {{
                    #record
                    #rt::shape_results(&#config, run)
                }},
            }
        }
    };
    emit_work(b, &Tail::of(&map.io, &map.outcome), input, call)
}

/// Whether `tokens` mention the identifier `name`.
fn uses_ident(tokens: &TokenStream, name: &str) -> bool {
    tokens.clone().into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => i == name,
        proc_macro2::TokenTree::Group(g) => uses_ident(&g.stream(), name),
        _ => false,
    })
}

/// The values of a Map's ItemSelector `t` that fill the slots of `shape`
/// (its [`crate::shape::template_shape`]), in slot order. With `borrow`, each
/// is a `Cow`: a definite path into the item or the Map's input is borrowed.
fn template_slots(
    t: &Template,
    shape: &Shape,
    source: &TokenStream,
    borrow: bool,
    out: &mut Vec<TokenStream>,
) {
    match (t, shape) {
        (_, Shape::Const(_)) => {}
        (Template::Object(members), Shape::Obj(fields)) => {
            for ((_, t), (_, s)) in members.iter().zip(fields) {
                template_slots(t, s, source, borrow, out);
            }
        }
        (t, _) if !borrow => out.push(template_in(t, source, true)),
        (Template::Path { path, field }, _) if path.is_definite() => {
            let text = &path.text;
            let value = match (&path.root, path.steps.as_slice()) {
                (Root::Input, steps) => {
                    let steps = steps_tokens(steps);
                    quote! {
                        ::std::borrow::Cow::Borrowed(
                            __sfn::template_ref(exec, #source, #steps, #text, #field)?
                        )
                    }
                }
                (Root::Context, [Step::Field(m), Step::Field(i), Step::Field(v)])
                    if m == "Map" && i == "Item" && v == "Value" =>
                {
                    quote! { ::std::borrow::Cow::Borrowed(__item) }
                }
                (Root::Context, [Step::Field(m), Step::Field(i), Step::Field(v), rest @ ..])
                    if m == "Map" && i == "Item" && v == "Value" =>
                {
                    let steps = steps_tokens(rest);
                    quote! {
                        ::std::borrow::Cow::Borrowed(
                            __sfn::template_item_ref(exec, __item, #source, #steps, #text, #field)?
                        )
                    }
                }
                _ => {
                    let value = template_in(t, source, true);
                    quote! { ::std::borrow::Cow::Owned(#value) }
                }
            };
            out.push(value);
        }
        (t, _) => {
            let value = template_in(t, source, true);
            out.push(quote! { ::std::borrow::Cow::Owned(#value) });
        }
    }
}

/// Where a Choice path reads from: a `&Value` expression and the steps below it.
type Source<'a> = &'a dyn Fn(&Path) -> (TokenStream, TokenStream);

/// A Choice rule's condition, with each path read where `source` says.
fn condition_with(c: &Condition, nested: bool, source: Source<'_>) -> TokenStream {
    let rt = quote! { __sfn };
    let group = |tokens: TokenStream| {
        if nested {
            quote! { (#tokens) }
        } else {
            tokens
        }
    };
    match c {
        Condition::And(items) => {
            let items = items.iter().map(|i| condition_with(i, true, source));
            group(quote! { #(#items)&&* })
        }
        Condition::Or(items) => {
            let items = items.iter().map(|i| condition_with(i, true, source));
            group(quote! { #(#items)||* })
        }
        Condition::Not(inner) => {
            let inner = condition_with(inner, true, source);
            quote! { !#inner }
        }
        Condition::Test {
            variable,
            op,
            operand,
        } => {
            let (var_source, var_steps) = source(variable);
            let var_text = &variable.text;
            let context = variable.root == Root::Context;
            if *op == Operator::IsPresent {
                let expected = matches!(operand, Operand::Bool(true));
                let test = if expected {
                    quote! { #rt::is_present(exec, #var_source, #context, #var_steps) }
                } else {
                    quote! { !#rt::is_present(exec, #var_source, #context, #var_steps) }
                };
                return test;
            }
            let variable = quote! { (#context, #var_steps, #var_text) };
            match operand {
                Operand::Path(p) => {
                    let (other_source, steps) = source(p);
                    let text = &p.text;
                    let other_context = p.root == Root::Context;
                    let variant = format_ident!("{}", format!("{op:?}"));
                    quote! {
                        #rt::test_path(
                            exec,
                            (#var_source, #variable),
                            (#other_source, (#other_context, #steps, #text)),
                            #rt::choice::Op::#variant,
                        )?
                    }
                }
                Operand::Bool(true) if *op != Operator::BooleanEquals => {
                    let func = format_ident!("{}", operator_fn(*op));
                    quote! { #rt::test(exec, #var_source, #variable, #rt::choice::#func)? }
                }
                _ => {
                    let test = test_expr(*op, operand);
                    quote! { #rt::test(exec, #var_source, #variable, |__value| #test)? }
                }
            }
        }
    }
}

fn test_expr(op: Operator, operand: &Operand) -> TokenStream {
    let rt = quote! { __sfn };
    let func = format_ident!("{}", operator_fn(op));
    match operand {
        Operand::Str(s) => quote! { #rt::choice::#func(__value, #s) },
        Operand::Num(n) => {
            let n = Literal::f64_suffixed(*n);
            quote! { #rt::choice::#func(__value, #n) }
        }
        Operand::Bool(b) => match op {
            Operator::BooleanEquals => quote! { #rt::choice::#func(__value, #b) },
            _ if *b => quote! { #rt::choice::#func(__value) },
            _ => quote! { !#rt::choice::#func(__value) },
        },
        Operand::Timestamp(secs, nanos) => {
            quote! { #rt::choice::#func(__value, #rt::Timestamp::new(#secs, #nanos)) }
        }
        Operand::Path(_) => quote! { false },
    }
}

fn operator_fn(op: Operator) -> &'static str {
    match op {
        Operator::StringEquals => "string_equals",
        Operator::StringLessThan => "string_less_than",
        Operator::StringGreaterThan => "string_greater_than",
        Operator::StringLessThanEquals => "string_less_than_equals",
        Operator::StringGreaterThanEquals => "string_greater_than_equals",
        Operator::StringMatches => "string_matches",
        Operator::NumericEquals => "numeric_equals",
        Operator::NumericLessThan => "numeric_less_than",
        Operator::NumericGreaterThan => "numeric_greater_than",
        Operator::NumericLessThanEquals => "numeric_less_than_equals",
        Operator::NumericGreaterThanEquals => "numeric_greater_than_equals",
        Operator::BooleanEquals => "boolean_equals",
        Operator::TimestampEquals => "timestamp_equals",
        Operator::TimestampLessThan => "timestamp_less_than",
        Operator::TimestampGreaterThan => "timestamp_greater_than",
        Operator::TimestampLessThanEquals => "timestamp_less_than_equals",
        Operator::TimestampGreaterThanEquals => "timestamp_greater_than_equals",
        Operator::IsNull => "is_null",
        Operator::IsPresent => "is_present",
        Operator::IsNumeric => "is_numeric",
        Operator::IsString => "is_string",
        Operator::IsBoolean => "is_boolean",
        Operator::IsTimestamp => "is_timestamp",
    }
}

fn emit_choice(b: &Block<'_>, c: &crate::ast::Choice) -> TokenStream {
    let input = input_path(&c.io, false);
    let decide = choice_decide(b, c, &|p: &Path| {
        (quote! { &input }, steps_tokens(&p.steps))
    });
    let out = output_path(&c.io, quote! { input });
    let go = choice_goto(b, c, |_| put_whole(b, quote! { data }));
    quote! {
        #input
        #decide
        data = #out;
        exec.exit(&data);
        #go
    }
}

/// `let next = …;`: the state the Choice rules pick, its paths read where
/// `source` says. One `if … break` per rule keeps AWS's order and
/// short-circuiting, and stays readable when several rules share a target.
fn choice_decide(b: &Block<'_>, c: &crate::ast::Choice, source: Source<'_>) -> TokenStream {
    let ty = ident(&b.enum_name);
    let rules = c.choices.iter().map(|(cond, next)| {
        let cond = condition_with(cond, false, source);
        let v = ident(&b.states[b.target(next)].variant);
        quote! {
            if #cond {
                break 'choice #ty::#v;
            }
        }
    });
    let fallback = match &c.default {
        Some(d) => {
            let v = ident(&b.states[b.target(d)].variant);
            quote! { #ty::#v }
        }
        None => quote! {
            return ::core::result::Result::Err(exec.runtime_error(
                "Failed to transition out of the state. The state does not point to a next state.",
            ))
        },
    };
    quote! {
        let next = 'choice: {
            #(#rules)*
            #fallback
        };
    }
}

/// The distinct states a Choice state may go to, in order of first mention.
fn choice_targets(b: &Block<'_>, c: &crate::ast::Choice) -> Vec<usize> {
    let mut targets = Vec::new();
    for t in c.choices.iter().map(|(_, n)| n).chain(c.default.as_ref()) {
        let t = b.target(t);
        if !targets.contains(&t) {
            targets.push(t);
        }
    }
    targets
}

/// A `match` on the Choice state's `next` (a state of the block's enum) that
/// puts the state's output where each target finds its input (`put`) and
/// returns the target; the last target is the catch-all arm.
fn choice_goto(
    b: &Block<'_>,
    c: &crate::ast::Choice,
    mut put: impl FnMut(usize) -> TokenStream,
) -> TokenStream {
    let ty = ident(&b.enum_name);
    let puts: Vec<(usize, TokenStream)> = choice_targets(b, c)
        .into_iter()
        .map(|t| (t, put(t)))
        .collect();
    let Some((last, others)) = puts.split_last() else {
        // Validation requires at least one rule.
        return quote! {
            ::core::result::Result::Err(exec.runtime_error(
                "Failed to transition out of the state. The state does not point to a next state.",
            ))
        };
    };
    // When every target finds its input where the state leaves its output
    // (the same statements put it there), one return serves them all.
    let shared = last.1.to_string();
    if others.iter().all(|(_, p)| p.to_string() == shared) {
        let put = &last.1;
        return quote! {
            #put
            ::core::result::Result::Ok(__sfn::Step::Next(next))
        };
    }
    let go = |(t, put): &(usize, TokenStream)| {
        let next = next_state(b, *t);
        quote! { #put #next }
    };
    let arms = others.iter().map(|target| {
        let v = ident(&b.states[target.0].variant);
        let body = go(target);
        quote! { #ty::#v => { #body } }
    });
    let body = go(last);
    quote! {
        match next {
            #(#arms)*
            _ => { #body }
        }
    }
}

fn emit_wait(b: &Block<'_>, w: &Wait) -> TokenStream {
    let rt = quote! { __sfn };
    let input = input_path(&w.io, false);
    let wait = match &w.until {
        WaitFor::Seconds(n) => quote! { #rt::wait_seconds(#n).await; },
        WaitFor::Timestamp(secs, nanos) => {
            quote! { #rt::wait_until(exec, #rt::Timestamp::new(#secs, #nanos)).await?; }
        }
        WaitFor::SecondsPath(p) => {
            let steps = steps_tokens(&p.steps);
            let text = &p.text;
            quote! { #rt::wait_seconds_path(exec, &input, #steps, #text).await?; }
        }
        WaitFor::TimestampPath(p) => {
            let steps = steps_tokens(&p.steps);
            let text = &p.text;
            quote! { #rt::wait_timestamp_path(exec, &input, #steps, #text).await?; }
        }
    };
    let out = output_path(&w.io, quote! { input });
    let next = transition(b, &w.transition);
    quote! {
        #input
        #wait
        data = #out;
        exec.exit(&data);
        #next
    }
}

fn emit_succeed(b: &Block<'_>, io: &Io) -> TokenStream {
    let input = input_path(io, false);
    let out = output_path(io, quote! { input });
    let end = transition(b, &Transition::End);
    quote! {
        #input
        data = #out;
        exec.exit(&data);
        #end
    }
}

fn emit_fail(f: &Fail) -> TokenStream {
    let field = |v: &Option<FailField>, name: &str| match v {
        None => quote! { ::core::option::Option::None },
        Some(FailField::Literal(s)) => {
            quote! { ::core::option::Option::Some(::std::string::String::from(#s)) }
        }
        Some(FailField::Path(p)) => {
            let steps = steps_tokens(&p.steps);
            let text = &p.text;
            let context = p.root == Root::Context;
            quote! {
                ::core::option::Option::Some(
                    __sfn::fail_field(exec, &data, #context, #steps, #text, #name)?
                )
            }
        }
        Some(FailField::Intrinsic(call)) => {
            let value = intrinsic_call(call, &quote! { &data }, name, false);
            quote! { ::core::option::Option::Some(__sfn::text(#value)) }
        }
    };
    let error = field(&f.error, "ErrorPath");
    let cause = field(&f.cause, "CausePath");
    quote! {
        let error = #error;
        let cause = #cause;
        ::core::result::Result::Err(::sfn_runtime::Error::from_parts(error, cause))
    }
}

/// A constant `ReaderConfig` for an `ItemReader`.
fn reader_config(r: &crate::ast::ItemReader) -> TokenStream {
    let d = quote! { __sfn::distributed };
    let resource = if r.resource.ends_with("listObjectsV2") {
        quote! { #d::ReaderResource::ListObjectsV2 }
    } else {
        quote! { #d::ReaderResource::GetObject }
    };
    let input_type = match r.input_type.as_deref() {
        Some("CSV") => quote! { ::core::option::Option::Some(#d::InputType::Csv) },
        Some("JSON") => quote! { ::core::option::Option::Some(#d::InputType::Json) },
        Some("JSONL") => quote! { ::core::option::Option::Some(#d::InputType::Jsonl) },
        Some("MANIFEST") => quote! { ::core::option::Option::Some(#d::InputType::Manifest) },
        Some("PARQUET") => quote! { ::core::option::Option::Some(#d::InputType::Parquet) },
        _ => quote! { ::core::option::Option::None },
    };
    let headers = match r.csv_header_location.as_deref() {
        Some("GIVEN") => {
            let names = &r.csv_headers;
            quote! { ::core::option::Option::Some(#d::CsvHeaders::Given(&[#(#names),*])) }
        }
        Some(_) => quote! { ::core::option::Option::Some(#d::CsvHeaders::FirstRow) },
        None => quote! { ::core::option::Option::None },
    };
    let delimiter = match r.csv_delimiter.as_deref() {
        Some("PIPE") => b'|',
        Some("SEMICOLON") => b';',
        Some("SPACE") => b' ',
        Some("TAB") => b'\t',
        _ => b',',
    };
    let delimiter = Literal::byte_character(delimiter);
    let pointer = match &r.items_pointer {
        Some(p) => quote! { ::core::option::Option::Some(#p) },
        None => quote! { ::core::option::Option::None },
    };
    let flatten = r.transformation.as_deref() == Some("LOAD_AND_FLATTEN");
    quote! {
        #d::ReaderConfig {
            resource: #resource,
            input_type: #input_type,
            csv_headers: #headers,
            csv_delimiter: #delimiter,
            items_pointer: #pointer,
            load_and_flatten: #flatten,
        }
    }
}

/// A constant `WriterConfig` for a `ResultWriter`.
fn writer_config(w: &crate::ast::ResultWriter) -> TokenStream {
    let d = quote! { __sfn::distributed };
    let output = match w.output_type.as_deref() {
        Some("JSON") => quote! { ::core::option::Option::Some(#d::OutputType::Json) },
        Some("JSONL") => quote! { ::core::option::Option::Some(#d::OutputType::Jsonl) },
        _ => quote! { ::core::option::Option::None },
    };
    let transformation = match w.transformation.as_deref() {
        Some("NONE") => quote! { ::core::option::Option::Some(#d::Transformation::None) },
        Some("COMPACT") => quote! { ::core::option::Option::Some(#d::Transformation::Compact) },
        Some("FLATTEN") => quote! { ::core::option::Option::Some(#d::Transformation::Flatten) },
        _ => quote! { ::core::option::Option::None },
    };
    quote! {
        #d::WriterConfig {
            output_type: #output,
            transformation: #transformation,
        }
    }
}
