//! The load-test view's pure part: the matrix as the form gives it (lists of instances
//! and users, checked against the same limits as `driftlab sweep`), the sweep's
//! bookkeeping (which job goes next, the answers in the matrix's order, the progress),
//! and the two plots. No browser here: the workers only carry jobs to the core's
//! [`driftlab_sim::sweep::answer_json`] and its answers back.

use crate::chart::spec::{linear_axis, ChartSpec, Line};
use crate::i18n::{Lang, Txt};
use crate::palette::server_rgb;
use driftlab_sim::gateway::Algorithm;
use driftlab_sim::sweep::{answer, matrix, Answer, CellResult, Job};
use driftlab_sim::Config;

/// The preset every cell starts from, as `driftlab sweep`'s default.
pub const PRESET: &str = "load_test";
/// The algorithms `driftlab sweep` runs by default (seed 003's four).
pub const DEFAULT_ALGORITHMS: [Algorithm; 4] = [
    Algorithm::RoundRobin,
    Algorithm::LeastConnections,
    Algorithm::TwoChoices,
    Algorithm::HashCustomer,
];
/// The instance counts by default (seed 003).
pub const DEFAULT_INSTANCES: &str = "1, 5, 10, 15";
/// The user counts by default (seed 003).
pub const DEFAULT_USERS: &str = "1, 10, 50";
/// Values in one list at most (the plot gives each instance count a colour of 8).
pub const MAX_VALUES: usize = 8;
/// Users in one cell at most (a cell of 2 000 closed-loop users runs in a few seconds).
pub const MAX_USERS: u64 = 2_000;
/// Cells in one sweep at most.
pub const MAX_CELLS: usize = 400;

/// A job given as JSON, answered as JSON with the core's [`answer`]: what the sweep
/// worker (`src/bin/sweep-worker.rs`) does with each message. A message that is not a
/// job gets an answer saying so.
pub fn answer_json(job: &str) -> String {
    let answer = match driftlab_sim::json::from_str::<Job>(job) {
        Ok(job) => answer(&job),
        Err(e) => Answer {
            index: usize::MAX,
            result: Err(format!("not a sweep job ({e})")),
        },
    };
    serde_json::to_string(&answer).expect("an answer always serializes")
}

/// Why a field of the form is refused: a text of the table and the value at fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// What is wrong, in the table.
    pub why: Txt,
    /// The value at fault (empty when the whole field is).
    pub value: String,
}

impl Refusal {
    fn new(why: Txt, value: &str) -> Refusal {
        Refusal {
            why,
            value: value.to_string(),
        }
    }

    /// The message in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        if self.value.is_empty() {
            lang.t(self.why).to_string()
        } else {
            format!("{} ({})", lang.t(self.why), self.value)
        }
    }
}

/// A list of whole numbers from `lo` to `hi`, separated by commas or spaces, at most
/// [`MAX_VALUES`] of them, without repeats; sorted. A value out of range is refused
/// with `range` (the text that states it).
pub fn parse_list(text: &str, lo: u64, hi: u64, range: Txt) -> Result<Vec<u64>, Refusal> {
    let mut out = Vec::new();
    for part in text
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|p| !p.is_empty())
    {
        let n: u64 = part
            .parse()
            .map_err(|_| Refusal::new(Txt::LtNotANumber, part))?;
        if n < lo || n > hi {
            return Err(Refusal::new(range, part));
        }
        if !out.contains(&n) {
            out.push(n);
        }
    }
    if out.is_empty() {
        return Err(Refusal::new(Txt::LtEmpty, ""));
    }
    if out.len() > MAX_VALUES {
        return Err(Refusal::new(Txt::LtTooMany, &out.len().to_string()));
    }
    driftlab_sim::order::sort_u64(&mut out);
    Ok(out)
}

/// A sweep to run: the jobs of the matrix, in `driftlab sweep`'s order.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The algorithms, in the order chosen.
    pub algorithms: Vec<Algorithm>,
    /// One job per cell.
    pub jobs: Vec<Job>,
}

