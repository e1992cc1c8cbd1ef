//! The runtime: runs each queued job against the state, then draws exactly what the returned
//! [`Changes`] name. Side effects that fire events synchronously (focus, scrolling) happen after
//! the state is released; their events queue behind the current job.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use super::dom::{aria_bool, focus, now_ms, set_attr, set_class, set_text, window};
use super::frames::Frames;
use super::gl::Gfx;
use super::history::{self, Settle};
use super::overlay::Overlay;
use super::page::{show_error, Page};
use super::panels::{details, filters, highlight, layouts, legend, search};
use super::probe::Probe;
use super::queue::{Job, Sender};
use crate::state::{Changes, Command, Focus, Viewer};

/// The running viewer: its state, the page, the graphics and the schedulers.
pub struct Runtime {
    viewer: RefCell<Viewer>,
    page: Rc<Page>,
    gfx: RefCell<Gfx>,
    overlay: RefCell<Overlay>,
    frames: Frames,
    settle: Settle,
    tx: Sender,
    /// The layout switch under way: when it started (ms) and the frames painted for it.
    switch: Cell<Option<(f64, u32)>>,
    /// When every file was in (ms): frames sent before then were measured late.
    ready_ms: Cell<f64>,
}

impl Runtime {
    /// Starts running the jobs sent through `tx` against `viewer`.
    pub fn start(viewer: Viewer, page: Rc<Page>, gfx: Gfx, tx: Sender) -> Rc<Self> {
        let rt = Rc::new(Self {
            viewer: RefCell::new(viewer),
            page,
            gfx: RefCell::new(gfx),
            overlay: RefCell::new(Overlay::default()),
            frames: Frames::new(tx.clone()),
            settle: Settle::new(tx.clone()),
            tx: tx.clone(),
            switch: Cell::new(None),
            ready_ms: Cell::new(f64::INFINITY),
        });
        // Weak: the queue lives inside the runtime.
        let weak: Weak<Self> = Rc::downgrade(&rt);
        tx.start(move |job| {
            if let Some(rt) = weak.upgrade().filter(|_| !super::stopped()) {
                rt.run(job);
            }
        });
        rt
    }

    /// Frames painted so far.
    pub fn frames_painted(&self) -> u64 {
        self.gfx.borrow().frames()
    }

    /// Reads the state outside a job; a job sent meanwhile (an event `f` fires at once) runs
    /// after `f` returns instead of finding the state borrowed.
    pub fn read<R>(&self, f: impl FnOnce(&Viewer) -> R) -> R {
        self.tx.hold(|| f(&self.viewer.borrow()))
    }

    fn run(&self, job: Job) {
        match job {
            Job::Command(command) => {
                if matches!(command, Command::Frame { .. }) && self.gpu_behind(true) {
                    return;
                }
                let t0 = now_ms();
                if matches!(command, Command::Ready { .. }) {
                    self.ready_ms.set(t0);
                }
                let changes = self.viewer.borrow_mut().apply(command, t0);
                self.render(&changes, t0);
            }
            Job::Resize => {
                let layout = self.page.layout();
                let dpr = window().device_pixel_ratio();
                self.gfx.borrow_mut().resize(&self.page.canvas, layout.width, layout.height, dpr);
                self.tx.send_next(Command::Resize(layout));
            }
            Job::GpuPoll => {
                self.frames.polled();
                self.gpu_behind(false);
            }
            Job::ContextLost => self.gfx.borrow_mut().lose(),
            Job::ContextRestored => {
                if let Err(e) = self.gfx.borrow_mut().restore(&self.viewer.borrow()) {
                    show_error(&format!("The graphics context could not be restored: {e}"));
                }
                self.frames.request();
            }
        }
    }

    /// Looks whether the GPU finished the last frame, telling the state how long it took once
    /// it did (a layout switch on a slow renderer takes fewer frames). While it is not done:
    /// a frame of a layout switch waits (`frame`: software renderers take about a second a
    /// frame at a million points, and switch frames sent faster would queue behind it, each a
    /// second), and another animation frame comes to look again. Returns whether the frame
    /// waits.
    fn gpu_behind(&self, frame: bool) -> bool {
        let (behind, took) = self.gfx.borrow_mut().behind();
        // Frames sent while files arrived were looked at late (decoding holds the main thread).
        if let Some((_, ms)) = took.filter(|&(sent, _)| sent >= self.ready_ms.get()) {
            let mut v = self.viewer.borrow_mut();
            v.apply(Command::FrameCost(ms), now_ms());
            Probe::FrameMs.set(format_args!("{:.1}", v.frame_cost_ms()));
        }
        if !behind {
            return false;
        }
        if frame && self.viewer.borrow().morph().is_some() {
            self.frames.arrived();
            self.frames.request();
            return true;
        }
        if !frame {
            self.frames.request_poll();
        }
        false
    }

