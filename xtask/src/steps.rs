//! A task as a list of named steps: run in order, stop at the first failure, then print a
//! timing summary whose last line is `N passed, N failed` (and `, N skipped` when some were).

use std::process::Command;
use std::time::{Duration, Instant};

use crate::sh;

/// What a step does when it runs: `Ok` or a message saying what went wrong.
type Action = Box<dyn FnOnce() -> Result<(), String>>;

/// One named step of a task.
pub struct Step {
    name: String,
    action: Result<Action, String>,
}

impl Step {
    /// A step that calls `action`.
    pub fn call(
        name: impl Into<String>,
        action: impl FnOnce() -> Result<(), String> + 'static,
    ) -> Self {
        Step {
            name: name.into(),
            action: Ok(Box::new(action)),
        }
    }

    /// A step that runs one command.
    pub fn command(name: impl Into<String>, mut command: Command) -> Self {
        Self::call(name, move || sh::run(&mut command))
    }

    /// The step's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A step that is not run, for `reason`.
    pub fn skip(name: impl Into<String>, reason: impl Into<String>) -> Self {
        Step {
            name: name.into(),
            action: Err(reason.into()),
        }
    }
}

/// How a step ended.
enum Outcome {
    Passed(Duration),
    Failed(Duration),
    Skipped(String),
    NotRun,
}

/// Runs `steps` in order with a banner for each, stops at the first failure, prints the
/// summary; returns whether no step failed.
pub fn run_all(steps: Vec<Step>) -> bool {
    let start = Instant::now();
    let total = steps.len();
    let mut failed = false;
    let mut report = Vec::with_capacity(total);
    for (index, step) in steps.into_iter().enumerate() {
        let outcome = match step.action {
            _ if failed => Outcome::NotRun,
            Err(reason) => {
                println!(
                    "\n==> [{}/{total}] {}: skipped ({reason})",
                    index + 1,
                    step.name
                );
                Outcome::Skipped(reason)
            }
            Ok(action) => {
                println!("\n==> [{}/{total}] {}", index + 1, step.name);
                let began = Instant::now();
                let result = action();
                let took = began.elapsed();
                match result {
                    Ok(()) => {
                        println!("<== {}: ok ({})", step.name, clock(took));
                        Outcome::Passed(took)
                    }
                    Err(message) => {
                        println!("<== {}: FAILED ({}): {message}", step.name, clock(took));
                        failed = true;
                        Outcome::Failed(took)
                    }
                }
            }
        };
        report.push((step.name, outcome));
    }
    print_summary(&report, start.elapsed());
    !failed
}

fn print_summary(report: &[(String, Outcome)], elapsed: Duration) {
    println!("\n==== summary ====");
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for (name, outcome) in report {
        let (label, took, note) = match outcome {
            Outcome::Passed(took) => {
                passed += 1;
                ("passed", clock(*took), String::new())
            }
            Outcome::Failed(took) => {
                failed += 1;
                ("FAILED", clock(*took), String::new())
            }
            Outcome::Skipped(reason) => {
                skipped += 1;
                ("skipped", String::new(), format!(" ({reason})"))
            }
            Outcome::NotRun => {
                skipped += 1;
                ("not run", String::new(), " (after a failure)".to_string())
            }
        };
        println!("  {label:<8} {took:>8}  {name}{note}");
    }
    println!("  {:<8} {:>8}", "total", clock(elapsed));
    println!("{}", closing_line(passed, failed, skipped));
}

/// `N passed, N failed`, then `, N skipped` if any were: the line CI reads.
fn closing_line(passed: usize, failed: usize, skipped: usize) -> String {
    let mut line = format!("{passed} passed, {failed} failed");
    if skipped > 0 {
        line += &format!(", {skipped} skipped");
    }
    line
}

/// A duration for people: `8.4s` under a minute, else `3m 07s`.
fn clock(duration: Duration) -> String {
    let seconds = duration.as_secs_f64();
    if seconds < 60.0 {
        format!("{seconds:.1}s")
    } else {
        let whole = duration.as_secs();
        format!("{}m {:02}s", whole / 60, whole % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_switches_to_minutes() {
        assert_eq!(clock(Duration::from_millis(8_440)), "8.4s");
        assert_eq!(clock(Duration::from_secs(187)), "3m 07s");
    }

    #[test]
    fn closing_line_mentions_skips_only_when_there_are_some() {
        assert_eq!(closing_line(7, 0, 0), "7 passed, 0 failed");
        assert_eq!(closing_line(2, 1, 4), "2 passed, 1 failed, 4 skipped");
    }

    #[test]
    fn stops_at_the_first_failure() {
        use std::cell::Cell;
        use std::rc::Rc;
        let ran = Rc::new(Cell::new(0));
        let counter = |ran: &Rc<Cell<i32>>| {
            let ran = Rc::clone(ran);
            move || {
                ran.set(ran.get() + 1);
                Ok(())
            }
        };
        let steps = vec![
            Step::call("one", counter(&ran)),
            Step::skip("two", "not wanted"),
            Step::call("three", || Err("broken".to_string())),
            Step::call("four", counter(&ran)),
        ];
        assert!(!run_all(steps));
        assert_eq!(ran.get(), 1);
    }
}
