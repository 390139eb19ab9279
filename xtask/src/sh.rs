//! Running other programs: each command is printed before it runs, and a failure says which
//! command failed and how.

use std::env;
use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

/// A command running `program` with `args`.
pub fn cmd<I, S>(program: impl AsRef<OsStr>, args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut command = Command::new(program);
    command.args(args);
    command
}

/// A command running the cargo that started this xtask (so the pinned toolchain is kept).
pub fn cargo<I, S>(args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    cmd(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()), args)
}

/// Prints `command`, runs it with this process's terminal, and fails unless it exits with 0.
pub fn run(command: &mut Command) -> Result<(), String> {
    let line = describe(command);
    println!("$ {line}");
    checked(&line, command.status())
}

/// Like [`run`], but with the command's output appended to the file `log` (created with its
/// folder if need be) instead of the terminal.
pub fn run_logged(command: &mut Command, log: &Path) -> Result<(), String> {
    let line = describe(command);
    let open = || -> io::Result<File> {
        fs::create_dir_all(log.parent().unwrap_or(Path::new(".")))?;
        let mut file = File::options().create(true).append(true).open(log)?;
        writeln!(file, "$ {line}")?;
        Ok(file)
    };
    let file = open().map_err(|e| format!("cannot write {}: {e}", log.display()))?;
    let copy = file
        .try_clone()
        .map_err(|e| format!("cannot write {}: {e}", log.display()))?;
    let status = command.stdout(copy).stderr(file).status();
    checked(&line, status).map_err(|e| format!("{e}; see {}", log.display()))
}

/// Prints the last `lines` lines of the file `log`, to show why a logged command failed.
pub fn print_tail(log: &Path, lines: usize) {
    let text = fs::read_to_string(log).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    println!("---- end of {} ----", log.display());
    for line in &all[all.len().saturating_sub(lines)..] {
        println!("{line}");
    }
}

/// Like [`run`], but also reads the command's standard output as it passes through, and
/// returns how many tests its libtest-style `test result:` lines report as passed.
pub fn run_tests(command: &mut Command) -> Result<usize, String> {
    let line = describe(command);
    println!("$ {line}");
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start `{line}`: {e}"))?;
    let mut passed = 0;
    if let Some(stdout) = child.stdout.take() {
        for text in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("{text}");
            passed += passed_in(&text);
        }
    }
    checked(&line, child.wait()).map(|()| passed)
}

/// `Ok` if the command `line` ran and exited with 0, else an error saying what happened.
fn checked(line: &str, status: io::Result<ExitStatus>) -> Result<(), String> {
    match status {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("`{line}` failed ({status})")),
        Err(e) => Err(format!("could not run `{line}`: {e}")),
    }
}

/// The `N` of a line `test result: ok. N passed; ...`, else 0.
fn passed_in(line: &str) -> usize {
    line.strip_prefix("test result: ")
        .and_then(|rest| rest.split_once(". "))
        .and_then(|(_, counts)| counts.split_once(" passed"))
        .and_then(|(count, _)| count.parse().ok())
        .unwrap_or(0)
}

/// The trimmed standard output of a quiet check such as `tool --version`, or `None` if the
/// program is missing or fails.
pub fn probe(program: impl AsRef<OsStr>, args: &[&str]) -> Option<String> {
    let output = cmd(program, args).stderr(Stdio::null()).output().ok()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    output.status.success().then(|| stdout.trim().to_string())
}

/// Puts `dirs` in front of this process's `PATH`, so that every command started afterwards
/// finds the tools installed there first. Call it before starting any thread.
pub fn prepend_path(dirs: &[PathBuf]) -> Result<(), String> {
    let old = env::var_os("PATH").unwrap_or_default();
    let all = dirs.iter().cloned().chain(env::split_paths(&old));
    let new = env::join_paths(all).map_err(|e| format!("cannot build PATH: {e}"))?;
    env::set_var("PATH", new);
    Ok(())
}

/// How a command reads in the log: the variables it sets, its program and its arguments.
fn describe(command: &Command) -> String {
    let vars = command.get_envs().filter_map(|(key, value)| {
        let value = value?;
        Some(format!(
            "{}={}",
            key.to_string_lossy(),
            value.to_string_lossy()
        ))
    });
    // The program by its name only: `cargo`, not the toolchain's full path to it.
    let program = command.get_program();
    let program = Path::new(program).file_name().unwrap_or(program);
    let words = std::iter::once(program)
        .chain(command.get_args())
        .map(|word| word.to_string_lossy().into_owned());
    vars.chain(words).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_variables_then_words() {
        let mut command = cmd("trunk", ["build", "--release"]);
        command.env("TRUNK_OFFLINE", "true");
        assert_eq!(
            describe(&command),
            "TRUNK_OFFLINE=true trunk build --release"
        );
    }

    #[test]
    fn counts_passed_tests() {
        assert_eq!(
            passed_in("test result: ok. 12 passed; 0 failed; 0 ignored"),
            12
        );
        assert_eq!(passed_in("test result: FAILED. 3 passed; 1 failed;"), 3);
        assert_eq!(passed_in("no tests to run!"), 0);
    }

    #[test]
    fn probe_reads_stdout_and_misses_quietly() {
        assert_eq!(probe("echo", &[" hi "]).as_deref(), Some("hi"));
        assert_eq!(probe("false", &[]), None);
        assert_eq!(probe("/nonexistent/tool", &[]), None);
    }
}
