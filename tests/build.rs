//! Compiles every recorded conformance case through sfn's build.rs door.
//!
//! Reads the `*.json` cases (sorted by file name) of `SFN_CONFORMANCE_DIR`
//! (default `../shared/conformance/cases` from the workspace root; a relative
//! `SFN_CONFORMANCE_DIR` is taken from this crate's directory), compiles
//! each distinct definition once as module `def_<n>`, and writes
//! `$OUT_DIR/conformance_cases.rs`: the modules, an implementation of each
//! module's `Handlers` trait for the stand-in Lambdas, the table of cases and
//! a dispatch function. A definition the compiler rejects is not included; its
//! cases carry the first diagnostic instead, so that the harness reports them.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;
use sfn_codegen::{Code, Options, SourceFile};

/// Services the stand-ins provide: Lambda functions only.
fn service_need(need: &str) -> Option<&str> {
    if need.starts_with("lambda:") {
        None
    } else {
        Some(need)
    }
}

struct CaseRow {
    id: String,
    file: PathBuf,
    def: usize,
    /// Why the harness cannot run it even if it compiles (a service with no stand-in).
    needs: Option<String>,
}

struct Def {
    text: String,
    machine_name: String,
    /// `(code, message, short rendering)` of the diagnostic that stops it, if any.
    rejected: Option<(String, String, String)>,
    runnable: bool,
}

