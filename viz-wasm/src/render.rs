//! The painter: one program, one vertex array, and every point in one draw call per frame.
//!
//! Per point the GPU holds the quantised position in every layout (two u16, 4 bytes a layout,
//! all layouts in one buffer, each uploaded once when it arrives) and an attribute quadruple
//! (colour key, size key, state flags, spare: 4 bytes, re-uploaded when colouring, filters or
//! the selection change). Colours come from a 256 × 1 palette texture. Points are stored in draw
//! order (most popular first, so rare points lie on top).
//!
//! The position attribute points at the shown layout's part of the buffer. During a layout
//! switch a second attribute points at the part of the layout being left, and the vertex shader
//! mixes the two by the eased progress (a uniform): switching moves two attribute pointers and
//! uploads nothing. Each layout's map to clip space (its alignment to the first layout and the
//! camera, folded together) is a 2 × 2 matrix and an offset.
//!
//! [`DrawMode::Instanced`] draws a 4-vertex quad per instance; [`DrawMode::Points`] draws the
//! same buffers as `gl.POINTS` with divisor 0. Software rasterisers pay ~23 µs per instance but
//! ~1 µs per vertex (SwiftShader), so the viewer picks `Points` where the renderer's name says
//! software (see [`is_software_renderer`]). Where the name says GPU but may not be one (WebKit
//! names every renderer "Apple GPU", llvmpipe included) the first frame times both paths on the
//! same points and [`mode_from_timing`] decides.

use glow::HasContext;

/// Vertex shader source, without the `#version` line.
pub const VERTEX_SHADER: &str = include_str!("../../shaders/points.vert.glsl");
/// Fragment shader source, without the `#version` line.
pub const FRAGMENT_SHADER: &str = include_str!("../../shaders/points.frag.glsl");
const PRELUDE: &str = "#version 300 es\nprecision highp float;\nprecision highp int;\n";

/// Background colour (matches the page's CSS).
pub const BACKGROUND: [f32; 3] = [0.043, 0.059, 0.102];

/// Flag: the selected entity.
pub const FLAG_SELECTED: u8 = 1;
/// Flag: fails an active filter (dimmed).
pub const FLAG_FILTERED_OUT: u8 = 2;
/// Flag: in the highlighted set.
pub const FLAG_HIGHLIGHTED: u8 = 4;

/// How the points are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DrawMode {
    /// `drawArraysInstanced(TRIANGLE_STRIP, 0, 4, n)`: one quad per point.
    Instanced,
    /// `drawArrays(POINTS, 0, n)`: one vertex per point.
    Points,
}

/// Whether a WebGL renderer string names a software rasteriser.
pub fn is_software_renderer(renderer: &str) -> bool {
    let r = renderer.to_ascii_lowercase();
    ["swiftshader", "llvmpipe", "softpipe", "software", "basic render driver", "lavapipe"].iter().any(|s| r.contains(s))
}

/// Points drawn per timed draw when the path is chosen by measurement ([`mode_from_timing`]):
/// enough that a software renderer's cost per point (a microsecond or more) stands well above
/// the timer's granularity (Safari rounds `performance.now()` to 1 ms), few enough that the four
/// timed draws there add about a tenth of a second to the first frame.
pub const TIMED_POINTS: usize = 16_384;

/// Maps with fewer points are not measured: either path draws them quickly.
pub const MEASURE_FROM: usize = 4_096;

/// The same draw of `points` points, timed on both paths (ms, each the best of a few draws made
/// after one untimed draw of each path, so shader variants compiled at the first draw are not
/// counted, and less the time of a frame without points: the clear and the read-back).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PathTiming {
    /// Points drawn.
    pub points: usize,
    /// `drawArraysInstanced`, finished.
    pub instanced_ms: f64,
    /// `drawArrays(POINTS)`, finished.
    pub points_ms: f64,
}

