// Benchmark page: regl-scatterplot drawing the same points as the viewer, read from the same
// points.bin (positions section), so both pay the same download. Reports on <body data-*> like
// the viewer: firstFrameMs (after a 1-pixel readback, i.e. a finished frame), frames, state.
import createScatterplot from 'regl-scatterplot';

const params = new URLSearchParams(location.search);
const base = new URL(params.get('data') || './', location.href);
const canvas = document.getElementById('c');

async function main() {
  const buf = new Uint8Array(await (await fetch(new URL('points.bin', base))).arrayBuffer());
  const dv = new DataView(buf.buffer);
  const n = dv.getUint32(8, true);
  const sections = dv.getUint32(12, true);
  let posOffset = -1;
  for (let s = 0; s < sections; s++) {
    const e = 16 + 16 * s;
    if (dv.getUint16(e, true) === 1) posOffset = dv.getUint32(e + 8, true);
  }
  if (posOffset < 0) throw new Error('no positions section');
  const q = new Uint16Array(buf.buffer, posOffset, n * 2);
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = (q[2 * i] / 65535) * 2 - 1;
    y[i] = (q[2 * i + 1] / 65535) * 2 - 1;
  }
  const { width, height } = canvas.getBoundingClientRect();
  const scatterplot = createScatterplot({
    canvas,
    width,
    height,
    pointSize: 3,
    opacity: 0.8,
    backgroundColor: [0.043, 0.059, 0.102, 1],
    pointColor: [0.47, 0.7, 1, 1],
  });
  let frames = 0;
  scatterplot.subscribe('draw', () => {
    frames += 1;
    document.body.dataset.frames = String(frames);
  });
  await scatterplot.draw({ x, y });
  const gl = scatterplot.get('regl')._gl;
  gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
  document.body.dataset.firstFrameMs = performance.now().toFixed(1);
  document.body.dataset.renderer = gl.getParameter(gl.RENDERER);
  document.body.dataset.state = 'ready';
}

main().catch((e) => {
  document.body.dataset.state = 'error';
  document.body.textContent = String(e);
});
