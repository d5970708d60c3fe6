//! An empty Tauri window: the baseline Front Desk's start-up and memory are measured against.

/// The page's first IPC call: the window is up and its script ran.
#[tauri::command]
fn ready() {
    eprintln!("hello-window: page ready");
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ready])
        .run(tauri::generate_context!())
        .expect("hello-window failed to start");
}