/// The draw path a measurement asks for. Plain points only when all of these hold:
/// - instances are slow: at least 0.5 µs each (and 4 ms in all, clear of timer granularity).
///   GPUs draw a small quad in nanoseconds; software rasterisers take microseconds, so a GPU
///   keeps the instanced path whatever the other timing says;
/// - points are clearly faster: at most four fifths of the instanced time (margin for noise);
/// - the implementation draws points large enough (`max_point_size`, device pixels, at least 64):
///   the points path clamps sizes to it, the instanced path does not.
pub fn mode_from_timing(t: &PathTiming, max_point_size: f32) -> DrawMode {
    let per_instance_us = t.instanced_ms * 1000.0 / t.points.max(1) as f64;
    let slow_instances = t.instanced_ms >= 4.0 && per_instance_us >= 0.5;
    let points_faster = t.points_ms <= 0.8 * t.instanced_ms;
    if slow_instances && points_faster && max_point_size >= 64.0 {
        DrawMode::Points
    } else {
        DrawMode::Instanced
    }
}

/// How one layout's positions reach clip space: `clip = matrix · unit + offset`, where `unit`
/// is the quantised position read as 0..1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    /// The layout (its part of the position buffer).
    pub layout: usize,
    /// 2 × 2, column-major (as GLSL reads a `mat2`).
    pub matrix: [f32; 4],
    /// The offset.
    pub offset: [f32; 2],
}

/// Per-frame inputs of [`Painter::paint`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrameParams {
    /// The layout being left during a switch (unused when `mix` is 1).
    pub from: Placement,
    /// The layout shown.
    pub to: Placement,
    /// Where the points are between `from` (0) and `to` (1); 1 when no switch runs.
    pub mix: f32,
    /// Drawing buffer size in device pixels.
    pub viewport: [i32; 2],
    /// Diameter range in device pixels (least, most popular).
    pub size_range: [f32; 2],
    /// Base opacity.
    pub alpha: f32,
    /// Whether a highlight set is shown.
    pub highlight: bool,
    /// Background colour.
    pub clear: [f32; 3],
}

/// Point diameters in CSS pixels for `n` points at zoom ratio `zoom` (1 = fitted): smaller for
/// dense maps, growing gently (zoom^0.35) as one zooms in, clamped so points never blot out
/// the map nor vanish.
pub fn size_range_css(n: usize, zoom: f64) -> [f32; 2] {
    let density = (20_000.0 / n.max(1) as f64).powf(0.25);
    let base = (2.6 * density).clamp(1.3, 6.0);
    let grow = zoom.max(1.0).powf(0.35).min(5.0);
    let lo = (base * grow).min(18.0);
    [lo as f32, (lo * 4.5).clamp(6.0, 48.0) as f32]
}

/// Base opacity for `n` points: dense maps are drawn more transparent so clusters read as density.
pub fn base_alpha(n: usize) -> f32 {
    (1.2 - 0.1 * (n.max(1) as f32).log10()).clamp(0.55, 0.95)
}

/// Owns every GL object of the map drawing.
pub struct Painter<G: HasContext> {
    program: G::Program,
    vao: G::VertexArray,
    positions: G::Buffer,
    attrs: G::Buffer,
    palette: G::Texture,
    u_to: Option<G::UniformLocation>,
    u_to_offset: Option<G::UniformLocation>,
    u_from: Option<G::UniformLocation>,
    u_from_offset: Option<G::UniformLocation>,
    u_mix: Option<G::UniformLocation>,
    u_viewport: Option<G::UniformLocation>,
    u_size_range: Option<G::UniformLocation>,
    u_point_mode: Option<G::UniformLocation>,
    u_alpha: Option<G::UniformLocation>,
    u_highlight: Option<G::UniformLocation>,
    u_max_point: Option<G::UniformLocation>,
    u_palette: Option<G::UniformLocation>,
    max_point: f32,
    count: usize,
    mode: DrawMode,
    /// The layouts the position attributes point at: shown, and the one left during a switch.
    bound: (usize, Option<usize>),
}

/// Attribute locations (the shader declares the same).
const LOC_UNIT: u32 = 0;
const LOC_ATTR: u32 = 1;
const LOC_FROM: u32 = 2;

unsafe fn compile<G: HasContext>(gl: &G, kind: u32, src: &str) -> Result<G::Shader, String> {
    let shader = gl.create_shader(kind)?;
    gl.shader_source(shader, &format!("{PRELUDE}{src}"));
    gl.compile_shader(shader);
    if !gl.get_shader_compile_status(shader) {
        let log = gl.get_shader_info_log(shader);
        gl.delete_shader(shader);
        return Err(format!("shader compile error: {log}"));
    }
    Ok(shader)
}

