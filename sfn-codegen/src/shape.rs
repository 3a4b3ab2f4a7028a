//! What the compiler knows statically about the data a state receives.
//!
//! ASL moves one JSON value from state to state, and most Pass and Choice
//! states only rearrange it: Parameters build an object with known keys,
//! ResultPath sets a known member, Choice reads one. When every way into a
//! state brings an object of the same keys, the generated code passes the
//! members as separate Rust values (the *slots* of a [`Shape`]) instead of
//! one object, so that reading `$.order.total` is a local variable and one
//! lookup, and a ResultPath is a move; the object is built only where it is
//! needed whole (a Task's input, the output, an event of a recorded history).
//!
//! [`analyse`] finds each state's input shape by a fixed point over the
//! block's transitions; [`eval_pass`] and [`eval_choice`] evaluate a state
//! symbolically over a [`Tree`] of those slots. Both the analysis and the
//! emitter use the same evaluation, so they cannot disagree. Anything
//! outside the simple cases (indefinite paths, intrinsic functions, `$$`
//! in templates, a path that cannot match) is left to the general code, on
//! a whole `Value`.

use crate::ast::{Body, Choice, Condition, Operand, Pass, PathField, Template};
use crate::ir::Block;
use crate::path::{Path, Root, Step};

/// Deepest nesting of known objects kept in a shape.
const MAX_DEPTH: usize = 6;
/// Most slots a shape may have before it is passed as one value.
const MAX_SLOTS: usize = 48;

/// The static shape of a state's data.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// Any JSON value: one slot.
    Any,
    /// This exact value, known at compile time: no slot.
    Const(serde_json::Value),
    /// An object with exactly these members, in this order.
    Obj(Vec<(String, Shape)>),
}

impl Shape {
    /// How many runtime values carry data of this shape.
    pub fn slots(&self) -> usize {
        match self {
            Shape::Any => 1,
            Shape::Const(_) => 0,
            Shape::Obj(fields) => fields.iter().map(|(_, s)| s.slots()).sum(),
        }
    }

    fn depth(&self) -> usize {
        match self {
            Shape::Obj(fields) => 1 + fields.iter().map(|(_, s)| s.depth()).max().unwrap_or(0),
            _ => 0,
        }
    }

    /// Whether this is anything but [`Shape::Any`].
    pub fn is_known(&self) -> bool {
        !matches!(self, Shape::Any)
    }

    /// The least shape that both `self` and `other` fit.
    pub fn join(&self, other: &Shape) -> Shape {
        let joined = match (self, other) {
            (a, b) if a == b => a.clone(),
            (Shape::Obj(a), Shape::Obj(b))
                if a.len() == b.len() && a.iter().zip(b).all(|((x, _), (y, _))| x == y) =>
            {
                Shape::Obj(
                    a.iter()
                        .zip(b)
                        .map(|((k, x), (_, y))| (k.clone(), x.join(y)))
                        .collect(),
                )
            }
            (Shape::Const(serde_json::Value::Object(m)), other @ Shape::Obj(_))
            | (other @ Shape::Obj(_), Shape::Const(serde_json::Value::Object(m))) => {
                Shape::Obj(const_fields(m)).join(other)
            }
            (
                Shape::Const(serde_json::Value::Object(a)),
                Shape::Const(serde_json::Value::Object(b)),
            ) if a.len() == b.len() && a.keys().zip(b.keys()).all(|(x, y)| x == y) => {
                Shape::Obj(const_fields(a)).join(&Shape::Obj(const_fields(b)))
            }
            _ => Shape::Any,
        };
        joined.bounded()
    }

    fn bounded(self) -> Shape {
        if self.depth() > MAX_DEPTH || self.slots() > MAX_SLOTS {
            Shape::Any
        } else {
            self
        }
    }
}

fn const_fields(m: &serde_json::Map<String, serde_json::Value>) -> Vec<(String, Shape)> {
    m.iter()
        .map(|(k, v)| (k.clone(), Shape::Const(v.clone())))
        .collect()
}

/// A value during the symbolic evaluation of one state: where each part of
/// it comes from. Locals are numbered; the emitter names them.
#[derive(Debug, Clone, PartialEq)]
pub enum Tree {
    /// A value known at compile time.
    Const(serde_json::Value),
    /// An object with these members, in this order.
    Obj(Vec<(String, Tree)>),
    /// An array of these elements.
    Arr(Vec<Tree>),
    /// A whole local `Value`.
    Local(usize),
    /// The node at a definite path inside a local (checked to exist).
    Part(usize, Vec<Step>),
}