fn main() {
    let manifest =
        PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    println!("cargo::rerun-if-env-changed=SFN_CONFORMANCE_DIR");
    println!("cargo::rerun-if-changed=build.rs");
    let dir = match std::env::var_os("SFN_CONFORMANCE_DIR") {
        Some(dir) => manifest.join(dir),
        None => manifest.join("../../shared/conformance/cases"),
    };
    println!("cargo::rerun-if-changed={}", dir.display());

    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("cannot read the case directory {}: {err}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();

    let mut defs: Vec<Def> = Vec::new();
    let mut by_text: HashMap<String, usize> = HashMap::new();
    let mut rows = Vec::new();
    for file in &files {
        println!("cargo::rerun-if-changed={}", file.display());
        let text = std::fs::read_to_string(file)
            .unwrap_or_else(|err| panic!("cannot read {}: {err}", file.display()));
        let case: Value = serde_json::from_str(&text)
            .unwrap_or_else(|err| panic!("{} is not JSON: {err}", file.display()));
        let id = case["id"].as_str().map(str::to_owned).unwrap_or_else(|| {
            file.file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        });
        let definition = &case["definition"];
        let canonical = serde_json::to_string(definition).expect("a JSON value serialises");
        let def = *by_text.entry(canonical).or_insert_with(|| {
            let machine_name = case["context"]["StateMachine"]["Name"]
                .as_str()
                .unwrap_or("conformance")
                .to_owned();
            defs.push(Def {
                text: serde_json::to_string_pretty(definition).expect("a JSON value serialises"),
                machine_name,
                rejected: None,
                runnable: false,
            });
            defs.len() - 1
        });
        let needs = case["needs"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter_map(service_need)
            .map(str::to_owned)
            .collect::<Vec<_>>();
        let needs = (!needs.is_empty()).then(|| needs.join(", "));
        rows.push(CaseRow {
            id,
            file: file.clone(),
            def,
            needs,
        });
    }

    // Compile every distinct definition, once.
    let defs_dir = out_dir.join("defs");
    std::fs::create_dir_all(&defs_dir).expect("create $OUT_DIR/defs");
    let mut compiled: Vec<Option<String>> = Vec::new();
    for (n, def) in defs.iter_mut().enumerate() {
        let module = format!("def_{n}");
        let path = defs_dir.join(format!("{module}.asl.json"));
        write_if_changed(&path, &def.text);
        let display = format!("defs/{module}.asl.json");
        let source = SourceFile::new(display, def.text.clone());
        let options = Options {
            module: Some(module.clone()),
            machine_name: Some(def.machine_name.clone()),
            ..Options::default()
        };
        match sfn_codegen::compile_to_string(&source, &options) {
            Ok(code) => compiled.push(Some(code)),
            Err(diags) => {
                // An `unsupported` diagnostic explains the case best; otherwise the first one.
                let first = diags
                    .items
                    .iter()
                    .find(|d| d.code == Code::Unsupported)
                    .or_else(|| diags.items.first());
                def.rejected = Some(match first {
                    Some(d) => (
                        d.code.to_string(),
                        d.message.clone(),
                        d.render_short(&source),
                    ),
                    None => (
                        "error".into(),
                        "the compiler failed without a diagnostic".into(),
                        String::new(),
                    ),
                });
                compiled.push(None);
            }
        }
    }
    for row in &rows {
        if row.needs.is_none() && compiled[row.def].is_some() {
            defs[row.def].runnable = true;
        }
    }

    // Write the runnable modules and collect their handler method names.
    let mut out = String::new();
    out.push_str(
        "// @generated by sfn-tests/build.rs from the conformance cases. Do not edit.\n\n",
    );
    let mut runnable = Vec::new();
    for (n, def) in defs.iter().enumerate() {
        let Some(code) = compiled[n].as_ref().filter(|_| def.runnable) else {
            continue;
        };
        let module_file = out_dir.join(format!("def_{n}.rs"));
        write_if_changed(&module_file, code);
        let methods = handler_methods(code, &format!("def_{n}"));
        writeln!(
            out,
            "include!(concat!(env!(\"OUT_DIR\"), \"/def_{n}.rs\"));"
        )
        .unwrap();
        writeln!(out, "impl def_{n}::Handlers for crate::StandIns {{").unwrap();
        for method in methods {
            writeln!(
                out,
                "    fn {method}(&self, input: ::sfn_runtime::Value, ctx: ::sfn_runtime::TaskContext) \
                 -> impl ::core::future::Future<Output = ::sfn_runtime::TaskResult> + ::core::marker::Send {{ \
                 crate::stand_in(self.clone(), input, ctx) }}"
            )
            .unwrap();
        }
        out.push_str("}\n");
        runnable.push(n);
    }

    out.push_str("\n/// Every case, sorted by file name.\npub static CASES: &[Case] = &[\n");
    for row in &rows {
        let def = &defs[row.def];
        let rejected = match &def.rejected {
            Some((code, message, short)) => format!(
                "Some(Rejection {{ code: {code:?}, message: {message:?}, short: {short:?} }})"
            ),
            None => "None".into(),
        };
        let needs = match &row.needs {
            Some(needs) => format!("Some({needs:?})"),
            None => "None".into(),
        };
        writeln!(
            out,
            "    Case {{ id: {:?}, file: {:?}, def: {}, def_file: {:?}, rejected: {rejected}, needs: {needs} }},",
            row.id,
            row.file.display().to_string(),
            if def.runnable && row.needs.is_none() { format!("Some({})", row.def) } else { "None".into() },
            defs_dir.join(format!("def_{}.asl.json", row.def)).display().to_string(),
        )
        .unwrap();
    }
    out.push_str("];\n\n");
    writeln!(
        out,
        "/// How many distinct definitions the cases have, and how many were compiled."
    )
    .unwrap();
    writeln!(
        out,
        "pub const DEFINITIONS: (usize, usize) = ({}, {});",
        defs.len(),
        runnable.len()
    )
    .unwrap();

    out.push_str(
        "\n/// Runs compiled definition `def` with the stand-ins.\n\
         pub async fn run_def(def: usize, input: ::sfn_runtime::Value, options: ::sfn_runtime::RunOptions, \
         stand_ins: crate::StandIns) -> ::sfn_runtime::Execution {\n    match def {\n",
    );
    for n in &runnable {
        writeln!(
            out,
            "        {n} => ::std::boxed::Box::pin(def_{n}::Workflow::new(stand_ins).run_with(input, options)).await,"
        )
        .unwrap();
    }
    out.push_str("        _ => ::core::panic!(\"definition {def} was not compiled\"),\n    }\n}\n");
    write_if_changed(&out_dir.join("conformance_cases.rs"), &out);
}

/// The method names of `pub trait Handlers` in the generated module `module`.
fn handler_methods(code: &str, module: &str) -> Vec<String> {
    let file = syn::parse_file(code)
        .unwrap_or_else(|err| panic!("{module}: generated code does not parse: {err}"));
    let mut methods = Vec::new();
    for item in &file.items {
        let syn::Item::Mod(m) = item else { continue };
        if m.ident != module {
            continue;
        }
        for item in m.content.iter().flat_map(|(_, items)| items) {
            let syn::Item::Trait(t) = item else { continue };
            if t.ident != "Handlers" {
                continue;
            }
            for item in &t.items {
                if let syn::TraitItem::Fn(f) = item {
                    methods.push(f.sig.ident.to_string());
                }
            }
        }
    }
    methods
}

fn write_if_changed(path: &Path, text: &str) {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return;
    }
    std::fs::write(path, text)
        .unwrap_or_else(|err| panic!("cannot write {}: {err}", path.display()));
}
