//! The viewer's own painter and shaders (`starmap_viz::render::Painter`, `shaders/`) on a real
//! GPU, without a browser: an OpenGL ES 3 context through EGL (headless: NVIDIA's device
//! platform, Mesa's surfaceless platform, or the default display), a 1920 × 1080 RGBA8
//! framebuffer, blending on, every point in one draw call, the same attribute layout as the
//! page (4 position bytes + 4 attribute bytes a point).
//!
//! ```text
//! cargo bench -p starmap-viz --bench gpu -- [--points 1000000,10000000] [--frames 30]
//!     [--mode both|instanced|points] [--size 1920x1080] [--zoom 1]
//! ```
//! For each draw path and point count it prints the median and p90 wall time a frame (draw +
//! `glFinish`) and, where the driver has `GL_EXT_disjoint_timer_query`, the GPU time of the draw
//! (timer query), with the quads' coverage: covered pixels over the framebuffer's (overdraw).
//! Data: clustered synthetic points with Zipf sizes, fixed seed. Mesa's llvmpipe runs it too
//! (`EGL_PLATFORM=surfaceless`), which is how it is tested without a GPU.

use std::ffi::c_void;
use std::time::Instant;

use glow::HasContext;
use khronos_egl as egl;
use starmap_viz::render::{base_alpha, size_range_css, DrawMode, FrameParams, Painter, Placement, BACKGROUND};

/// GL_TIME_ELAPSED_EXT.
const TIME_ELAPSED: u32 = 0x88BF;
/// EGL_PLATFORM_DEVICE_EXT and EGL_PLATFORM_SURFACELESS_MESA.
const PLATFORM_DEVICE: egl::Enum = 0x313F;
const PLATFORM_SURFACELESS: egl::Enum = 0x31DD;

struct Options {
    points: Vec<usize>,
    frames: usize,
    modes: Vec<DrawMode>,
    size: [i32; 2],
    zoom: f64,
}