impl Tree {
    /// The tree of a state's input of shape `shape`, its slots numbered from 0.
    pub fn of_shape(shape: &Shape) -> Tree {
        fn walk(shape: &Shape, next: &mut usize) -> Tree {
            match shape {
                Shape::Any => {
                    *next += 1;
                    Tree::Local(*next - 1)
                }
                Shape::Const(v) => Tree::Const(v.clone()),
                Shape::Obj(fields) => Tree::Obj(
                    fields
                        .iter()
                        .map(|(k, s)| (k.clone(), walk(s, next)))
                        .collect(),
                ),
            }
        }
        walk(shape, &mut 0)
    }

    /// The shape of the value this tree builds.
    pub fn shape(&self) -> Shape {
        match self {
            Tree::Const(v) => Shape::Const(v.clone()),
            Tree::Obj(fields) => {
                Shape::Obj(fields.iter().map(|(k, t)| (k.clone(), t.shape())).collect()).bounded()
            }
            Tree::Arr(_) | Tree::Local(_) | Tree::Part(..) => Shape::Any,
        }
    }

    /// The parts of this tree that fill the slots of `target` (a shape this
    /// tree fits), in slot order; `None` if it does not fit.
    pub fn into_slots(&self, target: &Shape) -> Option<Vec<Tree>> {
        let mut out = Vec::new();
        self.fill(target, &mut out).then_some(out)
    }

    fn fill(&self, target: &Shape, out: &mut Vec<Tree>) -> bool {
        match (target, self) {
            (Shape::Any, t) => {
                out.push(t.clone());
                true
            }
            (Shape::Const(c), Tree::Const(v)) => c == v,
            (Shape::Obj(_), Tree::Const(serde_json::Value::Object(m))) => {
                let tree = Tree::Obj(
                    m.iter()
                        .map(|(k, v)| (k.clone(), Tree::Const(v.clone())))
                        .collect(),
                );
                tree.fill(target, out)
            }
            (Shape::Obj(fields), Tree::Obj(members)) => {
                fields.len() == members.len()
                    && fields
                        .iter()
                        .zip(members)
                        .all(|((k, s), (j, t))| k == j && t.fill(s, out))
            }
            _ => false,
        }
    }

    /// The node at `steps` below this tree, if it can be located statically.
    fn resolve(&self, steps: &[Step]) -> Option<Tree> {
        let Some((first, rest)) = steps.split_first() else {
            return Some(self.clone());
        };
        match self {
            Tree::Local(l) => Some(Tree::Part(*l, steps.to_vec())),
            Tree::Part(l, base) => {
                let mut all = base.clone();
                all.extend_from_slice(steps);
                Some(Tree::Part(*l, all))
            }
            Tree::Obj(members) => match first {
                Step::Field(k) => members
                    .iter()
                    .find(|(j, _)| j == k)
                    .and_then(|(_, t)| t.resolve(rest)),
                _ => None,
            },
            Tree::Const(v) => {
                let mut node = v;
                for step in steps {
                    node = match (step, node) {
                        (Step::Field(k), serde_json::Value::Object(m)) => m.get(k)?,
                        (Step::Index(i), serde_json::Value::Array(items)) if *i >= 0 => {
                            items.get(usize::try_from(*i).ok()?)?
                        }
                        _ => return None,
                    };
                }
                Some(Tree::Const(node.clone()))
            }
            Tree::Arr(_) => None,
        }
    }

    /// This tree with `value` written at `fields` (a ResultPath of member
    /// names): existing members are replaced in place, missing ones appended,
    /// as `path::set` does at run time. `None` where a step meets something
    /// that is not a known object.
    fn insert(&self, fields: &[String], value: Tree) -> Option<Tree> {
        let Some((first, rest)) = fields.split_first() else {
            return Some(value);
        };
        let mut members = match self {
            Tree::Obj(members) => members.clone(),
            Tree::Const(serde_json::Value::Object(m)) => m
                .iter()
                .map(|(k, v)| (k.clone(), Tree::Const(v.clone())))
                .collect(),
            _ => return None,
        };
        match members.iter_mut().find(|(k, _)| k == first) {
            Some((_, member)) => *member = member.insert(rest, value)?,
            None => {
                let nested = rest
                    .iter()
                    .rev()
                    .fold(value, |inner, k| Tree::Obj(vec![(k.clone(), inner)]));
                members.push((first.clone(), nested));
            }
        }
        Some(Tree::Obj(members))
    }
}

