//! The WebGL2 side: the context (with the draw path picked for the renderer, or measured at the
//! first frame where its name may not tell), the painter, and losing and restoring both. Attribute changes accumulate here between frames and are
//! uploaded when a frame paints: all bytes after a recolour or filter, single points after a
//! selection; a layout's positions only when they arrive or the context comes back (a layout
//! switch uploads nothing).

use glow::HasContext;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlCanvasElement, WebGl2RenderingContext};

use super::dom::{now_ms, set_text};
use super::error::WebError;
use super::load::query_param;
use super::page::Page;
use super::probe::Probe;
use crate::render::{self, DrawMode, FrameParams, Painter, PathTiming};
use crate::state::{Dirty, Viewer};

/// GL objects, which a lost context takes away.
struct Live {
    gl: glow::Context,
    painter: Painter<glow::Context>,
}

impl Live {
    fn new(raw: &WebGl2RenderingContext, mode: DrawMode) -> Result<Self, WebError> {
        let gl = glow::Context::from_webgl2_context(raw.clone());
        // SAFETY: `gl` wraps the canvas' current WebGL2 context.
        let painter = unsafe { Painter::new(&gl, mode) }.map_err(WebError::Gl)?;
        Ok(Self { gl, painter })
    }
}

/// The map's graphics.
pub struct Gfx {
    raw: WebGl2RenderingContext,
    live: Option<Live>,
    mode: DrawMode,
    /// Whether the first frame times both draw paths and picks the faster (the renderer's name
    /// says GPU, which WebKit says of every renderer, and `?render=` did not choose).
    measure: bool,
    /// The renderer's name and the page's line about it.
    renderer: String,
    renderer_line: Element,
    /// CSS pixels to device pixels.
    dpr: f64,
    /// Attribute bytes changed since the last paint.
    dirty: Dirty,
    frames: u64,
    first_frame: bool,
    /// A fence behind the last frame painted, and when it was sent.
    fence: Option<(glow::Fence, f64)>,
}

