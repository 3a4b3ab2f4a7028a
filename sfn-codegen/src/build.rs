//! The `build.rs` door: compile workflow files into `OUT_DIR`.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::{Options, SourceFile, compile_to_string, module_name};

/// Compiles workflow files from a build script.
///
/// In `build.rs`, inside `fn main`:
///
/// ```no_run
/// sfn_codegen::Builder::new().workflow("workflows/order.asl.json").run();
/// ```
///
/// and in the crate: `include!(concat!(env!("OUT_DIR"), "/order.rs"));`, which
/// defines `mod order`.
#[derive(Debug, Clone, Default)]
pub struct Builder {
    workflows: Vec<(String, Options)>,
    out_dir: Option<PathBuf>,
    manifest_dir: Option<PathBuf>,
}

/// Why a build failed: the rendered diagnostics, or an IO error.
#[derive(Debug)]
pub struct BuildError {
    /// One rustc-style snippet per problem.
    pub rendered: String,
    /// One `path:line:column: message` line per problem.
    pub short: Vec<String>,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rendered)
    }
}

impl std::error::Error for BuildError {}

impl Builder {
    /// A builder with no workflows.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Adds a workflow file, relative to the crate's manifest directory.
    pub fn workflow(mut self, path: impl Into<String>) -> Builder {
        self.workflows.push((path.into(), Options::default()));
        self
    }

    /// Adds a workflow file with explicit options (module name, machine name).
    pub fn workflow_with(mut self, path: impl Into<String>, options: Options) -> Builder {
        self.workflows.push((path.into(), options));
        self
    }

    /// Writes to this directory instead of `$OUT_DIR`.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Builder {
        self.out_dir = Some(dir.into());
        self
    }

    /// Resolves workflow paths against this directory instead of `$CARGO_MANIFEST_DIR`.
    pub fn manifest_dir(mut self, dir: impl Into<PathBuf>) -> Builder {
        self.manifest_dir = Some(dir.into());
        self
    }

    /// Compiles every workflow, writing `<module>.rs` files (only when their
    /// content changed), and prints `cargo::rerun-if-changed` for each input.
    /// Returns the written paths, or every problem in every file.
    pub fn build(&self) -> Result<Vec<PathBuf>, BuildError> {
        let manifest = self
            .manifest_dir
            .clone()
            .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from))
            .unwrap_or_default();
        let out_dir = self
            .out_dir
            .clone()
            .or_else(|| std::env::var_os("OUT_DIR").map(PathBuf::from));
        let Some(out_dir) = out_dir else {
            return Err(BuildError {
                rendered: "error: OUT_DIR is not set; call Builder::out_dir or run from build.rs"
                    .into(),
                short: vec!["OUT_DIR is not set".into()],
            });
        };
        let mut written = Vec::new();
        let mut rendered = Vec::new();
        let mut short = Vec::new();
        for (path, options) in &self.workflows {
            let full = manifest.join(path);
            println!("cargo::rerun-if-changed={}", full.display());
            let text = match std::fs::read_to_string(&full) {
                Ok(text) => text,
                Err(err) => {
                    let message = format!("{path}: cannot read the workflow file: {err}");
                    rendered.push(format!("error: {message}"));
                    short.push(message);
                    continue;
                }
            };
            let file = SourceFile::new(path.clone(), text);
            match compile_to_string(&file, options) {
                Ok(code) => {
                    let module = options.module.clone().unwrap_or_else(|| module_name(path));
                    let target = out_dir.join(format!("{module}.rs"));
                    write_if_changed(&target, &code).map_err(|err| BuildError {
                        rendered: format!("error: cannot write {}: {err}", target.display()),
                        short: vec![format!("cannot write {}: {err}", target.display())],
                    })?;
                    written.push(target);
                }
                Err(diags) => {
                    rendered.push(diags.render(&file));
                    short.extend(diags.items.iter().map(|d| d.render_short(&file)));
                }
            }
        }
        if rendered.is_empty() {
            Ok(written)
        } else {
            Err(BuildError {
                rendered: rendered.join("\n\n"),
                short,
            })
        }
    }

    /// [`build`](Builder::build), reporting failures to Cargo and exiting with status 1.
    pub fn run(&self) {
        if let Err(err) = self.build() {
            for line in &err.short {
                println!("cargo::error={}", line.replace('\n', " "));
            }
            eprintln!("{}", err.rendered);
            std::process::exit(1);
        }
    }
}

fn write_if_changed(target: &Path, code: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(target).is_ok_and(|old| old == code) {
        return Ok(());
    }
    std::fs::write(target, code)
}