/// The plan of the form's fields, or the first field refused (its name, and why).
pub fn plan(
    algorithms: &[Algorithm],
    instances: &str,
    users: &str,
    seed: &str,
) -> Result<Plan, (Txt, Refusal)> {
    if algorithms.is_empty() {
        return Err((Txt::LtAlgorithms, Refusal::new(Txt::LtNoAlgorithm, "")));
    }
    let max = Config::MAX_SERVERS as u64;
    let instances: Vec<usize> = parse_list(instances, 1, max, Txt::LtInstancesRange)
        .map_err(|r| (Txt::LtInstances, r))?
        .into_iter()
        .map(|n| n as usize)
        .collect();
    let users: Vec<u32> = parse_list(users, 1, MAX_USERS, Txt::LtUsersRange)
        .map_err(|r| (Txt::LtUsers, r))?
        .into_iter()
        .map(|n| n as u32)
        .collect();
    let seed: u64 = seed
        .trim()
        .parse()
        .map_err(|_| (Txt::Seed, Refusal::new(Txt::LtNotANumber, seed.trim())))?;
    let cells = matrix(algorithms, &instances, &users);
    if cells.len() > MAX_CELLS {
        return Err((
            Txt::LtUsers,
            Refusal::new(Txt::LtTooManyCells, &cells.len().to_string()),
        ));
    }
    Ok(Plan {
        algorithms: algorithms.to_vec(),
        jobs: cells
            .into_iter()
            .enumerate()
            .map(|(index, cell)| Job {
                index,
                preset: PRESET.to_string(),
                cell,
                seed,
            })
            .collect(),
    })
}

/// A sweep under way: the jobs not yet handed out, the answers so far.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sweep {
    /// The algorithms, in the order chosen.
    pub algorithms: Vec<Algorithm>,
    jobs: Vec<Job>,
    next: usize,
    results: Vec<Option<CellResult>>,
    done: usize,
    /// The first cell that could not run, and why.
    pub error: Option<String>,
}

impl Sweep {
    /// A sweep of `plan`, nothing handed out yet.
    pub fn new(plan: Plan) -> Sweep {
        Sweep {
            algorithms: plan.algorithms,
            results: vec![None; plan.jobs.len()],
            jobs: plan.jobs,
            ..Sweep::default()
        }
    }

    /// The next job to hand to a free worker, as JSON (`None` when all are out).
    pub fn next_job(&mut self) -> Option<String> {
        let job = self.jobs.get(self.next)?;
        self.next += 1;
        Some(driftlab_sim::json::to_string(job))
    }

    /// Records a worker's answer (JSON). A cell that could not run, or an answer that
    /// is not one, is kept as the sweep's error.
    pub fn record(&mut self, answer: &str) {
        let answer: Answer = match driftlab_sim::json::from_str(answer) {
            Ok(a) => a,
            Err(e) => {
                self.error.get_or_insert(format!("not an answer ({e})"));
                return;
            }
        };
        match (self.results.get_mut(answer.index), answer.result) {
            (Some(slot), Ok(r)) => {
                if slot.replace(r).is_none() {
                    self.done += 1;
                }
            }
            (_, Err(e)) => {
                self.error.get_or_insert(e);
            }
            (None, Ok(_)) => {
                self.error
                    .get_or_insert(format!("an answer for cell {}", answer.index));
            }
        }
    }

    /// Cells answered.
    pub fn done(&self) -> usize {
        self.done
    }

    /// Cells in the matrix.
    pub fn total(&self) -> usize {
        self.results.len()
    }

    /// Every cell answered, or one failed.
    pub fn finished(&self) -> bool {
        self.done == self.total() || self.error.is_some()
    }

    /// The answered cells, in the matrix's order.
    pub fn results(&self) -> Vec<CellResult> {
        self.results.iter().flatten().cloned().collect()
    }
}

/// What a plot shows against users.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// Answers per second.
    Throughput,
    /// 99th-percentile response time, ms.
    P99,
}

/// The instance counts of `results` for `algorithm`, ascending.
pub fn instance_counts(results: &[CellResult], algorithm: Algorithm) -> Vec<usize> {
    let mut v: Vec<usize> = results
        .iter()
        .filter(|r| r.cell.algorithm == algorithm)
        .map(|r| r.cell.instances)
        .collect();
    driftlab_sim::order::sort(&mut v);
    v.dedup();
    v
}

/// A line's width for the `k`-th instance count: the first widest, so lines that
/// coincide (past the machine's cores every count serves the same) show as stripes.
pub fn line_width(k: usize, of: usize) -> f64 {
    3.0 + 2.5 * (of.saturating_sub(1 + k)) as f64
}