impl<G: HasContext> Painter<G> {
    /// Compiles the program and creates the (empty) buffers.
    ///
    /// # Safety
    /// `gl` must be a current WebGL2 / GLES 3 context.
    pub unsafe fn new(gl: &G, mode: DrawMode) -> Result<Self, String> {
        let vs = compile(gl, glow::VERTEX_SHADER, VERTEX_SHADER)?;
        let fs = compile(gl, glow::FRAGMENT_SHADER, FRAGMENT_SHADER)?;
        let program = gl.create_program()?;
        gl.attach_shader(program, vs);
        gl.attach_shader(program, fs);
        gl.link_program(program);
        gl.detach_shader(program, vs);
        gl.detach_shader(program, fs);
        gl.delete_shader(vs);
        gl.delete_shader(fs);
        if !gl.get_program_link_status(program) {
            let log = gl.get_program_info_log(program);
            gl.delete_program(program);
            return Err(format!("shader link error: {log}"));
        }
        let loc = |name: &str| gl.get_uniform_location(program, name);
        let vao = gl.create_vertex_array()?;
        let positions = gl.create_buffer()?;
        let attrs = gl.create_buffer()?;
        let palette = gl.create_texture()?;
        gl.bind_texture(glow::TEXTURE_2D, Some(palette));
        for (p, v) in [
            (glow::TEXTURE_MIN_FILTER, glow::NEAREST),
            (glow::TEXTURE_MAG_FILTER, glow::NEAREST),
            (glow::TEXTURE_WRAP_S, glow::CLAMP_TO_EDGE),
            (glow::TEXTURE_WRAP_T, glow::CLAMP_TO_EDGE),
        ] {
            gl.tex_parameter_i32(glow::TEXTURE_2D, p, v as i32);
        }
        let mut range = [1.0f32, 1.0];
        gl.get_parameter_f32_slice(glow::ALIASED_POINT_SIZE_RANGE, &mut range);
        let painter = Self {
            u_to: loc("u_to"),
            u_to_offset: loc("u_to_offset"),
            u_from: loc("u_from"),
            u_from_offset: loc("u_from_offset"),
            u_mix: loc("u_mix"),
            u_viewport: loc("u_viewport"),
            u_size_range: loc("u_size_range"),
            u_point_mode: loc("u_point_mode"),
            u_alpha: loc("u_alpha"),
            u_highlight: loc("u_highlight"),
            u_max_point: loc("u_max_point"),
            u_palette: loc("u_palette"),
            program,
            vao,
            positions,
            attrs,
            palette,
            max_point: range[1].max(1.0),
            count: 0,
            mode,
            bound: (0, None),
        };
        painter.set_mode(gl, mode);
        Ok(painter)
    }

    /// The current draw mode.
    pub fn mode(&self) -> DrawMode {
        self.mode
    }

    /// Points in the buffers.
    pub fn count(&self) -> usize {
        self.count
    }

    /// The largest point the implementation draws (`ALIASED_POINT_SIZE_RANGE`, device pixels).
    pub fn max_point_size(&self) -> f32 {
        self.max_point
    }

    /// Sets up the vertex array for `mode`: divisors, and the position attributes pointing at
    /// the layouts in `self.bound`. The buffers stay as they are.
    ///
    /// # Safety
    /// `gl` must be the context the painter was made with.
    pub unsafe fn set_mode(&self, gl: &G, mode: DrawMode) {
        let divisor = match mode {
            DrawMode::Instanced => 1,
            DrawMode::Points => 0,
        };
        gl.bind_vertex_array(Some(self.vao));
        gl.bind_buffer(glow::ARRAY_BUFFER, Some(self.attrs));
        gl.enable_vertex_attrib_array(LOC_ATTR);
        gl.vertex_attrib_pointer_i32(LOC_ATTR, 4, glow::UNSIGNED_BYTE, 4, 0);
        for loc in [LOC_UNIT, LOC_ATTR, LOC_FROM] {
            gl.vertex_attrib_divisor(loc, divisor);
        }
        self.point_positions(gl);
        gl.bind_vertex_array(None);
    }

