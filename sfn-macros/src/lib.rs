//! The `include_workflow!` macro of sfn: a thin adapter over `sfn-codegen`.
//!
//! Use it through `sfn_runtime::include_workflow!`.

use proc_macro::TokenStream;
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitStr, Token};

struct Args {
    path: LitStr,
    module: Option<Ident>,
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let path: LitStr = input.parse()?;
        let module = if input.peek(Token![as]) {
            input.parse::<Token![as]>()?;
            Some(input.call(Ident::parse_any)?)
        } else {
            None
        };
        if !input.is_empty() {
            return Err(input.error(
                "expected `\"path/to/workflow.asl.json\"` optionally followed by `as module_name`",
            ));
        }
        Ok(Args { path, module })
    }
}

use syn::ext::IdentExt as _;

/// Compiles an ASL workflow file into a module of Rust code.
///
/// `include_workflow!("workflows/order.asl.json")` defines `mod order` (the
/// file stem); `include_workflow!("workflows/order.asl.json" as checkout)`
/// names it `checkout`. The path is relative to the crate's `Cargo.toml`.
/// The module holds `State` (an enum of the states), `Handlers` (a trait with
/// one async method per distinct Task `Resource`) and `Workflow<H>`.
#[proc_macro]
pub fn include_workflow(input: TokenStream) -> TokenStream {
    let args = syn::parse_macro_input!(input as Args);
    expand(&args)
        .unwrap_or_else(|err| err.to_compile_error())
        .into()
}

fn expand(args: &Args) -> syn::Result<proc_macro2::TokenStream> {
    let relative = args.path.value();
    // `SFN_MANIFEST_DIR_OVERRIDE` lets compile-fail tests (trybuild builds them in a
    // crate of its own under `target/`) resolve workflow files from the real crate.
    let manifest = std::env::var("SFN_MANIFEST_DIR_OVERRIDE")
        .or_else(|_| std::env::var("CARGO_MANIFEST_DIR"))
        .unwrap_or_default();
    let full = std::path::Path::new(&manifest).join(&relative);
    let text = std::fs::read_to_string(&full).map_err(|err| {
        syn::Error::new(
            args.path.span(),
            format!("cannot read workflow file `{relative}`: {err}"),
        )
    })?;
    let file = sfn_codegen::SourceFile::new(relative, text);
    let options = sfn_codegen::Options {
        module: args.module.as_ref().map(|m| m.unraw().to_string()),
        machine_name: None,
        track_path: Some(full.display().to_string()),
    };
    match sfn_codegen::compile(&file, &options) {
        Ok(tokens) => Ok(tokens),
        Err(diags) => {
            let mut error: Option<syn::Error> = None;
            for d in &diags.items {
                // rustc prints `error: ` itself: lead with the message and its code.
                let rendered = d.render(&file);
                let body = rendered.split_once('\n').map_or("", |(_, rest)| rest);
                let message = format!("{} [{}]\n{body}", d.message, d.code);
                let e = syn::Error::new(args.path.span(), message);
                match &mut error {
                    Some(all) => all.combine(e),
                    None => error = Some(e),
                }
            }
            let errors = error.map(|e| e.to_compile_error());
            let skeleton = sfn_codegen::skeleton(&file, &options);
            let track = options
                .track_path
                .as_ref()
                .map(|p| quote! { const _: &[u8] = include_bytes!(#p); });
            Ok(quote! { #errors #track #skeleton })
        }
    }
}
