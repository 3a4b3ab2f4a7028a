//! Pass and Choice states whose data the compiler knows the shape of (see
//! [`crate::shape`]): their input arrives as slots, their paths are local
//! variables and lookups, and their output is built only as far as the next
//! state needs it.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::{
    choice_decide, choice_goto, doc_text, ident, kind_name, lifetime, literal, shape_type,
    steps_tokens,
};
use crate::ast::{Body, Pass, Transition};
use crate::ir::{Block, StateIr};
use crate::path::{Path, Step};
use crate::shape::{self, Check, Eval, Shape, Tree};

/// The symbolic evaluation of a state that the shaped code runs: a Pass or
/// Choice whose input or output has a known shape.
pub(super) fn shaped(b: &Block<'_>, index: usize, s: &StateIr<'_>) -> Option<Eval> {
    let input = &b.inputs[index];
    let e = shape::eval(s.body, input)?;
    (input.is_known() || e.out.shape().is_known()).then_some(e)
}

/// The locals of a shaped state: its input's slots (`__d0`, …), or `data`.
struct Locals {
    names: Vec<Ident>,
    /// Whether the locals are `Cow<Value>` slots (see [`Block::borrows`]).
    cow: bool,
}

impl Locals {
    fn name(&self, local: usize) -> &Ident {
        &self.names[local]
    }