fn parse() -> Result<Options, String> {
    let mut o = Options {
        points: vec![1_000_000, 10_000_000],
        frames: 30,
        modes: vec![DrawMode::Instanced, DrawMode::Points],
        size: [1920, 1080],
        zoom: 1.0,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        // `cargo bench` passes --bench; ignore it.
        if flag == "--bench" {
            continue;
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--points" => {
                o.points = value
                    .split(',')
                    .map(|v| v.trim().parse().map_err(|e| format!("--points: {e}")))
                    .collect::<Result<_, _>>()?
            }
            "--frames" => o.frames = value.parse().map_err(|e| format!("--frames: {e}"))?,
            "--mode" => {
                o.modes = match value.as_str() {
                    "both" => vec![DrawMode::Instanced, DrawMode::Points],
                    "instanced" => vec![DrawMode::Instanced],
                    "points" => vec![DrawMode::Points],
                    other => return Err(format!("--mode: both, instanced or points, not {other:?}")),
                }
            }
            "--size" => {
                let (w, h) = value.split_once('x').ok_or("--size: WIDTHxHEIGHT")?;
                o.size =
                    [w.parse().map_err(|e| format!("--size: {e}"))?, h.parse().map_err(|e| format!("--size: {e}"))?];
            }
            "--zoom" => o.zoom = value.parse().map_err(|e| format!("--zoom: {e}"))?,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    if o.frames == 0 || o.points.contains(&0) {
        return Err("--frames and --points must be positive".into());
    }
    Ok(o)
}

/// A headless GLES 3 context, current on this thread.
struct Context {
    egl: egl::DynamicInstance<egl::EGL1_4>,
    display: egl::Display,
    /// Which display it got (device, surfaceless or default).
    platform: &'static str,
}

fn headless_context() -> Result<Context, String> {
    // SAFETY: libEGL is the system's EGL library, which implements the EGL API it declares.
    let egl = unsafe { egl::DynamicInstance::<egl::EGL1_4>::load_required() }.map_err(|e| format!("libEGL: {e}"))?;
    // EGL 1.5's eglGetPlatformDisplay, or the EXT one, for a display without a window system.
    let get_platform_display =
        egl.get_proc_address("eglGetPlatformDisplayEXT").or_else(|| egl.get_proc_address("eglGetPlatformDisplay"));
    let mut candidates: Vec<(&'static str, egl::Display)> = Vec::new();
    if let Some(f) = get_platform_display {
        type GetPlatformDisplay = unsafe extern "system" fn(egl::Enum, *mut c_void, *const egl::Int) -> *mut c_void;
        type QueryDevices = unsafe extern "system" fn(egl::Int, *mut *mut c_void, *mut egl::Int) -> egl::Boolean;
        // SAFETY: eglGetPlatformDisplay(EXT) has this signature (EGL 1.5, EGL_EXT_platform_base).
        let gpd: GetPlatformDisplay = unsafe { std::mem::transmute(f) };
        if let Some(q) = egl.get_proc_address("eglQueryDevicesEXT") {
            // SAFETY: eglQueryDevicesEXT has this signature (EGL_EXT_device_enumeration).
            let query: QueryDevices = unsafe { std::mem::transmute(q) };
            let mut devices = [std::ptr::null_mut(); 8];
            let mut count = 0;
            // SAFETY: the array holds 8 device handles, as the count passed says.
            if unsafe { query(8, devices.as_mut_ptr(), &mut count) } != 0 && count > 0 {
                // SAFETY: a device handle EGL just returned, no attributes.
                let d = unsafe { gpd(PLATFORM_DEVICE, devices[0], std::ptr::null()) };
                if !d.is_null() {
                    // SAFETY: a display handle EGL just returned.
                    candidates.push(("device", unsafe { egl::Display::from_ptr(d) }));
                }
            }
        }
        // SAFETY: the surfaceless platform takes no native display and no attributes.
        let d = unsafe { gpd(PLATFORM_SURFACELESS, std::ptr::null_mut(), std::ptr::null()) };
        if !d.is_null() {
            // SAFETY: a display handle EGL just returned.
            candidates.push(("surfaceless", unsafe { egl::Display::from_ptr(d) }));
        }
    }
    // SAFETY: EGL_DEFAULT_DISPLAY is always a valid argument.
    if let Some(d) = unsafe { egl.get_display(egl::DEFAULT_DISPLAY) } {
        candidates.push(("default", d));
    }
    let mut why = Vec::new();
    for (platform, display) in candidates {
        match make_current(&egl, display) {
            Ok(()) => return Ok(Context { egl, display, platform }),
            Err(e) => why.push(format!("{platform}: {e}")),
        }
    }
    Err(format!("no EGL display gave a GLES 3 context ({})", why.join("; ")))
}

fn make_current(egl: &egl::DynamicInstance<egl::EGL1_4>, display: egl::Display) -> Result<(), String> {
    egl.initialize(display).map_err(|e| format!("initialize: {e}"))?;
    egl.bind_api(egl::OPENGL_ES_API).map_err(|e| format!("bind_api: {e}"))?;
    let attrs = [
        egl::RENDERABLE_TYPE,
        egl::OPENGL_ES3_BIT,
        egl::SURFACE_TYPE,
        egl::PBUFFER_BIT,
        egl::RED_SIZE,
        8,
        egl::GREEN_SIZE,
        8,
        egl::BLUE_SIZE,
        8,
        egl::ALPHA_SIZE,
        8,
        egl::NONE,
    ];
    let config =
        egl.choose_first_config(display, &attrs).map_err(|e| format!("config: {e}"))?.ok_or("no GLES 3 config")?;
    let context = egl
        .create_context(display, config, None, &[egl::CONTEXT_CLIENT_VERSION, 3, egl::NONE])
        .map_err(|e| format!("context: {e}"))?;
    // A tiny pbuffer to be current on; drawing goes to an offscreen framebuffer.
    let surface = egl
        .create_pbuffer_surface(display, config, &[egl::WIDTH, 16, egl::HEIGHT, 16, egl::NONE])
        .map_err(|e| format!("pbuffer: {e}"))?;
    egl.make_current(display, Some(surface), Some(surface), Some(context)).map_err(|e| format!("make_current: {e}"))
}

/// SplitMix64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.unit().max(1e-12), self.unit());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// Quantised positions (clustered blobs, as real maps are) and attribute bytes (colour key, size
/// key, flags, spare) of `n` points, in draw order (big points first, as the viewer draws).
fn synthetic(n: usize) -> (Vec<u16>, Vec<u8>) {
    let mut rng = Rng(0x5EED);
    let centres: Vec<[f64; 3]> =
        (0..24).map(|_| [0.15 + 0.7 * rng.unit(), 0.15 + 0.7 * rng.unit(), 0.02 + 0.06 * rng.unit()]).collect();
    let mut xy = Vec::with_capacity(n * 2);
    let mut attrs = Vec::with_capacity(n * 4);
    for i in 0..n {
        let c = centres[(rng.next() % centres.len() as u64) as usize];
        for k in 0..2 {
            let v = (c[k] + c[2] * rng.normal()).clamp(0.0, 1.0);
            xy.push((v * 65535.0).round() as u16);
        }
        // Zipf-like sizes: a few big points first, most small.
        let size = (255.0 * (1.0 - ((i + 1) as f64).ln() / (n as f64).ln())).round() as u8;
        attrs.extend_from_slice(&[(i % 24) as u8, size, 0, 0]);
    }
    (xy, attrs)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let o = match parse() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("gpu bench: {e}");
            std::process::exit(2);
        }
    };
    let ctx = match headless_context() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("gpu bench: {e}");
            std::process::exit(1);
        }
    };
    // SAFETY: the GLES 3 context is current on this thread; EGL resolves its functions.
    let gl = unsafe {
        glow::Context::from_loader_function(|name| {
            ctx.egl.get_proc_address(name).map_or(std::ptr::null(), |f| f as *const c_void)
        })
    };
    let [w, h] = o.size;
    // SAFETY: every GL call below runs on this thread with the context current, on objects it
    // made; buffers are sized for the counts drawn.
    unsafe {
        let renderer = gl.get_parameter_string(glow::RENDERER);
        let version = gl.get_parameter_string(glow::VERSION);
        println!("renderer: {renderer} | {version} | EGL display: {}", ctx.platform);
        let fbo = gl.create_framebuffer().expect("framebuffer");
        let rb = gl.create_renderbuffer().expect("renderbuffer");
        gl.bind_renderbuffer(glow::RENDERBUFFER, Some(rb));
        gl.renderbuffer_storage(glow::RENDERBUFFER, glow::RGBA8, w, h);
        gl.bind_framebuffer(glow::FRAMEBUFFER, Some(fbo));
        gl.framebuffer_renderbuffer(glow::FRAMEBUFFER, glow::COLOR_ATTACHMENT0, glow::RENDERBUFFER, Some(rb));
        assert_eq!(gl.check_framebuffer_status(glow::FRAMEBUFFER), glow::FRAMEBUFFER_COMPLETE, "offscreen framebuffer");
        let timer = gl.supported_extensions().contains("GL_EXT_disjoint_timer_query");
        println!(
            "{}x{}, {} frames each, blending on, zoom {}, GPU timer queries: {}",
            w,
            h,
            o.frames,
            o.zoom,
            if timer { "yes" } else { "no (wall time only)" }
        );
        println!("| path | points | wall ms/frame (median) | p90 | GPU ms (median) | coverage (overdraw) | upload s |");
        println!("|---|---|---|---|---|---|---|");
        for &n in &o.points {
            let (xy, attrs) = synthetic(n);
            let sizes = size_range_css(n, o.zoom);
            // Mean quad area over the framebuffer: how many times each pixel is shaded.
            let mean_d = attrs
                .chunks_exact(4)
                .map(|a| f64::from(sizes[0]) + f64::from(sizes[1] - sizes[0]) * f64::from(a[1]) / 255.0)
                .sum::<f64>()
                / n as f64;
            for &mode in &o.modes {
                let t0 = Instant::now();
                let mut painter = match Painter::new(&gl, mode) {
                    Ok(p) => p,
                    Err(e) => {
                        eprintln!("gpu bench: {e}");
                        std::process::exit(1);
                    }
                };
                painter.allocate_positions(&gl, n, 1);
                painter.upload_layout(&gl, 0, &xy);
                painter.upload_attrs(&gl, &attrs);
                let palette: Vec<[u8; 4]> = (0..256)
                    .map(|k| {
                        let [r, g, b] = starmap_viz::state::CLUSTER_PALETTE[k % 24];
                        [r, g, b, 255]
                    })
                    .collect();
                painter.upload_palette(&gl, &palette);
                gl.finish();
                let upload = t0.elapsed().as_secs_f64();
                let z = o.zoom as f32;
                let unit = Placement { layout: 0, matrix: [2.0 * z, 0.0, 0.0, 2.0 * z], offset: [-z, -z] };
                let params = FrameParams {
                    from: unit,
                    to: unit,
                    mix: 1.0,
                    viewport: [w, h],
                    size_range: sizes,
                    alpha: base_alpha(n),
                    highlight: false,
                    clear: BACKGROUND,
                };
                // One frame to warm up (shader compile, first use of the buffers).
                painter.paint(&gl, &params);
                gl.finish();
                let mut wall = Vec::with_capacity(o.frames);
                let mut gpu = Vec::new();
                for _ in 0..o.frames {
                    let query = if timer { gl.create_query().ok() } else { None };
                    let t = Instant::now();
                    if let Some(q) = query {
                        gl.begin_query(TIME_ELAPSED, q);
                    }
                    painter.paint(&gl, &params);
                    if query.is_some() {
                        gl.end_query(TIME_ELAPSED);
                    }
                    gl.finish();
                    wall.push(t.elapsed().as_secs_f64() * 1e3);
                    if let Some(q) = query {
                        // Nanoseconds; a u32 holds 4 s, far beyond any frame measured here.
                        let ns = gl.get_query_parameter_u32(q, glow::QUERY_RESULT);
                        gpu.push(f64::from(ns) / 1e6);
                        gl.delete_query(q);
                    }
                }
                wall.sort_by(f64::total_cmp);
                gpu.sort_by(f64::total_cmp);
                let coverage = n as f64 * std::f64::consts::FRAC_PI_4 * mean_d * mean_d / (f64::from(w) * f64::from(h));
                println!(
                    "| {} | {} | {:.2} | {:.2} | {} | {:.1}× | {:.2} |",
                    match mode {
                        DrawMode::Instanced => "instanced",
                        DrawMode::Points => "points",
                    },
                    n,
                    percentile(&wall, 0.5),
                    percentile(&wall, 0.9),
                    if gpu.is_empty() { "–".to_string() } else { format!("{:.2}", percentile(&gpu, 0.5)) },
                    coverage,
                    upload
                );
                painter.destroy(&gl);
            }
        }
        let _ = ctx.egl.terminate(ctx.display);
    }
}