/// `measure` against users for `algorithm`: one line per instance count, in the
/// colour of [`server_rgb`] of its rank (`None` with no answered cell).
pub fn plot(
    results: &[CellResult],
    algorithm: Algorithm,
    measure: Measure,
    lang: Lang,
) -> Option<ChartSpec> {
    let counts = instance_counts(results, algorithm);
    if counts.is_empty() {
        return None;
    }
    let value = |r: &CellResult| match measure {
        Measure::Throughput => r.requests_per_s,
        Measure::P99 => r.p99_ms,
    };
    let lines: Vec<Line> = counts
        .iter()
        .enumerate()
        .map(|(k, &n)| {
            let mut points: Vec<(f64, f64)> = results
                .iter()
                .filter(|r| r.cell.algorithm == algorithm && r.cell.instances == n)
                .map(|r| (f64::from(r.cell.users), value(r)))
                .collect();
            driftlab_sim::order::sort_by(&mut points, |a, b| a.0.total_cmp(&b.0));
            Line {
                rgb: server_rgb(k),
                width: line_width(k, counts.len()),
                right: false,
                pieces: vec![points],
            }
        })
        .collect();
    let users = results
        .iter()
        .filter(|r| r.cell.algorithm == algorithm)
        .map(|r| f64::from(r.cell.users));
    let x_max = users.fold(1.0, f64::max);
    let y_max = results
        .iter()
        .filter(|r| r.cell.algorithm == algorithm)
        .map(value)
        .fold(0.0, f64::max);
    let y_max = if y_max > 0.0 { y_max * 1.1 } else { 1.0 };
    let title = match measure {
        Measure::Throughput => Txt::LtThroughputAxis,
        Measure::P99 => Txt::LtP99Axis,
    };
    Some(ChartSpec {
        x: linear_axis((0.0, x_max), 6, lang, lang.t(Txt::LtUsersAxis)),
        y: linear_axis((0.0, y_max), 5, lang, lang.t(title)),
        y2: None,
        marks: Vec::new(),
        lines,
    })
}

/// A row of the results' table, its figures in `lang`.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Instances.
    pub instances: usize,
    /// Users.
    pub users: u32,
    /// Answers per second.
    pub rps: String,
    /// Mean response time, ms.
    pub mean: String,
    /// p50, ms.
    pub p50: String,
    /// p99, ms.
    pub p99: String,
    /// Errors, percent.
    pub errors: String,
    /// Little's law's users.
    pub little: String,
    /// The busiest instance's share, percent.
    pub busiest: String,
    /// The run's trace hash.
    pub hash: String,
}

