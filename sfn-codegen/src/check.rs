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
    check_block(def, true, diags);
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

/// The graph rules of one block, then of the blocks nested in its states.
fn check_block(def: &Definition, top: bool, diags: &mut Vec<Diagnostic>) {
    for state in &def.states {
        for block in &state.blocks {
            check_block(block, false, diags);
        }
    }
    let index: HashMap<&str, usize> = def
        .states
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.as_str(), i))
        .collect();
    let start_ok = check_start_at(def, &index, diags);
    let targets_ok = check_targets(def, &index, diags);
    let has_terminal = check_terminal(def, top, diags);
    // After a misspelled target, its intended state would be reported as
    // unreachable too; one mistake should give one error.
    if start_ok && targets_ok && has_terminal {
        check_reachable(def, &index, diags);
    }
}

fn missing_target(target: &Spanned<String>, def: &Definition, field: &str) -> Diagnostic {
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
    d
}

/// V11: `StartAt` names a state of the same block.
fn check_start_at(
    def: &Definition,
    index: &HashMap<&str, usize>,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    if index.contains_key(def.start_at.value.as_str()) {
        return true;
    }
    diags.push(missing_target(&def.start_at, def, "StartAt"));
    false
}

/// V12: every `Next`, `Default`, `Choices[].Next` and `Catch[].Next` names a state of the same block.
fn check_targets(
    def: &Definition,
    index: &HashMap<&str, usize>,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let mut ok = true;
    for state in &def.states {
        for target in &state.targets {
            if !index.contains_key(target.value.as_str()) {
                diags.push(missing_target(target, def, "Next"));
                ok = false;
            }
        }
    }
    ok
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