/// A run-time check a state makes before it moves any value, in AWS's
/// order: a definite path into a local must match.
#[derive(Debug, Clone)]
pub enum Check {
    /// An InputPath or OutputPath: a miss is `States.Runtime` about the path.
    Path {
        /// The local read.
        local: usize,
        /// The steps inside the local.
        steps: Vec<Step>,
        /// How many of `steps` lead to where the path's own steps start being read.
        base: usize,
        /// The path.
        path: Path,
        /// The index of the path's first step read at run time.
        from: usize,
    },
    /// A template's `.$` path: a miss is `States.Runtime` quoting the effective input.
    Template {
        /// The local read.
        local: usize,
        /// The steps inside the local.
        steps: Vec<Step>,
        /// The path.
        path: Path,
        /// The template member, with its `.$`.
        field: String,
        /// The effective input, for the message.
        input: Tree,
    },
}

/// A Pass or Choice state evaluated over its input tree.
#[derive(Debug, Clone)]
pub struct Eval {
    /// Checks, in order.
    pub checks: Vec<Check>,
    /// The effective input (after InputPath): what Choice rules read.
    pub effective: Tree,
    /// The state's output.
    pub out: Tree,
}

/// Whether a path is one the symbolic evaluation can follow: `$` and
/// member names or non-negative indexes.
fn simple(p: &Path) -> bool {
    p.root == Root::Input
        && p.steps
            .iter()
            .all(|s| matches!(s, Step::Field(_)) || matches!(s, Step::Index(i) if *i >= 0))
}

/// Selects `path` in `tree` (InputPath, OutputPath), recording its check.
fn select(tree: &Tree, field: &PathField, checks: &mut Vec<Check>) -> Option<Tree> {
    match field {
        PathField::Default => Some(tree.clone()),
        PathField::Null => Some(Tree::Const(serde_json::Value::Object(Default::default()))),
        PathField::Path(p) if simple(p) => {
            let found = tree.resolve(&p.steps)?;
            if let Tree::Part(local, steps) = &found {
                // The part of the path read at run time is a suffix of it.
                let runtime = steps.len().min(p.steps.len());
                let from = p.steps.len() - runtime;
                if steps[steps.len() - runtime..] != p.steps[from..] {
                    return None;
                }
                checks.push(Check::Path {
                    local: *local,
                    steps: steps.clone(),
                    base: steps.len() - runtime,
                    path: p.clone(),
                    from,
                });
            }
            Some(found)
        }
        PathField::Path(_) => None,
    }
}

/// Evaluates a payload template over the effective input `input`.
fn template(t: &Template, input: &Tree, checks: &mut Vec<Check>) -> Option<Tree> {
    match t {
        Template::Literal(v) => Some(Tree::Const(v.clone())),
        Template::Object(members) => {
            let mut out: Vec<(String, Tree)> = Vec::with_capacity(members.len());
            for (k, v) in members {
                if out.iter().any(|(j, _)| j == k) {
                    return None;
                }
                out.push((k.clone(), template(v, input, checks)?));
            }
            Some(Tree::Obj(out))
        }
        Template::Array(items) => Some(Tree::Arr(
            items
                .iter()
                .map(|i| template(i, input, checks))
                .collect::<Option<_>>()?,
        )),
        Template::Path { path, field } if simple(path) => {
            let found = input.resolve(&path.steps)?;
            if let Tree::Part(local, steps) = &found {
                checks.push(Check::Template {
                    local: *local,
                    steps: steps.clone(),
                    path: path.clone(),
                    field: field.clone(),
                    input: input.clone(),
                });
            }
            Some(found)
        }
        Template::Path { .. } | Template::Intrinsic { .. } => None,
    }
}