    /// Points the position attributes at the layouts in `self.bound` (vertex array bound).
    unsafe fn point_positions(&self, gl: &G) {
        let layout_bytes = (self.count * 4) as i32;
        gl.bind_buffer(glow::ARRAY_BUFFER, Some(self.positions));
        gl.enable_vertex_attrib_array(LOC_UNIT);
        gl.vertex_attrib_pointer_f32(LOC_UNIT, 2, glow::UNSIGNED_SHORT, true, 4, self.bound.0 as i32 * layout_bytes);
        // With no switch the second attribute reads the shown layout again (the shader ignores
        // it): the same vertex layout for every frame, so a software renderer compiles its
        // pipeline once, not again at the first switch (a second at a million points).
        let from = self.bound.1.unwrap_or(self.bound.0);
        gl.enable_vertex_attrib_array(LOC_FROM);
        gl.vertex_attrib_pointer_f32(LOC_FROM, 2, glow::UNSIGNED_SHORT, true, 4, from as i32 * layout_bytes);
    }

    /// Changes the draw mode.
    ///
    /// # Safety
    /// `gl` must be the context the painter was made with.
    pub unsafe fn switch_mode(&mut self, gl: &G, mode: DrawMode) {
        self.mode = mode;
        self.set_mode(gl, mode);
    }

    /// Makes room for `layouts` layouts of `n` points each (uploaded by
    /// [`Painter::upload_layout`] as they arrive). Done once per map.
    ///
    /// # Safety
    /// `gl` must be the context the painter was made with.
    pub unsafe fn allocate_positions(&mut self, gl: &G, n: usize, layouts: usize) {
        gl.bind_buffer(glow::ARRAY_BUFFER, Some(self.positions));
        gl.buffer_data_size(glow::ARRAY_BUFFER, (n * 4 * layouts.max(1)) as i32, glow::STATIC_DRAW);
        self.count = n;
        self.bound = (0, None);
        self.set_mode(gl, self.mode);
    }

    /// Uploads layout `l`'s quantised positions (`x, y` per point, in draw order) into its part
    /// of the position buffer. Done once per layout.
    ///
    /// # Safety
    /// `gl` must be the context the painter was made with, after
    /// [`Painter::allocate_positions`] made room for layout `l`.
    pub unsafe fn upload_layout(&self, gl: &G, l: usize, xy: &[u16]) {
        let bytes: Vec<u8> = xy.iter().flat_map(|v| v.to_le_bytes()).collect();
        gl.bind_buffer(glow::ARRAY_BUFFER, Some(self.positions));
        gl.buffer_sub_data_u8_slice(glow::ARRAY_BUFFER, (l * self.count * 4) as i32, &bytes);
    }

    /// Uploads the 4-byte attributes of every point (in draw order).
    ///
    /// # Safety
    /// `gl` must be the context the painter was made with.
    pub unsafe fn upload_attrs(&mut self, gl: &G, attrs: &[u8]) {
        gl.bind_buffer(glow::ARRAY_BUFFER, Some(self.attrs));
        gl.buffer_data_u8_slice(glow::ARRAY_BUFFER, attrs, glow::DYNAMIC_DRAW);
    }

    /// Replaces the attributes of the point at draw position `rank` (a selection change).
    ///
    /// # Safety
    /// `gl` must be the context the painter was made with.
    pub unsafe fn update_attrs(&self, gl: &G, rank: usize, attrs: &[u8]) {
        gl.bind_buffer(glow::ARRAY_BUFFER, Some(self.attrs));
        gl.buffer_sub_data_u8_slice(glow::ARRAY_BUFFER, (rank * 4) as i32, attrs);
    }

    /// Uploads the 256-entry RGBA palette.
    ///
    /// # Safety
    /// `gl` must be the context the painter was made with.
    pub unsafe fn upload_palette(&self, gl: &G, palette: &[[u8; 4]]) {
        let mut bytes = vec![0u8; 256 * 4];
        for (dst, src) in bytes.chunks_exact_mut(4).zip(palette) {
            dst.copy_from_slice(src);
        }
        gl.bind_texture(glow::TEXTURE_2D, Some(self.palette));
        gl.pixel_store_i32(glow::UNPACK_ALIGNMENT, 1);
        gl.tex_image_2d(
            glow::TEXTURE_2D,
            0,
            glow::RGBA8 as i32,
            256,
            1,
            0,
            glow::RGBA,
            glow::UNSIGNED_BYTE,
            glow::PixelUnpackData::Slice(Some(&bytes)),
        );
    }