    /// A `&Value` expression of a whole local (a `&Cow` derefs to one).
    fn by_ref(&self, local: usize) -> TokenStream {
        let name = self.name(local);
        quote! { &#name }
    }

    /// An expression building `tree` as a new `Value` without moving anything.
    fn copy(&self, tree: &Tree) -> TokenStream {
        match tree {
            Tree::Const(v) => literal(v),
            Tree::Obj(members) => {
                let members = members.iter().map(|(k, t)| {
                    let t = self.copy(t);
                    quote! { (#k, #t) }
                });
                quote! { __sfn::obj([#(#members),*]) }
            }
            Tree::Arr(items) => {
                let items = items.iter().map(|t| self.copy(t));
                quote! { __sfn::arr([#(#items),*]) }
            }
            Tree::Local(l) if self.cow => {
                let name = self.name(*l);
                quote! { __sfn::Value::clone(&#name) }
            }
            Tree::Local(l) => {
                let name = self.name(*l);
                quote! { #name.clone() }
            }
            Tree::Part(l, steps) => {
                let local = self.by_ref(*l);
                let steps = steps_tokens(steps);
                quote! { __sfn::part(#local, #steps) }
            }
        }
    }

    /// A `&Value` expression of `tree`: a local or a node of one is borrowed.
    fn borrow(&self, tree: &Tree) -> (TokenStream, TokenStream) {
        match tree {
            Tree::Local(l) => (self.by_ref(*l), quote! { &[] }),
            Tree::Part(l, steps) => (self.by_ref(*l), steps_tokens(steps)),
            other => {
                let value = self.copy(other);
                (quote! { &#value }, quote! { &[] })
            }
        }
    }
}

/// How the output uses one local value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Use {
    /// Copied (it is also needed whole, or its parts overlap).
    Copy,
    /// Moved out of the local (`path::take`), which is not needed whole.
    Take,
    /// The whole local, moved.
    Move,
}

/// Statements and expressions that build the slots of `target` from `out`,
/// moving every value that is not needed twice: the statements, then one
/// expression per slot. Locals that values are taken out of are marked in
/// `mutable`.
fn build_slots(
    out: &Tree,
    target: &Shape,
    cow_target: bool,
    locals: &Locals,
    mutable: &mut [bool],
) -> Option<(Vec<TokenStream>, Vec<TokenStream>)> {
    let slots = out.into_slots(target)?;
    // Every leaf that reads a local, in order, with its local.
    fn collect<'t>(t: &'t Tree, out: &mut Vec<(usize, &'t Tree)>) {
        match t {
            Tree::Obj(members) => members.iter().for_each(|(_, t)| collect(t, out)),
            Tree::Arr(items) => items.iter().for_each(|t| collect(t, out)),
            Tree::Local(l) | Tree::Part(l, _) => out.push((*l, t)),
            Tree::Const(_) => {}
        }
    }
    let mut leaves = Vec::new();
    slots.iter().for_each(|t| collect(t, &mut leaves));
    let mut by_local: Vec<Vec<usize>> = vec![Vec::new(); locals.names.len()];
    for (i, (l, _)) in leaves.iter().enumerate() {
        by_local[*l].push(i);
    }
    let mut uses = vec![Use::Copy; leaves.len()];
    let mut moved = vec![false; locals.names.len()];
    for (l, mine) in by_local.iter().enumerate() {
        // A local needed whole is moved at its last use; its other uses copy.
        if let Some(&last) = mine
            .iter()
            .rev()
            .find(|&&i| matches!(leaves[i].1, Tree::Local(_)))
        {
            uses[last] = Use::Move;
            moved[l] = true;
            continue;
        }
        // Otherwise its parts are taken out, unless one lies inside another.
        let parts: Vec<&Vec<Step>> = mine
            .iter()
            .filter_map(|&i| match leaves[i].1 {
                Tree::Part(_, steps) => Some(steps),
                _ => None,
            })
            .collect();
        let disjoint = parts.iter().enumerate().all(|(i, a)| {
            parts[i + 1..].iter().all(|b| {
                let n = a.len().min(b.len());
                a[..n] != b[..n]
            })
        });
        if disjoint && !mine.is_empty() {
            mine.iter().for_each(|&i| uses[i] = Use::Take);
            mutable[l] = true;
        }
    }
    // Copies of a local that is also moved whole are made first. Each leaf
    // is an expression and whether it is a `Cow` (a slot moved or copied as is).
    let mut stmts = Vec::new();
    let mut exprs: Vec<(TokenStream, bool)> = Vec::with_capacity(leaves.len());
    for (i, &(l, leaf)) in leaves.iter().enumerate() {
        let name = locals.name(l);
        let (expr, cow) = match (uses[i], leaf) {
            (Use::Move, _) => (quote! { #name }, locals.cow),
            (Use::Take, Tree::Part(_, steps)) if locals.cow => {
                let steps = steps_tokens(steps);
                (quote! { __sfn::take_part(&mut #name, #steps) }, false)
            }
            (Use::Take, Tree::Part(_, steps)) => {
                let steps = steps_tokens(steps);
                (quote! { __sfn::path::take(&mut #name, #steps) }, false)
            }
            // A borrowed slot's copy is another borrow.
            (_, Tree::Local(_)) if locals.cow => (quote! { #name.clone() }, true),
            (_, other) => (locals.copy(other), false),
        };
        if uses[i] == Use::Copy && moved[l] {
            let binding = format_ident!("__v{i}");
            stmts.push(quote! { let #binding = #expr; });
            exprs.push((quote! { #binding }, cow));
        } else {
            exprs.push((expr, cow));
        }
    }
    let mut next = exprs.into_iter();
    let mut value = |next: &mut std::vec::IntoIter<(TokenStream, bool)>| match next.next() {
        Some((e, true)) => quote! { #e.into_owned() },
        Some((e, false)) => e,
        None => TokenStream::new(),
    };
    fn build(
        t: &Tree,
        next: &mut std::vec::IntoIter<(TokenStream, bool)>,
        value: &mut impl FnMut(&mut std::vec::IntoIter<(TokenStream, bool)>) -> TokenStream,
    ) -> TokenStream {
        match t {
            Tree::Const(v) => literal(v),
            Tree::Obj(members) => {
                let members = members.iter().map(|(k, t)| {
                    let t = build(t, next, value);
                    quote! { (#k, #t) }
                });
                let members: Vec<TokenStream> = members.collect();
                quote! { __sfn::obj([#(#members),*]) }
            }
            Tree::Arr(items) => {
                let items: Vec<TokenStream> = items.iter().map(|t| build(t, next, value)).collect();
                quote! { __sfn::arr([#(#items),*]) }
            }
            Tree::Local(_) | Tree::Part(..) => value(next),
        }
    }
    let values = slots
        .iter()
        .map(|t| match t {
            // A slot that a leaf fills on its own keeps a `Cow` as it is.
            Tree::Local(_) | Tree::Part(..) if cow_target => match next.next() {
                Some((e, true)) => e,
                Some((e, false)) => quote! { ::std::borrow::Cow::Owned(#e) },
                None => TokenStream::new(),
            },
            t if cow_target => {
                let v = build(t, &mut next, &mut value);
                quote! { ::std::borrow::Cow::Owned(#v) }
            }
            t => build(t, &mut next, &mut value),
        })
        .collect();
    Some((stmts, values))
}

/// The code that moves on from a shaped state to block state `target`
/// (`None`: the block ends), with the output `out`.
fn goto(
    b: &Block<'_>,
    target: Option<usize>,
    out: &Tree,
    locals: &Locals,
    mutable: &mut [bool],
) -> TokenStream {
    let shape = target.map_or(Shape::Any, |t| b.inputs[t].clone());
    let cow_target = b.borrows && shape.is_known();
    let Some((stmts, values)) = build_slots(out, &shape, cow_target, locals, mutable) else {
        // The analysis makes every target's shape one the output fits.
        return quote! { ::core::compile_error!("sfn: internal error: a state's output does not fit its target") };
    };
    let value = match target {
        None => {
            let v = &values[0];
            quote! { ::core::result::Result::Ok(__sfn::Step::End(#v)) }
        }
        Some(t) => {
            let ty = ident(&b.input_enum);
            let v = ident(&b.states[t].variant);
            let data = if shape.is_known() {
                quote! { [#(#values),*] }
            } else {
                let v = &values[0];
                quote! { #v }
            };
            quote! { ::core::result::Result::Ok(__sfn::Step::Next(#ty::#v(#data))) }
        }
    };
    quote! {
        #(#stmts)*
        #value
    }
}

/// The checks a state makes before it moves anything.
fn checks(e: &Eval, locals: &Locals) -> Vec<TokenStream> {
    e.checks
        .iter()
        .map(|c| match c {
            Check::Path {
                local,
                steps,
                base,
                path,
                from,
            } => {
                let local = locals.by_ref(*local);
                let steps = steps_tokens(steps);
                let all = steps_tokens(&path.steps);
                let text = &path.text;
                quote! { __sfn::check_path_in(exec, #local, #steps, #base, (#all, #from, #text))?; }
            }
            Check::Template {
                local,
                steps,
                path,
                field,
                input,
            } => {
                let local = locals.by_ref(*local);
                let steps = steps_tokens(steps);
                let text = &path.text;
                let input = locals.copy(input);
                quote! {
                    if __sfn::path::get(#local, #steps).is_err() {
                        return ::core::result::Result::Err(__sfn::template_miss(exec, &#input, #text, #field));
                    }
                }
            }
        })
        .collect()
}

/// The function of a shaped Pass or Choice state.
pub(super) fn emit_shaped_state(
    b: &Block<'_>,
    index: usize,
    s: &StateIr<'_>,
    e: &Eval,
) -> TokenStream {
    let input = &b.inputs[index];
    let ty = ident(&b.input_enum);
    let f = ident(&s.fn_name);
    let name = s.name;
    let kind = format_ident!("{}", kind_name(s.body));
    let locals = Locals {
        names: if input.is_known() {
            (0..input.slots())
                .map(|i| format_ident!("__d{i}"))
                .collect()
        } else {
            vec![format_ident!("data")]
        },
        cow: b.borrows && input.is_known(),
    };
    let raw = Tree::of_shape(input);
    let mut mutable = vec![false; locals.names.len()];
    let checks = checks(e, &locals);
    let exit_value = locals.copy(&e.out);
    let (decide, go) = match s.body {
        Body::Pass(Pass { transition, .. }) => {
            let target = match transition {
                Transition::Next(t) => Some(b.target(t)),
                Transition::End => None,
            };
            (quote! {}, goto(b, target, &e.out, &locals, &mut mutable))
        }
        Body::Choice(c) => {
            let source = |p: &Path| -> (TokenStream, TokenStream) {
                match shape::choice_source(p, &e.effective) {
                    Some(Some(tree)) => locals.borrow(&tree),
                    // `$$` paths read the context object, not this value.
                    _ => (quote! { &__sfn::Value::Null }, steps_tokens(&p.steps)),
                }
            };
            let decide = choice_decide(b, c, &source);
            let go = choice_goto(b, c, |t| goto(b, Some(t), &e.out, &locals, &mut mutable));
            (decide, go)
        }
        _ => return quote! {},
    };
    let (param, unpack, enter) = if input.is_known() {
        let names = locals.names.iter().zip(&mutable).map(|(n, m)| {
            if *m {
                quote! { mut #n }
            } else {
                quote! { #n }
            }
        });
        let whole = locals.copy(&raw);
        let data = shape_type(b, input);
        (
            quote! { data: #data },
            quote! { let [#(#names),*] = data; },
            quote! { exec.enter_with(#name, __sfn::StateKind::#kind, || #whole); },
        )
    } else {
        let m = mutable[0].then(|| quote! { mut });
        (
            quote! { #m data: ::sfn_runtime::Value },
            quote! {},
            quote! { exec.enter(#name, __sfn::StateKind::#kind, &data); },
        )
    };
    let lt = lifetime(b);
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
    quote! {
        #[doc = #doc]
        fn #f #lt(
            &self,
            exec: &mut __sfn::Exec,
            #param,
        ) -> ::core::result::Result<__sfn::Step<#ty #lt>, ::sfn_runtime::Error> {
            #unpack
            #enter
            #(#checks)*
            #decide
            exec.exit_with(|| #exit_value);
            #go
        }
    }
}