/// The table's rows for `algorithm`, with `driftlab sweep`'s decimals.
pub fn rows(results: &[CellResult], algorithm: Algorithm, lang: Lang) -> Vec<Row> {
    results
        .iter()
        .filter(|r| r.cell.algorithm == algorithm)
        .map(|r| Row {
            instances: r.cell.instances,
            users: r.cell.users,
            rps: lang.num(r.requests_per_s, 1),
            mean: lang.num(r.mean_ms, 1),
            p50: lang.num(r.p50_ms, 1),
            p99: lang.num(r.p99_ms, 1),
            errors: lang.num(r.error_pct, 2),
            little: lang.num(r.little_users, 1),
            busiest: lang.num(r.shares.iter().copied().fold(0.0, f64::max) * 100.0, 0),
            hash: r.trace_hash.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use driftlab_sim::sweep::Cell;

    #[test]
    fn lists_are_read_sorted_and_refused_with_the_value_at_fault() {
        let list = |t| parse_list(t, 1, 16, Txt::LtInstancesRange);
        assert_eq!(list("15, 1,5 10"), Ok(vec![1, 5, 10, 15]));
        assert_eq!(list("2;2;3"), Ok(vec![2, 3]));
        assert_eq!(list("1, x"), Err(Refusal::new(Txt::LtNotANumber, "x")));
        assert_eq!(list("0"), Err(Refusal::new(Txt::LtInstancesRange, "0")));
        assert_eq!(list("17"), Err(Refusal::new(Txt::LtInstancesRange, "17")));
        assert_eq!(list(" , "), Err(Refusal::new(Txt::LtEmpty, "")));
        assert_eq!(
            list("1 2 3 4 5 6 7 8 9"),
            Err(Refusal::new(Txt::LtTooMany, "9"))
        );
        assert_eq!(
            list("99").unwrap_err().text(Lang::En),
            "instances go from 1 to 16 (99)"
        );
        let r = list("-3").unwrap_err();
        assert_eq!(r.text(Lang::En), "not a whole number (-3)");
        assert_eq!(r.text(Lang::Fr), "pas un nombre entier (-3)");
    }

    #[test]
    fn the_plan_is_the_matrix_in_sweeps_order() {
        let p = plan(
            &[Algorithm::RoundRobin, Algorithm::LeastConnections],
            "5, 1",
            "10 1",
            "3",
        )
        .unwrap();
        // algorithms outermost, then instances, then users, each list ascending.
        let cells: Vec<(Algorithm, usize, u32)> = p
            .jobs
            .iter()
            .map(|j| (j.cell.algorithm, j.cell.instances, j.cell.users))
            .collect();
        use Algorithm::*;
        assert_eq!(
            cells,
            vec![
                (RoundRobin, 1, 1),
                (RoundRobin, 1, 10),
                (RoundRobin, 5, 1),
                (RoundRobin, 5, 10),
                (LeastConnections, 1, 1),
                (LeastConnections, 1, 10),
                (LeastConnections, 5, 1),
                (LeastConnections, 5, 10),
            ]
        );
        assert!(p
            .jobs
            .iter()
            .enumerate()
            .all(|(k, j)| j.index == k && j.seed == 3 && j.preset == "load_test"));
        assert_eq!(plan(&[], "1", "1", "1").unwrap_err().0, Txt::LtAlgorithms);
        assert_eq!(
            plan(&[RoundRobin], "1", "0", "1").unwrap_err().0,
            Txt::LtUsers
        );
        assert_eq!(
            plan(&[RoundRobin], "1", "1", "-1").unwrap_err().0,
            Txt::Seed
        );
        // 6 algorithms × 8 × 8 = 384 cells pass; 400 is the limit.
        let all = Algorithm::ALL;
        assert!(plan(&all, "1 2 3 4 5 6 7 8", "1 2 3 4 5 6 7 8", "1").is_ok());
    }

    /// Hands the jobs out one by one, answers them out of order (as two workers
    /// would), and reads the results back in the matrix's order.
    #[test]
    fn a_sweep_hands_out_each_job_once_and_orders_the_answers() {
        let p = plan(&[Algorithm::RoundRobin], "1 2", "1", "1").unwrap();
        let mut s = Sweep::new(p);
        assert_eq!((s.done(), s.total(), s.finished()), (0, 2, false));
        let a = s.next_job().unwrap();
        let b = s.next_job().unwrap();
        assert_eq!(s.next_job(), None);
        s.record(&answer_json(&b));
        assert_eq!((s.done(), s.finished()), (1, false));
        assert_eq!(s.results()[0].cell.instances, 2);
        // The same answer twice counts once.
        s.record(&answer_json(&b));
        s.record(&answer_json(&a));
        assert_eq!((s.done(), s.finished()), (2, true));
        let r = s.results();
        assert_eq!(
            r.iter().map(|r| r.cell.instances).collect::<Vec<_>>(),
            vec![1, 2]
        );
        assert_eq!(s.error, None);
        // A job the worker could not run stops the sweep with its reason.
        let mut s = Sweep::new(plan(&[Algorithm::RoundRobin], "1", "1", "1").unwrap());
        let bad = Job {
            index: 0,
            preset: "nope".into(),
            cell: Cell {
                algorithm: Algorithm::RoundRobin,
                instances: 1,
                users: 1,
            },
            seed: 1,
        };
        s.record(&answer_json(&serde_json::to_string(&bad).unwrap()));
        assert!(s.finished());
        assert!(s.error.as_deref().unwrap().contains("unknown preset"));
        let mut s = Sweep::new(plan(&[Algorithm::RoundRobin], "1", "1", "1").unwrap());
        s.record("{");
        assert!(s.error.as_deref().unwrap().starts_with("not an answer"));
    }

    /// One user, one instance, 10 ms of work, 50 ms of thinking: hand-checked points
    /// of the plot are the cells' figures, one line per instance count.
    #[test]
    fn the_plot_has_one_line_per_instance_count() {
        let cell = |instances, users, rps, p99| CellResult {
            cell: Cell {
                algorithm: Algorithm::RoundRobin,
                instances,
                users,
            },
            seed: 1,
            requests_per_s: rps,
            mean_ms: 0.0,
            p50_ms: 0.0,
            p99_ms: p99,
            error_pct: 0.0,
            shares: vec![1.0],
            little_users: 0.0,
            trace_hash: String::new(),
        };
        let results = vec![
            cell(1, 1, 9.0, 86.0),
            cell(1, 50, 95.0, 504.0),
            cell(5, 1, 9.0, 86.0),
            cell(5, 50, 400.0, 100.0),
        ];
        let t = plot(
            &results,
            Algorithm::RoundRobin,
            Measure::Throughput,
            Lang::En,
        )
        .unwrap();
        assert_eq!(t.lines.len(), 2);
        assert_eq!(t.lines[0].pieces, vec![vec![(1.0, 9.0), (50.0, 95.0)]]);
        assert_eq!(t.lines[1].pieces, vec![vec![(1.0, 9.0), (50.0, 400.0)]]);
        assert_eq!(t.x.range, (0.0, 50.0));
        assert!((t.y.range.1 - 440.0).abs() < 1e-9);
        assert!(t.lines[0].width > t.lines[1].width);
        let p = plot(&results, Algorithm::RoundRobin, Measure::P99, Lang::En).unwrap();
        assert_eq!(p.lines[0].pieces, vec![vec![(1.0, 86.0), (50.0, 504.0)]]);
        assert!(plot(&results, Algorithm::TwoChoices, Measure::P99, Lang::En).is_none());
        let rows = rows(&results, Algorithm::RoundRobin, Lang::Fr);
        assert_eq!(rows[1].rps, "95,0");
        assert_eq!(rows[3].p99, "100,0");
    }
}