    /// Clears and draws every point: one draw call. During a switch (`mix` < 1) the position
    /// attributes point at both layouts; otherwise at the shown one only.
    ///
    /// # Safety
    /// `gl` must be the context the painter was made with.
    pub unsafe fn paint(&mut self, gl: &G, f: &FrameParams) {
        self.paint_first(gl, f, self.count);
    }

    /// [`Painter::paint`], drawing only the first `limit` points (the most popular): the timed
    /// draws that choose the draw path.
    ///
    /// # Safety
    /// `gl` must be the context the painter was made with.
    pub unsafe fn paint_first(&mut self, gl: &G, f: &FrameParams, limit: usize) {
        let count = self.count.min(limit);
        gl.viewport(0, 0, f.viewport[0], f.viewport[1]);
        gl.clear_color(f.clear[0], f.clear[1], f.clear[2], 1.0);
        gl.clear(glow::COLOR_BUFFER_BIT);
        if count == 0 {
            return;
        }
        gl.disable(glow::DEPTH_TEST);
        gl.enable(glow::BLEND);
        // Premultiplied alpha ("over").
        gl.blend_func(glow::ONE, glow::ONE_MINUS_SRC_ALPHA);
        let bound = (f.to.layout, (f.mix < 1.0).then_some(f.from.layout));
        if bound != self.bound {
            self.bound = bound;
            gl.bind_vertex_array(Some(self.vao));
            self.point_positions(gl);
            gl.bind_vertex_array(None);
        }
        gl.use_program(Some(self.program));
        gl.uniform_matrix_2_f32_slice(self.u_to.as_ref(), false, &f.to.matrix);
        gl.uniform_2_f32(self.u_to_offset.as_ref(), f.to.offset[0], f.to.offset[1]);
        gl.uniform_matrix_2_f32_slice(self.u_from.as_ref(), false, &f.from.matrix);
        gl.uniform_2_f32(self.u_from_offset.as_ref(), f.from.offset[0], f.from.offset[1]);
        gl.uniform_1_f32(self.u_mix.as_ref(), f.mix);
        gl.uniform_2_f32(self.u_viewport.as_ref(), f.viewport[0] as f32, f.viewport[1] as f32);
        gl.uniform_2_f32(self.u_size_range.as_ref(), f.size_range[0], f.size_range[1]);
        gl.uniform_1_f32(self.u_point_mode.as_ref(), if self.mode == DrawMode::Points { 1.0 } else { 0.0 });
        gl.uniform_1_f32(self.u_alpha.as_ref(), f.alpha);
        gl.uniform_1_f32(self.u_highlight.as_ref(), if f.highlight { 1.0 } else { 0.0 });
        gl.uniform_1_f32(self.u_max_point.as_ref(), self.max_point);
        gl.active_texture(glow::TEXTURE0);
        gl.bind_texture(glow::TEXTURE_2D, Some(self.palette));
        gl.uniform_1_i32(self.u_palette.as_ref(), 0);
        gl.bind_vertex_array(Some(self.vao));
        match self.mode {
            DrawMode::Instanced => gl.draw_arrays_instanced(glow::TRIANGLE_STRIP, 0, 4, count as i32),
            DrawMode::Points => gl.draw_arrays(glow::POINTS, 0, count as i32),
        }
        gl.bind_vertex_array(None);
    }

