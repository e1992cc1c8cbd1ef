//! Progress bars on stderr: the command line's side of `starmap_core::progress::Progress`.
//! Hidden with `--quiet` or when stderr is not a terminal, so logs and tests see only the
//! closing summary. One bar per stage, cleared when the stage ends; a stage running tasks at
//! once (the layouts), or work run beside a stage (the clusters), shows a bar per task.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use starmap_core::progress::{Progress, Unit};

/// Draws the stages' progress with indicatif.
pub struct Bars {
    multi: Option<MultiProgress>,
    current: Mutex<Option<ProgressBar>>,
}

impl Bars {
    /// Bars drawn on stderr unless `quiet` or stderr is not a terminal.
    pub fn new(quiet: bool) -> Self {
        let visible = !quiet && std::io::stderr().is_terminal();
        Self {
            multi: visible.then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr_with_hz(8))),
            current: Mutex::new(None),
        }
    }

    /// The current stage's bar (a cheap handle), if bars are drawn and a stage is running.
    fn bar(&self) -> Option<ProgressBar> {
        self.multi.as_ref()?;
        self.current.lock().ok().and_then(|b| b.clone())
    }
}

fn style(template: &str, fallback: ProgressStyle) -> ProgressStyle {
    // The templates are constants; a typo would show the plain default instead of failing.
    ProgressStyle::with_template(template).unwrap_or(fallback)
}

/// A bar of `unit`s, or a spinner for what cannot be counted.
fn new_bar(unit: Unit, total: u64) -> ProgressBar {
    match unit {
        Unit::Bytes => ProgressBar::new(total).with_style(
            style(
                "{prefix:>14.bold} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
                ProgressStyle::default_bar(),
            )
            .progress_chars("=> "),
        ),
        Unit::Items(unit) => ProgressBar::new(total).with_style(
            style(
                &format!("{{prefix:>14.bold}} [{{bar:30}}] {{pos}}/{{len}} {unit} ({{elapsed}}, {{eta}} left) {{msg}}"),
                ProgressStyle::default_bar(),
            )
            .progress_chars("=> "),
        ),
        Unit::Unmeasured => ProgressBar::new_spinner()
            .with_style(style("{prefix:>14.bold} {spinner} {elapsed} {msg}", ProgressStyle::default_spinner())),
    }
}

impl Progress for Bars {
    fn begin(&self, stage: &str, unit: Unit, total: u64) {
        let Some(multi) = &self.multi else { return };
        let bar = new_bar(unit, total);
        bar.set_prefix(stage.to_string());
        let bar = multi.add(bar);
        if unit == Unit::Unmeasured {
            bar.enable_steady_tick(Duration::from_millis(120));
        }
        if let Ok(mut current) = self.current.lock() {
            if let Some(old) = current.replace(bar) {
                old.finish_and_clear();
            }
        }
    }

    fn set_total(&self, total: u64) {
        if let Some(bar) = self.bar() {
            bar.set_length(total);
        }
    }

    fn advance(&self, done: u64) {
        if let Some(bar) = self.bar() {
            bar.inc(done);
        }
    }

    fn message(&self, text: &str) {
        if let Some(bar) = self.bar() {
            bar.set_message(text.to_string());
        }
    }

    fn end(&self) {
        if let Some(bar) = self.current.lock().ok().and_then(|mut b| b.take()) {
            bar.finish_and_clear();
        }
    }

    fn task(&self, name: &str, unit: Unit) -> Box<dyn Progress + '_> {
        let bar = self.multi.as_ref().map(|multi| {
            let bar = multi.add(new_bar(unit, 0));
            bar.set_prefix(name.to_string());
            if unit == Unit::Unmeasured {
                bar.enable_steady_tick(Duration::from_millis(120));
            }
            bar
        });
        Box::new(TaskBar(bar))
    }
}

/// The bar of one task of a stage.
struct TaskBar(Option<ProgressBar>);

impl Progress for TaskBar {
    fn set_total(&self, total: u64) {
        if let Some(bar) = &self.0 {
            bar.set_length(total);
        }
    }

    fn advance(&self, done: u64) {
        if let Some(bar) = &self.0 {
            bar.inc(done);
        }
    }

    fn message(&self, text: &str) {
        if let Some(bar) = &self.0 {
            bar.set_message(text.to_string());
        }
    }

    fn end(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
