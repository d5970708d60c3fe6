//! Writes `ui/src/bindings/commands.ts` from the command functions' own signatures (run by
//! `make bindings` with the ts-rs types beside it; `make check-bindings` fails when the
//! committed file differs): every command's arguments as Tauri takes them (camelCase), its
//! answer, the channel it streams on and what it streams, the window's events, and every
//! error code.
//!
//! The types named there are those ts-rs writes into the same folder; one that has none fails
//! the UI's type check (`npm run ui:check`), naming it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::Path;

use heck::ToLowerCamelCase;
use quote::ToTokens;
use syn::{FnArg, GenericArgument, Pat, PathArguments, ReturnType, Type};

const HEADER: &str = "// Generated from src-tauri/src/commands by `make bindings`. Do not edit.\n";

/// Arguments the app supplies itself, never the UI.
const SUPPLIED: &[&str] = &["State", "AppHandle", "Window", "WebviewWindow", "Webview"];

struct Command {
    name: String,
    args: Vec<(String, String, bool)>,
    channel: Option<(String, String)>,
    result: String,
}

/// The TypeScript for a Rust type, recording the generated types it names.
fn ts(ty: &Type, named: &mut BTreeSet<String>) -> String {
    match ty {
        Type::Reference(r) => ts(&r.elem, named),
        Type::Tuple(t) if t.elems.is_empty() => "void".into(),
        Type::Path(p) => {
            let last = p.path.segments.last().unwrap();
            let inner = |i: usize, named: &mut BTreeSet<String>| match &last.arguments {
                PathArguments::AngleBracketed(a) => {
                    match a.args.iter().filter(|a| matches!(a, GenericArgument::Type(_))).nth(i) {
                        Some(GenericArgument::Type(t)) => ts(t, named),
                        _ => panic!("{} without its type argument", last.ident),
                    }
                }
                _ => panic!("{} without its type argument", last.ident),
            };
            match last.ident.to_string().as_str() {
                "String" | "str" | "SecretString" => "string".into(),
                "bool" => "boolean".into(),
                "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "f32" | "f64" => {
                    "number".into()
                }
                "Option" => format!("{} | null", inner(0, named)),
                "Vec" => {
                    let item = inner(0, named);
                    if item.contains(' ') {
                        format!("({item})[]")
                    } else {
                        format!("{item}[]")
                    }
                }
                "CommandResult" | "Result" => inner(0, named),
                other => {
                    named.insert(other.to_owned());
                    other.to_owned()
                }
            }
        }
        other => panic!("no TypeScript for {}", other.to_token_stream()),
    }
}

fn type_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn is_command(f: &syn::ItemFn) -> bool {
    f.attrs.iter().any(|a| a.path().segments.last().is_some_and(|s| s.ident == "command"))
}

fn commands(dir: &Path, named: &mut BTreeSet<String>) -> Vec<Command> {
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut found = Vec::new();
    for file in files.iter().filter(|f| f.extension().is_some_and(|e| e == "rs")) {
        let source = syn::parse_file(&std::fs::read_to_string(file).unwrap()).unwrap();
        for item in source.items {
            let syn::Item::Fn(f) = item else { continue };
            if !is_command(&f) {
                continue;
            }
            let mut command = Command {
                name: f.sig.ident.to_string(),
                args: Vec::new(),
                channel: None,
                result: match &f.sig.output {
                    ReturnType::Default => "void".into(),
                    ReturnType::Type(_, ty) => ts(ty, named),
                },
            };
            for input in &f.sig.inputs {
                let FnArg::Typed(arg) = input else { panic!("{}: a command is a free function", command.name) };
                let Pat::Ident(ident) = &*arg.pat else { panic!("{}: name every argument", command.name) };
                let name = ident.ident.to_string().to_lower_camel_case();
                let ty_name = type_name(&arg.ty).unwrap_or_default();
                if SUPPLIED.contains(&ty_name.as_str()) {
                    continue;
                }
                if ty_name == "Channel" {
                    let Type::Path(p) = &*arg.ty else { unreachable!() };
                    let PathArguments::AngleBracketed(a) = &p.path.segments.last().unwrap().arguments else {
                        panic!("{}: a channel names what it carries", command.name)
                    };
                    let Some(GenericArgument::Type(event)) = a.args.first() else { unreachable!() };
                    command.channel = Some((name, ts(event, named)));
                    continue;
                }
                let optional = ty_name == "Option";
                command.args.push((name, ts(&arg.ty, named), optional));
            }
            found.push(command);
        }
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    found
}

/// The commands lib.rs registers.
fn registered(lib: &str) -> BTreeSet<String> {
    let from = lib.find("generate_handler![").unwrap() + "generate_handler![".len();
    let to = from + lib[from..].find(']').unwrap();
    lib[from..to]
        .split(',')
        .filter_map(|c| c.trim().rsplit("::").next())
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn export_bindings_commands() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out_dir = root.join("../ui/src/bindings");
    let mut named = BTreeSet::from(["ErrorCode".to_owned()]);
    named.extend(frontdesk_lib::EVENTS.iter().map(|(_, payload)| payload.to_string()));
    let commands = commands(&root.join("src/commands"), &mut named);
    let names: BTreeSet<String> = commands.iter().map(|c| c.name.clone()).collect();
    assert_eq!(
        names,
        registered(&std::fs::read_to_string(root.join("src/lib.rs")).unwrap()),
        "commands in src/commands and those lib.rs registers differ"
    );

    let mut text = String::from(HEADER);
    for name in &named {
        writeln!(text, "import type {{ {name} }} from './{name}';").unwrap();
    }
    text.push_str(
        "\n/** Every command: its arguments (as Tauri takes them), its answer, and the channel it\n * streams on with what it streams (`never` without one). */\nexport interface Commands {\n",
    );
    let mut channels = BTreeMap::new();
    for c in &commands {
        let args = if c.args.is_empty() {
            "Record<string, never>".to_owned()
        } else {
            let fields: Vec<String> =
                c.args.iter().map(|(n, t, optional)| format!("{n}{}: {t}", if *optional { "?" } else { "" })).collect();
            format!("{{ {} }}", fields.join("; "))
        };
        let event = c.channel.as_ref().map_or("never".to_owned(), |(_, e)| e.clone());
        if let Some((arg, _)) = &c.channel {
            channels.insert(c.name.clone(), arg.clone());
        }
        writeln!(text, "  {}: {{ args: {args}; result: {}; event: {event} }};", c.name, c.result).unwrap();
    }
    text.push_str(
        "}\n\n/** The events the window hears, by name, with what they carry. */\nexport interface Events {\n",
    );
    for (event, payload) in frontdesk_lib::EVENTS {
        writeln!(text, "  {event:?}: {payload};").unwrap();
    }
    text.push_str("}\n\n/** The argument each streaming command takes its channel as. */\nexport const CHANNELS = {\n");
    for (command, arg) in &channels {
        writeln!(text, "  {command}: '{arg}',").unwrap();
    }
    text.push_str("} as const satisfies Partial<Record<keyof Commands, string>>;\n\n/** Every error code the Rust side sends. */\nexport const ERROR_CODES = [\n");
    for code in frontdesk_lib::error::ErrorCode::all() {
        writeln!(text, "  '{}',", code.as_str()).unwrap();
    }
    text.push_str("] as const satisfies readonly ErrorCode[];\n");

    std::fs::write(out_dir.join("commands.ts"), text).unwrap();
}