impl Gfx {
    /// Makes the context and the painter, choosing the draw path: `?render=` if given, else
    /// plain points on software renderers (far cheaper per point there) and instanced quads on
    /// GPUs, which the first frame confirms by timing both ([`Gfx::measure_paths`]). Reports the
    /// choice on the page.
    pub fn new(page: &Page) -> Result<Self, WebError> {
        let attrs = web_sys::WebGlContextAttributes::new();
        attrs.set_antialias(false);
        attrs.set_alpha(false);
        attrs.set_premultiplied_alpha(true);
        attrs.set_depth(false);
        let raw = page
            .canvas
            .get_context_with_context_options("webgl2", &attrs)
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<WebGl2RenderingContext>().ok())
            .ok_or(WebError::NoWebGl2)?;
        let renderer = renderer_name(&raw);
        let software = render::is_software_renderer(&renderer);
        let (mode, measure) = match query_param("render").as_deref() {
            Some("instanced") => (DrawMode::Instanced, false),
            Some("points") => (DrawMode::Points, false),
            _ if software => (DrawMode::Points, false),
            _ => (DrawMode::Instanced, true),
        };
        Probe::Renderer.set(&renderer);
        Probe::DrawMode.set(mode_name(mode));
        let soft = if software { " (software renderer)" } else { "" };
        set_text(&page.renderer, &format!("Drawn by {renderer}{soft}, {}.", how(mode)));
        Probe::TContext.stamp();
        let live = Live::new(&raw, mode)?;
        Probe::TProgram.stamp();
        Ok(Self {
            raw,
            live: Some(live),
            mode,
            measure,
            renderer,
            renderer_line: page.renderer.clone(),
            dpr: 1.0,
            dirty: Dirty::default(),
            frames: 0,
            first_frame: true,
            fence: None,
        })
    }

    /// Frames painted so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Sizes the drawing buffer to the canvas at the device's pixel ratio.
    pub fn resize(&mut self, canvas: &HtmlCanvasElement, width: f64, height: f64, device_pixel_ratio: f64) {
        self.dpr = device_pixel_ratio.clamp(0.5, 4.0);
        canvas.set_width((width * self.dpr).round() as u32);
        canvas.set_height((height * self.dpr).round() as u32);
    }

    /// Notes attribute bytes to upload at the next paint.
    pub fn mark(&mut self, dirty: &Dirty) {
        self.dirty.merge(dirty);
    }

    /// Uploads the positions of layouts `layouts` (once each as they arrive, or all after a
    /// lost context). The first layout comes first and makes room for all of them.
    pub fn upload_positions(&mut self, v: &Viewer, layouts: &[usize]) {
        let Some(g) = &mut self.live else { return };
        for &l in layouts {
            if l == 0 {
                // SAFETY: the painter was made with this context.
                unsafe { g.painter.allocate_positions(&g.gl, v.n(), v.manifest().layouts.len()) };
            }
            if let Some(xy) = v.map().xy_draw(l) {
                // SAFETY: as above, and the room for layout `l` was made with the first layout.
                unsafe { g.painter.upload_layout(&g.gl, l, &xy) };
            }
        }
    }

    /// Waits for the GPU to finish the frame (reading one pixel does), so a time taken after
    /// this is that of a finished frame.
    fn finish(g: &Live) {
        let mut px = [0u8; 4];
        // SAFETY: a live context, and a 1×1 RGBA read into a buffer of exactly 4 bytes.
        unsafe {
            g.gl.read_pixels(0, 0, 1, 1, glow::RGBA, glow::UNSIGNED_BYTE, glow::PixelPackData::Slice(Some(&mut px)));
        }
    }

    /// Times the first [`render::TIMED_POINTS`] points of the frame `params` drawn on each path:
    /// one untimed draw of each first, then two rounds of a cleared frame with no points (what
    /// every frame costs: the clear, reading a pixel back), the instanced draw and the points
    /// draw, each finished. Each time is the best of its two, less the empty frame's. Leaves the
    /// painter on the points path: the caller sets the one chosen. The frame painted after this
    /// clears what these drew.
    fn measure_paths(g: &mut Live, params: &FrameParams) -> PathTiming {
        let k = g.painter.count().min(render::TIMED_POINTS);
        let draws = [(DrawMode::Instanced, 0), (DrawMode::Instanced, k), (DrawMode::Points, k)];
        let mut best = [f64::INFINITY; 3];
        for round in 0..3 {
            for (i, &(mode, n)) in draws.iter().enumerate() {
                // SAFETY: the painter was made with this live context.
                unsafe { g.painter.switch_mode(&g.gl, mode) };
                let t0 = now_ms();
                // SAFETY: as above. The warm-up round draws a few points: it compiles what
                // the path needs at its first draw.
                unsafe { g.painter.paint_first(&g.gl, params, if round == 0 { n.min(64) } else { n }) };
                Self::finish(g);
                if round > 0 {
                    best[i] = best[i].min(now_ms() - t0);
                }
            }
        }
        PathTiming { points: k, instanced_ms: (best[1] - best[0]).max(0.0), points_ms: (best[2] - best[0]).max(0.0) }
    }

    /// Whether the GPU is still drawing the last frame painted, and, the first time it is found
    /// done, when that frame was sent and about how long it took (ms, to the nearest animation
    /// frame).
    pub fn behind(&mut self) -> (bool, Option<(f64, f64)>) {
        let (Some(g), Some((fence, sent))) = (&self.live, self.fence) else { return (false, None) };
        // SAFETY: the fence was made with this context (a lost context drops both).
        let done = unsafe { g.gl.get_sync_status(fence) } == glow::SIGNALED;
        if !done {
            return (true, None);
        }
        // SAFETY: as above; the fence is deleted once.
        unsafe { g.gl.delete_sync(fence) };
        self.fence = None;
        (false, Some((sent, now_ms() - sent)))
    }

    /// Paints a frame: pending attribute uploads, then one draw call, and a fence behind it (see
    /// [`Gfx::behind`]; not behind the first frame, which also compiles the shaders). With
    /// `finish`, waits for the GPU to finish it (the last frame of a layout switch, for its
    /// timing probe).
    pub fn paint(&mut self, v: &Viewer, canvas: &HtmlCanvasElement, finish: bool) {
        if self.raw.is_context_lost() {
            return;
        }
        let Some(g) = &mut self.live else { return };
        let attrs = v.attrs();
        let dirty = std::mem::take(&mut self.dirty);
        // SAFETY: the painter was made with this context, which is not lost (checked above).
        unsafe {
            if dirty.all {
                g.painter.upload_attrs(&g.gl, attrs);
                g.painter.upload_palette(&g.gl, &v.coloring().palette);
            } else {
                for rank in dirty.ranks {
                    if let Some(bytes) = attrs.get(rank * 4..rank * 4 + 4) {
                        g.painter.update_attrs(&g.gl, rank, bytes);
                    }
                }
            }
        }
        let params = v.frame_params([canvas.width() as i32, canvas.height() as i32], self.dpr);
        let first = self.first_frame && g.painter.count() > 0;
        if first && self.measure && g.painter.count() >= render::MEASURE_FROM {
            let timing = Self::measure_paths(g, &params);
            let mode = render::mode_from_timing(&timing, g.painter.max_point_size());
            self.mode = mode;
            // SAFETY: as above.
            unsafe { g.painter.switch_mode(&g.gl, mode) };
            Probe::DrawMode.set(mode_name(mode));
            let PathTiming { points, instanced_ms, points_ms } = timing;
            set_text(
                &self.renderer_line,
                &format!(
                    "Drawn by {}, {} (timed on {points} points: instanced {instanced_ms:.1} ms, \
                     points {points_ms:.1} ms).",
                    self.renderer,
                    how(mode)
                ),
            );
        }
        // SAFETY: as above.
        unsafe { g.painter.paint(&g.gl, &params) };
        self.frames += 1;
        Probe::Frames.set(self.frames);
        if let Some((old, _)) = self.fence.take() {
            // SAFETY: the fence was made with this context.
            unsafe { g.gl.delete_sync(old) };
        }
        if !first {
            // SAFETY: a live context.
            if let Ok(fence) = unsafe { g.gl.fence_sync(glow::SYNC_GPU_COMMANDS_COMPLETE, 0) } {
                self.fence = Some((fence, now_ms()));
            }
        }
        if finish {
            Self::finish(g);
        }
        if first {
            self.first_frame = false;
            Self::finish(g);
            Probe::FirstFrameMs.set(format_args!("{:.1}", now_ms()));
            if Probe::State.get().as_deref() == Some("loading") {
                Probe::State.set("drawn");
            }
        }
    }

    /// The context is gone: drop what it held (the browser restores it later).
    pub fn lose(&mut self) {
        self.live = None;
        self.fence = None;
        Probe::Context.set("lost");
    }

    /// The context is back: make the program again and upload everything.
    pub fn restore(&mut self, v: &Viewer) -> Result<(), WebError> {
        self.live = Some(Live::new(&self.raw, self.mode)?);
        let loaded: Vec<usize> = (0..v.manifest().layouts.len()).filter(|&l| v.map().has_layout(l)).collect();
        self.upload_positions(v, &loaded);
        self.dirty = Dirty { all: true, ranks: Vec::new() };
        Probe::Context.set("restored");
        Ok(())
    }
}

/// The draw path as `data-draw-mode` names it.
fn mode_name(mode: DrawMode) -> &'static str {
    match mode {
        DrawMode::Points => "points",
        DrawMode::Instanced => "instanced",
    }
}

/// The draw path in words.
fn how(mode: DrawMode) -> &'static str {
    match mode {
        DrawMode::Points => "one draw call of points",
        DrawMode::Instanced => "one instanced draw call",
    }
}

/// The renderer's name, unmasked where the browser allows it.
fn renderer_name(gl: &WebGl2RenderingContext) -> String {
    const UNMASKED_RENDERER_WEBGL: u32 = 0x9246;
    let unmasked = gl
        .get_extension("WEBGL_debug_renderer_info")
        .ok()
        .flatten()
        .and_then(|_| gl.get_parameter(UNMASKED_RENDERER_WEBGL).ok())
        .and_then(|v| v.as_string());
    unmasked
        .or_else(|| gl.get_parameter(WebGl2RenderingContext::RENDERER).ok().and_then(|v| v.as_string()))
        .unwrap_or_default()
}