/// A Pass state over its input `raw`; `None` when it needs the general code.
pub fn eval_pass(p: &Pass, raw: &Tree) -> Option<Eval> {
    let mut checks = Vec::new();
    let effective = select(raw, &p.io.input_path, &mut checks)?;
    let result = match (&p.result, &p.parameters) {
        (Some(r), Some(params)) => {
            template(params, &effective, &mut checks)?;
            Tree::Const(r.clone())
        }
        (Some(r), None) => Tree::Const(r.clone()),
        (None, Some(params)) => template(params, &effective, &mut checks)?,
        (None, None) => effective.clone(),
    };
    let merged = match &p.result_path {
        PathField::Default => result,
        PathField::Null => raw.clone(),
        PathField::Path(path) if path.root == Root::Input => {
            let fields = path
                .steps
                .iter()
                .map(|s| match s {
                    Step::Field(k) => Some(k.clone()),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()?;
            raw.insert(&fields, result)?
        }
        PathField::Path(_) => return None,
    };
    let out = select(&merged, &p.io.output_path, &mut checks)?;
    Some(Eval {
        checks,
        effective,
        out,
    })
}

/// A Choice state over its input `raw`; `None` when it needs the general code.
pub fn eval_choice(c: &Choice, raw: &Tree) -> Option<Eval> {
    let mut checks = Vec::new();
    let effective = select(raw, &c.io.input_path, &mut checks)?;
    for (cond, _) in &c.choices {
        if !condition_resolves(cond, &effective) {
            return None;
        }
    }
    let mut out_checks = Vec::new();
    let out = select(&effective, &c.io.output_path, &mut out_checks)?;
    checks.extend(out_checks);
    Some(Eval {
        checks,
        effective,
        out,
    })
}

/// Where a Choice rule's path reads from: the context object, or a node of the effective input.
pub fn choice_source(p: &Path, effective: &Tree) -> Option<Option<Tree>> {
    match p.root {
        Root::Context => Some(None),
        Root::Input if simple(p) => effective.resolve(&p.steps).map(Some),
        _ => None,
    }
}

fn condition_resolves(c: &Condition, effective: &Tree) -> bool {
    match c {
        Condition::And(items) | Condition::Or(items) => {
            items.iter().all(|i| condition_resolves(i, effective))
        }
        Condition::Not(inner) => condition_resolves(inner, effective),
        Condition::Test {
            variable, operand, ..
        } => {
            choice_source(variable, effective).is_some()
                && match operand {
                    Operand::Path(p) => choice_source(p, effective).is_some(),
                    _ => true,
                }
        }
    }
}

/// The evaluation of a state over an input of shape `input`, if the state
/// is one the shaped code handles.
pub fn eval(body: &Body, input: &Shape) -> Option<Eval> {
    let raw = Tree::of_shape(input);
    match body {
        Body::Pass(p) => eval_pass(p, &raw),
        Body::Choice(c) => eval_choice(c, &raw),
        _ => None,
    }
}

/// The shape of a Map's `ItemSelector` result: its literal members are
/// known, every other member is a slot.
pub fn template_shape(t: &Template) -> Shape {
    match t {
        Template::Literal(v) => Shape::Const(v.clone()),
        Template::Object(members) => {
            let mut fields: Vec<(String, Shape)> = Vec::with_capacity(members.len());
            for (k, v) in members {
                if fields.iter().any(|(j, _)| j == k) {
                    return Shape::Any;
                }
                fields.push((k.clone(), template_shape(v)));
            }
            Shape::Obj(fields).bounded()
        }
        _ => Shape::Any,
    }
}

/// Each state's input shape: the join of what every way into it brings.
/// The start state receives `entry`, and whatever else leads back to it.
pub fn analyse(b: &Block<'_>, entry: &Shape) -> Vec<Shape> {
    let n = b.states.len();
    let mut inputs: Vec<Option<Shape>> = vec![None; n];
    inputs[b.start] = Some(entry.clone());
    let mut work = vec![b.start];
    let mut budget = 64 * n + 64;
    while let Some(s) = work.pop() {
        if budget == 0 {
            return vec![Shape::Any; n];
        }
        budget -= 1;
        let state = &b.states[s];
        let input = inputs[s].clone().unwrap_or(Shape::Any);
        let out = match eval(state.body, &input) {
            Some(e) => e.out.shape(),
            None => {
                inputs[s] = Some(Shape::Any);
                eval(state.body, &Shape::Any).map_or(Shape::Any, |e| e.out.shape())
            }
        };
        for target in state.targets {
            let t = b.target(target);
            let joined = match &inputs[t] {
                None => out.clone(),
                Some(old) => old.join(&out),
            };
            if inputs[t].as_ref() != Some(&joined) {
                inputs[t] = Some(joined);
                work.push(t);
            }
        }
    }
    inputs
        .into_iter()
        .map(|s| s.unwrap_or(Shape::Any))
        .collect()
}
