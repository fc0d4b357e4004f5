//! Stage timings of a run, with a spinner naming the stage in progress.

use std::time::Instant;

use tracing::info;

/// Stage timings, with a spinner naming the stage in progress.
pub(crate) struct Timer {
    start: Instant,
    stage: Instant,
    timings: Vec<(String, f64)>,
    spinner: Option<indicatif::ProgressBar>,
}

impl Timer {
    pub(crate) fn new(progress: bool) -> Self {
        let now = Instant::now();
        let spinner = progress.then(|| {
            let pb = indicatif::ProgressBar::new_spinner();
            pb.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}")
                    .expect("valid template"),
            );
            pb.enable_steady_tick(std::time::Duration::from_millis(120));
            pb
        });
        Timer {
            start: now,
            stage: now,
            timings: Vec::new(),
            spinner,
        }
    }

    /// Ends stage `name`; `next` describes the stage that starts.
    pub(crate) fn lap(&mut self, name: &str, next: &str) {
        let s = self.stage.elapsed().as_secs_f64();
        info!(etape = name, secondes = s, "étape terminée");
        self.timings.push((name.to_string(), s));
        self.stage = Instant::now();
        if let Some(pb) = &self.spinner {
            pb.set_message(next.to_string());
        }
    }
}

impl Timer {
    /// The stage timings so far and the time since the start, into `report`.
    pub(crate) fn record(&self, report: &mut super::RunReport) {
        report.timings = self.timings.clone();
        report.total_seconds = self.start.elapsed().as_secs_f64();
    }

    pub(crate) fn set_message(&self, msg: &str) {
        if let Some(pb) = &self.spinner {
            pb.set_message(msg.to_string());
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        if let Some(pb) = &self.spinner {
            pb.finish_and_clear();
        }
    }
}
