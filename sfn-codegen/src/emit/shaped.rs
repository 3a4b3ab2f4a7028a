//! Pass and Choice states whose data the compiler knows the shape of (see
//! [`crate::shape`]): their input arrives as slots, their paths are local
//! variables and lookups, and their output is built only as far as the next
//! state needs it.

use proc_macro2::{Ident, TokenStream, TokenTree};
use quote::{format_ident, quote};

use super::{
    choice_decide, choice_goto, ident, kind_name, lifetime, literal, next_state, regs_type,
    state_doc, steps_tokens,
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

/// The locals of a shaped state: its registers (`__d0`, …), each a `&mut`
/// to one slot of its input (or to its whole input).
struct Locals {
    names: Vec<Ident>,
    /// Whether the registers are `Cow<Value>`s (see [`Block::borrows`]).
    cow: bool,
    /// Parts of locals that a check found, bound to a `&Value` by it, so
    /// that a copy needs no second lookup.
    found: Vec<(usize, Vec<Step>, Ident)>,
}

impl Locals {
    fn name(&self, local: usize) -> &Ident {
        &self.names[local]
    }

    /// A `&Value` expression of a whole local, where a `&Value` is expected:
    /// the register's `&mut` (to a `Value` or a `Cow`) coerces to one.
    fn by_ref(&self, local: usize) -> TokenStream {
        let name = self.name(local);
        quote! { #name }
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
                let local = self.by_ref(*l);
                quote! { __sfn::Value::clone(#local) }
            }
            Tree::Local(l) => {
                let name = self.name(*l);
                quote! { #name.clone() }
            }
            Tree::Part(l, steps) => match self.found(*l, steps) {
                Some(found) => quote! { #found.clone() },
                None => {
                    let local = self.by_ref(*l);
                    let steps = steps_tokens(steps);
                    quote! { __sfn::part(#local, #steps) }
                }
            },
        }
    }

    /// The binding of the part at `steps` in local `l`, if a check found it.
    fn found(&self, l: usize, steps: &[Step]) -> Option<&Ident> {
        self.found
            .iter()
            .find(|(local, s, _)| *local == l && s == steps)
            .map(|(_, _, name)| name)
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

/// One slot of the next state's input, as [`build_slots`] makes it.
struct Slot {
    /// The expression of its value.
    expr: TokenStream,
    /// Whether it is the local already in its register, which stays there:
    /// the slot needs no code.
    stays: bool,
    /// The locals its expression reads.
    reads: Vec<usize>,
}

/// The slots of `target` built from `out`, moving every value that is not
/// needed twice: statements that copy what is moved later, then one
/// [`Slot`] per slot of `target`, and the locals that end up moved whole.
fn build_slots(
    out: &Tree,
    target: &Shape,
    cow_target: bool,
    locals: &Locals,
) -> Option<(Vec<TokenStream>, Vec<Slot>, Vec<bool>)> {
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
    let mut slot_leaves = Vec::with_capacity(slots.len());
    for t in &slots {
        let first = leaves.len();
        collect(t, &mut leaves);
        slot_leaves.push(first..leaves.len());
    }
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
        }
    }
    // A local moved whole into the slot of its own register stays where it
    // is: it is not moved at all.
    let mut stays = vec![false; locals.names.len()];
    for (j, (t, range)) in slots.iter().zip(&slot_leaves).enumerate() {
        if let Tree::Local(l) = t
            && *l == j
            && uses[range.start] == Use::Move
            && locals.cow == cow_target
        {
            stays[j] = true;
        }
    }
    // Copies of a local that is also moved whole are made first. Each leaf
    // is an expression and whether it is a `Cow` (a slot moved or copied as is).
    let mut stmts = Vec::new();
    let mut exprs: Vec<(TokenStream, bool)> = Vec::with_capacity(leaves.len());
    for (i, &(l, leaf)) in leaves.iter().enumerate() {
        let name = locals.name(l);
        let (expr, cow) = match (uses[i], leaf) {
            (Use::Move, _) => (quote! { ::core::mem::take(#name) }, locals.cow),
            (Use::Take, Tree::Part(_, steps)) if locals.cow => {
                let steps = steps_tokens(steps);
                (quote! { __sfn::take_part(#name, #steps) }, false)
            }
            (Use::Take, Tree::Part(_, steps)) => {
                let steps = steps_tokens(steps);
                (quote! { __sfn::path::take(#name, #steps) }, false)
            }
            // A borrowed slot's copy is another borrow.
            (_, Tree::Local(_)) if locals.cow => (quote! { #name.clone() }, true),
            (_, other) => (locals.copy(other), false),
        };
        if uses[i] == Use::Copy && moved[l] && !stays[l] {
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
    let built = slots
        .iter()
        .zip(slot_leaves)
        .map(|(t, range)| {
            let expr = match t {
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
            };
            let stays = matches!(t, Tree::Local(l) if stays[*l]);
            let reads = leaves[range].iter().map(|(l, _)| *l).collect();
            Slot { expr, stays, reads }
        })
        .collect();
    Some((stmts, built, moved))
}

/// The statements that put the output `out` of a shaped state where block
/// state `target` finds its input (`None`: the block ends, and they end in
/// the value the state returns): its slots in the first registers, each written only if it
/// is not already there, and the registers left over emptied.
fn put(
    b: &Block<'_>,
    target: Option<usize>,
    out: &Tree,
    locals: &Locals,
    inputs: usize,
) -> TokenStream {
    let shape = target.map_or(Shape::Any, |t| b.inputs[t].clone());
    let cow_target = b.borrows && target.is_some();
    let Some((stmts, slots, moved)) = build_slots(out, &shape, cow_target, locals) else {
        // The analysis makes every target's shape one the output fits.
        return quote! { ::core::compile_error!("sfn: internal error: a state's output does not fit its target") };
    };
    if target.is_none() {
        let v = slots.first().map(|s| &s.expr);
        let end = super::end_whole(b, quote! { #v });
        return quote! {
            #(#stmts)*
            #end
        };
    }
    // A register is written as soon as no later slot reads the value it
    // holds now; otherwise its new value waits in a binding.
    let mut now = Vec::new();
    let mut later = Vec::new();
    for (j, slot) in slots.iter().enumerate() {
        if slot.stays {
            continue;
        }
        let reg = locals.name(j);
        let expr = &slot.expr;
        let read_later = slots[j + 1..].iter().any(|s| s.reads.contains(&j));
        if read_later {
            let binding = format_ident!("__n{j}");
            now.push(quote! { let #binding = #expr; });
            later.push(quote! { *#reg = #binding; });
        } else {
            now.push(quote! { *#reg = #expr; });
        }
    }
    // Registers the target does not read are emptied, unless moved out already.
    let empty = (slots.len()..inputs).filter(|&i| !moved[i]).map(|i| {
        let reg = locals.name(i);
        quote! { *#reg = ::core::default::Default::default(); }
    });
    quote! {
        #(#stmts)*
        #(#now)*
        #(#later)*
        #(#empty)*
    }
}

/// The checks a state makes before it moves anything. A template's path
/// that is found is bound (see [`Locals::found`]).
fn checks(e: &Eval, locals: &mut Locals) -> Vec<TokenStream> {
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
                let from = locals.by_ref(*local);
                let tokens = steps_tokens(steps);
                let text = &path.text;
                let input = locals.copy(input);
                let found = format_ident!("__p{}", locals.found.len());
                locals.found.push((*local, steps.clone(), found.clone()));
                quote! {
                    let ::core::result::Result::Ok(#found) = __sfn::path::get(#from, #tokens) else {
                        return ::core::result::Result::Err(__sfn::template_miss(exec, &#input, #text, #field));
                    };
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
    let ty = ident(&b.enum_name);
    let f = ident(&s.fn_name);
    let name = s.name;
    let kind = format_ident!("{}", kind_name(s.body));
    let width = b.width();
    let mut locals = Locals {
        names: (0..width).map(|i| format_ident!("__d{i}")).collect(),
        cow: b.borrows,
        found: Vec::new(),
    };
    let inputs = if input.is_known() { input.slots() } else { 1 };
    let raw = Tree::of_shape(input);
    let checks = checks(e, &mut locals);
    let exit_value = locals.copy(&e.out);
    let (decide, go) = match s.body {
        Body::Pass(Pass { transition, .. }) => {
            let target = match transition {
                Transition::Next(t) => Some(b.target(t)),
                Transition::End => None,
            };
            let put = put(b, target, &e.out, &locals, inputs);
            let next = target.map(|t| next_state(b, t));
            (quote! {}, quote! { #put #next })
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
            let go = choice_goto(b, c, |t| put(b, Some(t), &e.out, &locals, inputs));
            (decide, go)
        }
        _ => return quote! {},
    };
    let enter = if input.is_known() {
        let whole = locals.copy(&raw);
        quote! { exec.enter_with(#name, __sfn::StateKind::#kind, || #whole); }
    } else {
        let data = locals.by_ref(0);
        quote! { exec.enter(#name, __sfn::StateKind::#kind, #data); }
    };
    let body = quote! {
        #enter
        #(#checks)*
        #decide
        exec.exit_with(|| #exit_value);
        #go
    };
    // Only the registers the body names are bound.
    let mut used = vec![false; width];
    mark_used(body.clone(), &locals.names, &mut used);
    let unpack = match used.iter().rposition(|u| *u) {
        None => quote! { let _ = regs; },
        Some(last) => {
            let names = locals.names[..=last].iter().zip(&used).map(|(n, u)| {
                if *u {
                    quote! { #n }
                } else {
                    quote! { _ }
                }
            });
            let rest = (last + 1 < width).then(|| quote! { , .. });
            quote! { let [#(#names),* #rest] = regs; }
        }
    };
    let data = match inputs {
        _ if !input.is_known() => " Its input is `regs[0]`.".to_owned(),
        0 => " Its input is a value the compiler knows; the registers hold none of it.".to_owned(),
        1 => {
            " Its input is an object the compiler knows but for one value, in `regs[0]`.".to_owned()
        }
        n => format!(
            " Its input is an object the compiler knows but for these {n} values, in `regs[..{n}]`."
        ),
    };
    let doc = state_doc(b, s, &data);
    let lt = lifetime(b);
    let regs = regs_type(b);
    quote! {
        #[doc = #doc]
        fn #f #lt(
            &self,
            exec: &mut __sfn::Exec,
            regs: &mut #regs,
        ) -> ::core::result::Result<__sfn::Step<#ty>, ::sfn_runtime::Error> {
            #unpack
            #body
        }
    }
}

/// Marks in `used` which of `names` occur in `tokens`.
fn mark_used(tokens: TokenStream, names: &[Ident], used: &mut [bool]) {
    for t in tokens {
        match t {
            TokenTree::Ident(i) => {
                if let Some(k) = names.iter().position(|n| *n == i) {
                    used[k] = true;
                }
            }
            TokenTree::Group(g) => mark_used(g.stream(), names, used),
            _ => {}
        }
    }
}
