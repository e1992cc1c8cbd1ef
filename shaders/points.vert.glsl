// Every point of the map, in one draw call. During a layout switch each point glides from its
// place in the layout being left (a_from) to its place in the layout shown (a_unit): both
// position sets sit on the GPU, and u_mix (eased on the CPU per frame) mixes them here.
// Two ways to run the same program:
//  - instanced (u_point_mode = 0): 4 vertices of a quad per instance, corners from gl_VertexID,
//    per-point attributes with divisor 1. Cheap on GPUs, and sizes are unbounded.
//  - plain points (u_point_mode = 1): the same buffers with divisor 0, drawn as gl.POINTS;
//    software rasterisers (SwiftShader) pay per instance, so they get this path.
// `#version 300 es` and precision are prepended at runtime.

// Quantised position in the layout shown: two u16 read as normalised floats, 4 bytes a point.
layout(location = 0) in vec2 a_unit;
// x: colour key (palette index), y: size key (0..255, log popularity), z: state flags.
layout(location = 1) in uvec4 a_attr;
// Quantised position in the layout being left, during a switch (unbound otherwise).
layout(location = 2) in vec2 a_from;

// clip = u_to * a_unit + u_to_offset: the layout's alignment and the camera folded together.
uniform mat2 u_to;
uniform vec2 u_to_offset;
uniform mat2 u_from;         // the same for the layout being left
uniform vec2 u_from_offset;
uniform float u_mix;         // 0: at a_from, 1: at a_unit (no switch running)
uniform vec2 u_viewport;     // drawing buffer size in device pixels
uniform vec2 u_size_range;   // diameter in device pixels of the least and the most popular point
uniform float u_point_mode;  // 1: gl.POINTS, 0: instanced quads
uniform float u_alpha;       // base opacity (lower for dense maps)
uniform float u_highlight;   // 1 while a highlight set is shown: others fade
uniform float u_max_point;   // the implementation's largest gl_PointSize
uniform sampler2D u_palette; // 256 x 1 RGBA

out vec4 v_color;
out vec2 v_local;            // position inside the point, -1..1 (quads only)
out float v_diameter;        // in device pixels
flat out uint v_flags;

const uint SELECTED = 1u;
const uint FILTERED_OUT = 2u;
const uint HIGHLIGHTED = 4u;

void main() {
  uint flags = a_attr.z;
  vec4 color = texelFetch(u_palette, ivec2(int(a_attr.x), 0), 0);
  float diameter = mix(u_size_range.x, u_size_range.y, float(a_attr.y) / 255.0);
  float alpha = u_alpha;
  if ((flags & FILTERED_OUT) != 0u) {
    // Dimmed, not removed: context stays visible.
    color.rgb = mix(color.rgb, vec3(0.45, 0.47, 0.52), 0.7);
    alpha *= 0.16;
    diameter *= 0.8;
  }
  if (u_highlight > 0.5) {
    if ((flags & HIGHLIGHTED) != 0u) {
      alpha = 1.0;
      diameter = max(diameter * 1.5, u_size_range.x * 3.0);
    } else {
      alpha *= 0.08;
    }
  }
  if ((flags & SELECTED) != 0u) {
    alpha = 1.0;
    diameter = max(diameter * 1.8, u_size_range.y * 1.2);
  }
  vec2 clip = u_to * a_unit + u_to_offset;
  if (u_mix < 1.0) {
    clip = mix(u_from * a_from + u_from_offset, clip, u_mix);
  }
  if (u_point_mode > 0.5) {
    diameter = min(diameter, u_max_point);
    gl_PointSize = diameter;
    gl_Position = vec4(clip, 0.0, 1.0);
    v_local = vec2(0.0);
  } else {
    // Corner of the quad: (-1,-1), (1,-1), (-1,1), (1,1) for a triangle strip.
    vec2 corner = vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1)) * 2.0 - 1.0;
    gl_Position = vec4(clip + corner * diameter / u_viewport, 0.0, 1.0);
    v_local = corner;
  }
  v_color = vec4(color.rgb, alpha);
  v_diameter = diameter;
  v_flags = flags;
}