    /// Draws what `ch` names; `t0` is when the command started (for the search latency).
    fn render(&self, ch: &Changes, t0: f64) {
        let page = &*self.page;
        {
            let v = self.viewer.borrow();
            let mut gfx = self.gfx.borrow_mut();
            if !ch.positions.is_empty() {
                gfx.upload_positions(&v, &ch.positions);
            }
            gfx.mark(&ch.attrs);
            if ch.switch_started {
                self.switch.set(Some((t0, 0)));
                Probe::Switching.set(1);
            }
            if ch.paint {
                self.frames.arrived();
                gfx.paint(&v, &page.canvas, ch.switch_ended);
                let mut overlay = self.overlay.borrow_mut();
                overlay.place_ring(page, &v);
                overlay.place_labels(page, &v);
                overlay.place_cluster_labels(page, &v);
                overlay.place_compare(page, &v);
                if let Some((start, frames)) = self.switch.get() {
                    self.switch.set(Some((start, frames + 1)));
                }
            }
            if ch.switch_ended {
                if let Some((start, frames)) = self.switch.take() {
                    Probe::SwitchMs.set(format_args!("{:.1}", now_ms() - start));
                    Probe::SwitchFrames.set(frames);
                }
                Probe::Switching.clear();
            }
            drop(gfx);
            if ch.layout_controls {
                layouts::render(page, &v);
            }
            if ch.details || ch.group {
                details::render(page, &v);
            }
            if ch.group {
                self.overlay.borrow_mut().place_cluster_labels(page, &v);
                legend::render(page, &v);
                match v.group() {
                    Some(g) => Probe::Group.set(g.member.iter().filter(|&&m| m).count()),
                    None => Probe::Group.clear(),
                }
            }
            if ch.lasso_path {
                self.overlay.borrow().place_lasso(page, &v);
            }
            if ch.lasso_mode {
                set_attr(&page.lasso_mode, "aria-pressed", aria_bool(v.lasso_mode()));
                set_class(&page.canvas, "lasso", v.lasso_mode());
            }
            if ch.selection {
                self.overlay.borrow().place_ring(page, &v);
                self.overlay.borrow().place_compare(page, &v);
                match v.selected_id() {
                    Some(id) => Probe::Selected.set(id),
                    None => Probe::Selected.clear(),
                }
                set_text(&page.announce, &v.announcement());
            }
            if ch.search_text {
                page.search.set_value(&v.search().text);
            }
            if ch.search_ready {
                page.search.set_disabled(false);
            }
            if ch.results {
                search::render(page, &v);
            }
            if ch.searched {
                // Keystroke latency (ranking and the list), for the benchmark.
                Probe::SearchMs.set(format_args!("{:.2}", now_ms() - t0));
                Probe::SearchSeq.set(v.search().runs);
            }
            if ch.color_by {
                legend::render_menu(page, &v);
            }
            if ch.shown {
                filters::render_shown(page, &v);
                Probe::Shown.set(v.shown());
            }
            if ch.filter_controls {
                filters::sync(page, &v);
            }
            if ch.legend {
                legend::render(page, &v);
            }
            if ch.highlight {
                highlight::render(page, &v);
            }
            if let Some(tooltip) = ch.tooltip {
                self.overlay.borrow().tooltip(page, &v, tooltip);
            }
        }
        if let Some(dragging) = ch.dragging {
            set_class(&page.canvas, "dragging", dragging);
        }
        if let Some(url) = &ch.url {
            history::write(url);
        }
        if ch.settle {
            self.settle.restart();
        }
        if ch.frame {
            self.frames.request();
        } else if ch.paint {
            // The last frame for now: look when the GPU is done with it.
            self.frames.request_poll();
        }
        // These fire events (focus, blur, scroll) at once; they queue behind this job.
        match ch.focus {
            Some(Focus::Search) => focus(&page.search),
            Some(Focus::Map) => focus(&page.canvas),
            Some(Focus::FirstNeighbor) => details::focus_first_neighbor(page),
            Some(Focus::Details) => focus(&page.details_title),
            Some(Focus::Group) => focus(&page.group_title),
            None => {}
        }
        if ch.scroll_to_active {
            search::scroll_to_active(self.viewer.borrow().search().active);
        }
        // Flying waits for the details panel above: where the entity lands depends on it.
        if let Some(entity) = ch.fly_to {
            let free = page.layout().free_area();
            self.tx.send_next(Command::FlyToEntity { entity, free });
        }
    }
}
