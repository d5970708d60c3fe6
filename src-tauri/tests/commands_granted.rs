//! Every command the app registers is declared to Tauri's permission system (`build.rs`) and
//! granted to the main window (`capabilities/main.json`), and nothing else is: a command missing
//! from either is refused at run time with "not allowed", which no compiler catches.

use std::collections::BTreeSet;

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// The quoted names in the text between `start` and the next `end`.
fn quoted_between(text: &str, start: &str, end: &str) -> BTreeSet<String> {
    let from = text.find(start).unwrap() + start.len();
    let to = from + text[from..].find(end).unwrap();
    text[from..to].split('"').skip(1).step_by(2).map(str::to_owned).collect()
}

#[test]
fn every_registered_command_is_declared_and_granted() {
    let lib = read("src/lib.rs");
    let from = lib.find("generate_handler![").unwrap();
    let to = from + lib[from..].find(']').unwrap();
    let registered: BTreeSet<String> = lib[from + "generate_handler![".len()..to]
        .split(',')
        .map(|c| c.trim().rsplit("::").next().unwrap_or("").to_owned())
        .filter(|c| !c.is_empty())
        .collect();
    let declared = quoted_between(&read("build.rs"), "const COMMANDS: &[&str] = &[", "];");
    let capability: serde_json::Value = serde_json::from_str(&read("capabilities/main.json")).unwrap();
    let granted: BTreeSet<String> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-").map(|c| c.replace('-', "_")))
        .collect();
    assert_eq!(declared, registered, "build.rs COMMANDS and the commands registered in lib.rs differ");
    assert_eq!(granted, registered, "capabilities/main.json and the commands registered in lib.rs differ");
}
