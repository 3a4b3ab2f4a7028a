//! Graph rules over a parsed definition (ASL §11.1–11.2): transition targets,
//! reachability and terminal states, in every block (the top level, Parallel
//! branches, Map item processors), and state names unique across all blocks.
//! Each rule is one function.

use std::collections::HashMap;

use crate::ast::{Definition, Spanned};
use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::source::Span;

/// Runs every graph rule on the definition and its nested blocks, appending to `diags`.
pub fn check(def: &Definition, diags: &mut Vec<Diagnostic>) {
    check_block(def, &mut Vec::new(), def, diags);
    check_unique_names(def, diags);
}

/// V4: state names are unique across the whole definition, nested blocks included.
fn check_unique_names(def: &Definition, diags: &mut Vec<Diagnostic>) {
    fn walk<'d>(
        def: &'d Definition,
        seen: &mut HashMap<&'d str, Span>,
        diags: &mut Vec<Diagnostic>,
    ) {
        for state in &def.states {
            match seen.get(state.name.as_str()) {
                Some(first) => diags.push(
                    Diagnostic::new(
                        Code::DuplicateStateName,
                        state.name_span,
                        format!("duplicate state name `{}`", state.name),
                    )
                    .secondary(*first, "first defined here")
                    .help("state names must be unique in the whole definition, nested branches and item processors included"),
                ),
                None => {
                    seen.insert(&state.name, state.name_span);
                }
            }
            for block in &state.blocks {
                walk(block, seen, diags);
            }
        }
    }
    walk(def, &mut HashMap::new(), diags);
}

/// The graph rules of one block, then of the blocks nested in its states;
/// `outer` holds the blocks that enclose it, `root` is the whole definition.
fn check_block<'d>(
    def: &'d Definition,
    outer: &mut Vec<&'d Definition>,
    root: &Definition,
    diags: &mut Vec<Diagnostic>,
) {
    let top = outer.is_empty();
    outer.push(def);
    for state in &def.states {
        for block in &state.blocks {
            check_block(block, outer, root, diags);
        }
    }
    outer.pop();
    let index: HashMap<&str, usize> = def
        .states
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.as_str(), i))
        .collect();
    let scope = Scope {
        def,
        index: &index,
        outer,
        root,
    };
    let start_ok = check_start_at(&scope, diags);
    let (targets_ok, leaves) = check_targets(&scope, diags);
    // A `Next` that leaves the block was meant to end it: no follow-on error.
    let has_terminal = leaves || check_terminal(def, top, diags);
    // After a misspelled target, its intended state would be reported as
    // unreachable too; one mistake should give one error.
    if start_ok && targets_ok && has_terminal {
        check_reachable(def, &index, diags);
    }
}

/// One block and where it is, for the rules on transition targets.
struct Scope<'a> {
    def: &'a Definition,
    index: &'a HashMap<&'a str, usize>,
    /// The blocks that enclose `def`, outermost first.
    outer: &'a [&'a Definition],
    root: &'a Definition,
}

/// Where a state named `name` is defined in `def` or its nested blocks.
fn find_state(def: &Definition, name: &str) -> Option<Span> {
    def.states.iter().find_map(|s| {
        if s.name == name {
            Some(s.name_span)
        } else {
            s.blocks.iter().find_map(|b| find_state(b, name))
        }
    })
}

/// The diagnostic for a target that is not a state of its block; whether it
/// names a state of an enclosing block (the transition leaves the block).
fn missing_target(target: &Spanned<String>, scope: &Scope<'_>, field: &str) -> (Diagnostic, bool) {
    let name = target.value.as_str();
    if let Some(defined) = find_state(scope.root, name) {
        let leaves = scope
            .outer
            .iter()
            .any(|b| b.states.iter().any(|s| s.name == name));
        let mut d = Diagnostic::new(
            Code::MissingTransitionTarget,
            target.span,
            format!("`{field}` names state `{name}`, which is in another `States` block"),
        )
        .label("a transition cannot leave or enter a Parallel branch or a Map item processor")
        .secondary(defined, format!("`{name}` is defined here"));
        if leaves && field == "Next" {
            d = d.help(
                "end the branch or iteration here with `\"End\": true`; the `Next` of the enclosing Parallel or Map state continues from there",
            );
        }
        return (d, leaves);
    }
    let def = scope.def;
    let mut d = Diagnostic::new(
        Code::MissingTransitionTarget,
        target.span,
        format!(
            "`{field}` names state `{}`, which does not exist",
            target.value
        ),
    )
    .label("no state with this name in this `States` block");
    if let Some(similar) = did_you_mean(&target.value, def.states.iter().map(|s| s.name.as_str())) {
        d = d.help(format!("did you mean `{similar}`?"));
    }
    (d, false)
}

/// V11: `StartAt` names a state of the same block.
fn check_start_at(scope: &Scope<'_>, diags: &mut Vec<Diagnostic>) -> bool {
    let start_at = &scope.def.start_at;
    if scope.index.contains_key(start_at.value.as_str()) {
        return true;
    }
    diags.push(missing_target(start_at, scope, "StartAt").0);
    false
}

/// V12: every `Next`, `Default`, `Choices[].Next` and `Catch[].Next` names a
/// state of the same block. Returns whether they all do, and whether one
/// names a state of an enclosing block.
fn check_targets(scope: &Scope<'_>, diags: &mut Vec<Diagnostic>) -> (bool, bool) {
    let (mut ok, mut leaves) = (true, false);
    for state in &scope.def.states {
        for target in &state.targets {
            if !scope.index.contains_key(target.value.as_str()) {
                let (d, leaving) = missing_target(target, scope, "Next");
                diags.push(d);
                ok = false;
                leaves |= leaving;
            }
        }
    }
    (ok, leaves)
}

/// V8: the top level has at least one terminal state.
fn check_terminal(def: &Definition, top: bool, diags: &mut Vec<Diagnostic>) -> bool {
    if def.states.is_empty() || def.states.iter().any(|s| s.terminal) {
        return true;
    }
    let (message, label) = if top {
        (
            "the workflow has no terminal state",
            "no state here ends the execution",
        )
    } else {
        (
            "this nested state machine has no terminal state",
            "no state here ends the branch or iteration",
        )
    };
    diags.push(
        Diagnostic::new(Code::MissingEndState, def.states_span, message)
            .label(label)
            .help("add `\"End\": true` to a state, or a Succeed or Fail state"),
    );
    false
}

/// V13: every state is reachable from `StartAt` (a traversal, so unreachable cycles count too).
fn check_reachable(def: &Definition, index: &HashMap<&str, usize>, diags: &mut Vec<Diagnostic>) {
    let mut seen = vec![false; def.states.len()];
    let mut stack = vec![index[def.start_at.value.as_str()]];
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        stack.extend(
            def.states[i]
                .targets
                .iter()
                .filter_map(|t| index.get(t.value.as_str()).copied()),
        );
    }
    for (state, reached) in def.states.iter().zip(seen) {
        if !reached {
            diags.push(
                Diagnostic::new(
                    Code::UnreachableState,
                    state.name_span,
                    format!("state `{}` is not reachable", state.name),
                )
                .label("no transition from `StartAt` leads here")
                .help("transition to it from another state, or remove it"),
            );
        }
    }
}
