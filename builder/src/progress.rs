//! Progress bars on stderr for the long stages. Hidden with `--quiet` or when stderr is not a
//! terminal, so logs and tests see only the closing summary. Stages receive a plain
//! [`ProgressBar`] and never know whether it is drawn.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Hands out one bar per stage.
#[derive(Clone)]
pub struct Progress {
    multi: Option<MultiProgress>,
    quiet: bool,
}

impl Progress {
    /// Bars drawn on stderr unless `quiet` or stderr is not a terminal.
    pub fn new(quiet: bool) -> Self {
        let visible = !quiet && std::io::stderr().is_terminal();
        Self { multi: visible.then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr_with_hz(8))), quiet }
    }

    /// Never draws anything (library callers, tests).
    pub fn hidden() -> Self {
        Self { multi: None, quiet: true }
    }

    fn add(&self, bar: ProgressBar) -> ProgressBar {
        match &self.multi {
            Some(m) => m.add(bar),
            None => ProgressBar::hidden(),
        }
    }

    /// A bar counting bytes of an input file.
    pub fn bytes(&self, stage: &str, total: u64) -> ProgressBar {
        let bar = ProgressBar::new(total).with_style(
            ProgressStyle::with_template("{prefix:>14.bold} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_prefix(stage.to_string());
        self.add(bar)
    }

    /// A bar counting items (rows, iterations, epochs).
    pub fn items(&self, stage: &str, total: u64, unit: &str) -> ProgressBar {
        let template =
            format!("{{prefix:>14.bold}} [{{bar:30}}] {{pos}}/{{len}} {unit} ({{elapsed}}, {{eta}} left) {{msg}}");
        let bar = ProgressBar::new(total).with_style(
            ProgressStyle::with_template(&template)
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_prefix(stage.to_string());
        self.add(bar)
    }

    /// A spinner for a stage of unknown length.
    pub fn spinner(&self, stage: &str) -> ProgressBar {
        let bar = ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{prefix:>14.bold} {spinner} {elapsed} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_prefix(stage.to_string());
        let bar = self.add(bar);
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }

    /// Prints a line on stderr above the bars, unless quiet.
    pub fn println(&self, line: &str) {
        match &self.multi {
            Some(m) => {
                let _ = m.println(line);
            }
            None if !self.quiet => eprintln!("{line}"),
            None => {}
        }
    }
}
