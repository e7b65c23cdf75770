//! madoguchi's desktop app: moves the old data folder once, opens the agent's database, serves
//! the UI (ui/) in one window, and takes screen-pops (`madoguchi://lookup?phone=…` links)
//! through Tauri's own plugins: single-instance (a second launch hands its link to the running
//! app and exits), deep-link (the link that started the app, and those that arrive while it
//! runs, on every OS), dialog (files chosen natively, from Rust), opener (PDFs in the system
//! viewer) and log (the platform's log folder).

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod dialogs;

use std::path::Path;
use std::process::ExitCode;

use madoguchi_api::{backup, clock, paths, pop};
use madoguchi_session::{Options, Session, default_config_file, print, startup_db_path};
use tauri::{AppHandle, Emitter, Manager, WebviewUrl, WebviewWindowBuilder};
use tauri_plugin_deep_link::DeepLinkExt;
use tauri_plugin_log::{RotationStrategy, Target, TargetKind, TimezoneStrategy};
use tauri_plugin_opener::OpenerExt;

/// The one window.
const MAIN: &str = "main";

/// Brings the window to the front (a second launch, a screen-pop).
fn focus(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(MAIN) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// The caller's number in a link, checked by the one validator; a bad link is logged.
fn phone_of(url: &tauri::Url) -> Option<String> {
    pop::phone_of_link(url.as_str()).inspect_err(|e| log::warn!("screen-pop link refused: {e}")).ok()
}

/// Takes a link that arrived while the app runs: the UI shows the caller (or queues the pop
/// while a form holds unsaved input).
fn take_link(app: &AppHandle, url: &tauri::Url) {
    if let Some(phone) = phone_of(url) {
        log::info!("screen-pop for a caller ({} digits)", phone.chars().filter(char::is_ascii_digit).count());
        let _ = app.emit("pop", serde_json::json!({ "phone": phone }));
    }
    focus(app);
}

/// The handler of every command in the session's table (`madoguchi_session::for_each_command!`).
macro_rules! handler {
    ($($name:ident($args:ty)),* ; $($bare:ident),*) => {
        tauri::generate_handler![$(commands::$name,)* $(commands::$bare),*]
    };
}

fn main() -> ExitCode {
    // Before anything writes to the new data folder (the log plugin does), move the old one.
    let moved = paths::prepare(clock::now());
    let config_file = default_config_file();
    let (db_path, config_notice) = startup_db_path(config_file.as_deref());
    let backups_dir = backup::default_dir().ok();
    let log_targets = if cfg!(debug_assertions) {
        vec![Target::new(TargetKind::LogDir { file_name: Some("madoguchi".into()) }), Target::new(TargetKind::Stdout)]
    } else {
        vec![Target::new(TargetKind::LogDir { file_name: Some("madoguchi".into()) })]
    };
    let result = tauri::Builder::default()
        // First, so that a second launch exits before anything else starts; with the
        // deep-link feature its link reaches `on_open_url` below.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| focus(app)))
        .plugin(tauri_plugin_deep_link::init())
        .plugin(
            tauri_plugin_log::Builder::new()
                .clear_targets()
                .targets(log_targets)
                .level(log::LevelFilter::Info)
                .max_file_size(2_000_000)
                .rotation_strategy(RotationStrategy::KeepSome(10))
                .timezone_strategy(TimezoneStrategy::UseLocal)
                .build(),
        )
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .invoke_handler(madoguchi_session::for_each_command!(handler))
        .setup(move |app| {
            let log_dir = app.path().app_log_dir().ok();
            let mut notices = Vec::new();
            match moved {
                Ok(notice) => notices.extend(notice),
                Err(e) => notices.push(format!("古いデータフォルダを移せませんでした（{e}）。古いフォルダはそのままです。")),
            }
            notices.extend(config_notice);
            for notice in &notices {
                log::warn!("{notice}");
            }
            let handle = app.handle().clone();
            let opener = {
                let handle = handle.clone();
                move |path: &Path| handle.opener().open_path(path.to_string_lossy(), None::<&str>).map_err(|e| e.to_string())
            };
            let options = Options {
                config_file,
                opener: Some(Box::new(opener)),
                printer: Some(Box::new(print::print_file)),
                dialogs: Some(Box::new(dialogs::Native::new(handle.clone()))),
                log_dir: log_dir.clone(),
                notice: (!notices.is_empty()).then(|| notices.join(" ")),
                backups_dir: backups_dir.clone(),
                ..Options::default()
            };
            let session = Session::new(&db_path, options).inspect_err(|e| log::error!("cannot open {}: {}", db_path.display(), e.message))?;
            app.manage(session);
            // The daily backup (and its rotation) on its own connection, so the window never
            // waits for it; a failure is logged and shown nowhere else.
            if let Some(dir) = backups_dir {
                let db = db_path.clone();
                std::thread::spawn(move || match backup::daily(&db, &dir, clock::now()) {
                    Ok(Some(made)) => log::info!("backup made: {}", made.display()),
                    Ok(None) => {}
                    Err(e) => log::warn!("the daily backup failed: {e}"),
                });
            }
            let start_phone = app.deep_link().get_current()?.and_then(|urls| urls.first().and_then(phone_of));
            let start_page = match &start_phone {
                Some(phone) => format!("index.html?pop={}", pop::encode(phone)),
                None => "index.html".to_string(),
            };
            WebviewWindowBuilder::new(app, MAIN, WebviewUrl::App(start_page.into()))
                .title("窓口 madoguchi")
                .inner_size(1280.0, 800.0)
                .min_inner_size(1024.0, 640.0)
                .build()?;
            let links = handle.clone();
            app.deep_link().on_open_url(move |event| {
                for url in event.urls() {
                    take_link(&links, &url);
                }
            });
            log::info!(
                "madoguchi {} started: database {}, log folder {}{}",
                env!("CARGO_PKG_VERSION"),
                db_path.display(),
                log_dir.as_deref().map_or_else(|| "-".into(), |d| d.display().to_string()),
                if start_phone.is_some() { ", opened by a screen-pop link" } else { "" }
            );
            Ok(())
        })
        .run(tauri::generate_context!());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            log::error!("madoguchi: {e}");
            eprintln!("madoguchi: {e}");
            ExitCode::FAILURE
        }
    }
}
