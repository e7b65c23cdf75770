//! madoguchi's desktop app: opens the agent's database, serves the UI (ui/) in one window,
//! and takes screen-pops (a `madoguchi://lookup?phone=…` link or `madoguchi pop`). A link
//! given to a second launch goes to the running app, which shows that caller.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;

use std::path::Path;
use std::process::ExitCode;

use madoguchi_api::pop;
use madoguchi_app::{Options, Session, default_config_file, startup_db_path};
use tauri::{Emitter, Manager, WebviewUrl, WebviewWindowBuilder};

/// Opens a file in the system's viewer (the PDF viewer, to print).
fn open_in_viewer(path: &Path) -> Result<(), String> {
    let program = if cfg!(target_os = "windows") {
        "explorer"
    } else if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    std::process::Command::new(program).arg(path).spawn().map(drop).map_err(|e| format!("{program}: {e}"))
}

fn main() -> ExitCode {
    let link = std::env::args().skip(1).find(|a| a.starts_with(&format!("{}://", pop::SCHEME)));
    let phone = match link.as_deref().map(pop::phone_of_link).transpose() {
        Ok(phone) => phone,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let port_file = pop::port_file().ok();
    if let (Some(phone), Some(file)) = (&phone, &port_file)
        && pop::send(file, phone).unwrap_or(false)
    {
        return ExitCode::SUCCESS;
    }
    let options = Options { config_file: default_config_file(), opener: Some(Box::new(open_in_viewer)), ..Options::default() };
    let session = match Session::new(&startup_db_path(), options) {
        Ok(session) => session,
        Err(e) => {
            eprintln!("madoguchi: {}", e.message);
            return ExitCode::FAILURE;
        }
    };
    let start_page = match &phone {
        Some(phone) => format!("index.html?pop={}", pop::encode(phone)),
        None => "index.html".to_string(),
    };
    let result = tauri::Builder::default()
        .manage(session)
        .invoke_handler(tauri::generate_handler![
            commands::status,
            commands::lookup,
            commands::customer,
            commands::add_note,
            commands::quote_kinds,
            commands::quote_prefill,
            commands::quote,
            commands::save_quote,
            commands::document_types,
            commands::document_draft,
            commands::issue_document,
            commands::reissue_document,
            commands::save_document,
            commands::open_document,
            commands::request_types,
            commands::create_request,
            commands::move_request,
            commands::request,
            commands::requests,
            commands::settings,
            commands::set_setting,
            commands::set_issuer,
            commands::open_database,
            commands::start_job,
            commands::job,
            commands::cancel_job,
        ])
        .setup(move |app| {
            WebviewWindowBuilder::new(app, "main", WebviewUrl::App(start_page.into()))
                .title("窓口 madoguchi")
                .inner_size(1280.0, 800.0)
                .min_inner_size(1024.0, 640.0)
                .build()?;
            if let Some(file) = port_file {
                let handle = app.handle().clone();
                let listening = pop::listen(&file, move |phone| {
                    let _ = handle.emit("pop", serde_json::json!({ "phone": phone }));
                    if let Some(window) = handle.get_webview_window("main") {
                        let _ = window.unminimize();
                        let _ = window.set_focus();
                    }
                });
                if let Err(e) = listening {
                    eprintln!("madoguchi: screen-pop is off ({e})");
                }
            }
            Ok(())
        })
        .run(tauri::generate_context!());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("madoguchi: {e}");
            ExitCode::FAILURE
        }
    }
}
