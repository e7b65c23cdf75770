//! Printing an issued PDF through the operating system, chosen per OS: on Windows the shell's
//! `print` verb (the PDF viewer the agent has registered prints it to the default printer);
//! on macOS and Linux CUPS's `lp` to the default destination. Opening in the viewer is the
//! shell's opener plugin; this is the one thing it does not do.

use std::path::Path;

/// The CUPS command that prints `path` on the default destination (macOS, Linux).
pub fn lp_command(path: &Path) -> std::process::Command {
    let mut command = std::process::Command::new("lp");
    // `--` ends the options: a file name can never be read as one.
    command.arg("--").arg(path);
    command
}

/// Sends `path` to the default printer; the error is one line for the agent.
pub fn print_file(path: &Path) -> Result<(), String> {
    #[cfg(windows)]
    {
        shell_print(path)
    }
    #[cfg(not(windows))]
    {
        let output = lp_command(path).output().map_err(|e| format!("lp (CUPS) could not start: {e}"))?;
        if output.status.success() {
            Ok(())
        } else {
            let reason = String::from_utf8_lossy(&output.stderr).trim().to_string();
            Err(format!("lp: {}", if reason.is_empty() { output.status.to_string() } else { reason }))
        }
    }
}

/// `ShellExecuteW(NULL, "print", path, …)`: the verb Explorer's 印刷 menu uses.
#[cfg(windows)]
fn shell_print(path: &Path) -> Result<(), String> {
    use std::os::windows::ffi::OsStrExt;
    use windows_sys::Win32::UI::Shell::ShellExecuteW;
    use windows_sys::Win32::UI::WindowsAndMessaging::SW_HIDE;

    let wide = |text: &std::ffi::OsStr| text.encode_wide().chain(Some(0)).collect::<Vec<u16>>();
    let verb = wide("print".as_ref());
    let file = wide(path.as_os_str());
    // SAFETY: both strings are NUL-terminated UTF-16 that outlive the call; the other
    // arguments are documented as optional (null).
    let result = unsafe { ShellExecuteW(std::ptr::null_mut(), verb.as_ptr(), file.as_ptr(), std::ptr::null(), std::ptr::null(), SW_HIDE) };
    // Values above 32 mean success (the Win32 documentation of ShellExecute).
    if result as isize > 32 {
        Ok(())
    } else {
        Err(format!("the shell could not print this file (ShellExecute error {}); is a PDF viewer installed?", result as isize))
    }
}