    /// Frees every GL object.
    ///
    /// # Safety
    /// `gl` must be the context the painter was made with.
    pub unsafe fn destroy(self, gl: &G) {
        gl.delete_program(self.program);
        gl.delete_vertex_array(self.vao);
        gl.delete_buffer(self.positions);
        gl.delete_buffer(self.attrs);
        gl.delete_texture(self.palette);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn software_renderers_are_recognised() {
        assert!(is_software_renderer(
            "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)"
        ));
        assert!(is_software_renderer("llvmpipe (LLVM 15.0.6, 256 bits)"));
        assert!(is_software_renderer("ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11)"));
        assert!(!is_software_renderer("ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0)"));
        assert!(!is_software_renderer("Apple M1"));
    }

    #[test]
    fn the_measured_path_is_points_only_where_instances_are_slow_and_points_faster() {
        let t = |instanced_ms, points_ms| PathTiming { points: TIMED_POINTS, instanced_ms, points_ms };
        // WebKit on llvmpipe ("Apple GPU"): ~2.5 µs an instance, points about twice as fast.
        assert_eq!(mode_from_timing(&t(41.0, 20.0), 255.0), DrawMode::Points);
        // SwiftShader-like: ~10 µs an instance, ~1 µs a point.
        assert_eq!(mode_from_timing(&t(170.0, 16.0), 1024.0), DrawMode::Points);
        // A GPU: well under a microsecond an instance, whatever the points cost.
        assert_eq!(mode_from_timing(&t(1.0, 0.2), 1024.0), DrawMode::Instanced);
        assert_eq!(mode_from_timing(&t(6.0, 1.0), 1024.0), DrawMode::Instanced);
        // Slow instances but points not clearly faster (noise): keep instanced.
        assert_eq!(mode_from_timing(&t(41.0, 35.0), 255.0), DrawMode::Instanced);
        // Points drawn no larger than 32 px would clamp the largest points.
        assert_eq!(mode_from_timing(&t(170.0, 16.0), 32.0), DrawMode::Instanced);
        // Few points timed: 4 ms at least, the timer's granularity being 1 ms in Safari.
        let few = PathTiming { points: 2_000, instanced_ms: 3.0, points_ms: 1.0 };
        assert_eq!(mode_from_timing(&few, 255.0), DrawMode::Instanced);
        // No points at all does not divide by zero.
        let none = PathTiming { points: 0, instanced_ms: 0.0, points_ms: 0.0 };
        assert_eq!(mode_from_timing(&none, 255.0), DrawMode::Instanced);
    }

    #[test]
    fn sizes_shrink_with_density_and_grow_gently_with_zoom() {
        let small = size_range_css(1_000, 1.0);
        let big = size_range_css(1_000_000, 1.0);
        assert!(small[0] > big[0] && small[1] >= big[1]);
        assert!(big[0] >= 1.3, "never vanish");
        let zoomed = size_range_css(1_000_000, 16.0);
        assert!(zoomed[0] > big[0] && zoomed[0] <= big[0] * 4.0 + 1e-3, "gentle growth");
        let very = size_range_css(10, 1e6);
        assert!(very[0] <= 18.0 && very[1] <= 48.0, "clamped");
        assert!(base_alpha(1_000_000) < base_alpha(1_000));
    }

    #[test]
    fn shaders_declare_what_the_painter_binds() {
        for name in [
            "u_to",
            "u_to_offset",
            "u_from",
            "u_from_offset",
            "u_mix",
            "u_viewport",
            "u_size_range",
            "u_point_mode",
            "u_alpha",
            "u_highlight",
        ] {
            let declared = |l: &str| l.trim_start().starts_with("uniform ") && l.contains(&format!(" {name};"));
            assert!(VERTEX_SHADER.lines().any(declared), "{name}");
        }
        assert!(VERTEX_SHADER.contains(&format!("layout(location = {LOC_UNIT}) in vec2 a_unit")));
        assert!(VERTEX_SHADER.contains(&format!("layout(location = {LOC_ATTR}) in uvec4 a_attr")));
        assert!(VERTEX_SHADER.contains(&format!("layout(location = {LOC_FROM}) in vec2 a_from")));
        assert!(FRAGMENT_SHADER.contains("gl_PointCoord"));
        let has_version = |src: &str| src.lines().any(|l| l.trim_start().starts_with("#version"));
        assert!(!has_version(VERTEX_SHADER) && !has_version(FRAGMENT_SHADER), "prepended at runtime");
        // The flag values agree between Rust and GLSL.
        assert!(VERTEX_SHADER.contains(&format!("SELECTED = {FLAG_SELECTED}u")));
        assert!(VERTEX_SHADER.contains(&format!("FILTERED_OUT = {FLAG_FILTERED_OUT}u")));
        assert!(VERTEX_SHADER.contains(&format!("HIGHLIGHTED = {FLAG_HIGHLIGHTED}u")));
    }
}
