// Round, soft-edged points with premultiplied alpha; the selected point gets a white ring and
// highlighted ones a light rim.
// `#version 300 es` and precision are prepended at runtime.

in vec4 v_color;
in vec2 v_local;
in float v_diameter;
flat in uint v_flags;

uniform float u_point_mode;

out vec4 out_color;

void main() {
  vec2 p = u_point_mode > 0.5 ? gl_PointCoord * 2.0 - 1.0 : v_local;
  float r = length(p);
  // One device pixel of feathering at the rim, whatever the size.
  float px = 2.0 / max(v_diameter, 1.0);
  float coverage = 1.0 - smoothstep(1.0 - 1.5 * px, 1.0, r);
  if (coverage <= 0.0) {
    discard;
  }
  // A gentle falloff towards the rim reads as a soft glow where points overlap.
  vec3 rgb = v_color.rgb * (1.0 - 0.25 * r * r);
  float alpha = v_color.a * coverage;
  if ((v_flags & 4u) != 0u) {
    // Highlighted: a light rim, so the set stands out whatever its colour.
    rgb = mix(rgb, vec3(1.0), smoothstep(0.72 - px, 0.72, r) * 0.85);
  }
  if ((v_flags & 1u) != 0u) {
    // Selected: a white ring around a bright core, with a dark gap so it reads on any colour.
    float ring = smoothstep(0.68 - px, 0.68, r);
    float gap = smoothstep(0.55 - px, 0.55, r) * (1.0 - ring);
    rgb = mix(mix(v_color.rgb, vec3(0.05), gap), vec3(1.0), ring);
    alpha = coverage;
  }
  out_color = vec4(rgb * alpha, alpha);
}
