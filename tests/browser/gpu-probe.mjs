// Finds Chromium flags that give hardware WebGL2 on this machine: tries several and prints the
// renderer each gives. The first line "use: ..." names the first set that is not a software
// renderer (for STARMAP_GPU_ARGS).
import { chromium } from 'playwright-core';
import { CHROMIUM } from './browser.mjs';

const CANDIDATES = [
  '--ignore-gpu-blocklist --use-angle=vulkan --enable-features=Vulkan',
  '--ignore-gpu-blocklist --use-gl=angle --use-angle=vulkan --enable-features=Vulkan,VulkanFromANGLE',
  '--ignore-gpu-blocklist --use-gl=angle --use-angle=gl-egl',
  '--ignore-gpu-blocklist --use-gl=egl',
  '--ignore-gpu-blocklist --use-angle=gl',
];
let chosen = null;
for (const flags of CANDIDATES) {
  let renderer = 'failed';
  try {
    const b = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...flags.split(' '), '--no-sandbox'], timeout: 30000 });
    const p = await b.newPage();
    renderer = await p.evaluate(() => {
      const gl = document.createElement('canvas').getContext('webgl2');
      if (!gl) return 'no webgl2';
      const ext = gl.getExtension('WEBGL_debug_renderer_info');
      return gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
    });
    await b.close();
  } catch (e) {
    renderer = `failed: ${String(e).split('\n')[0]}`;
  }
  console.log(`${flags} -> ${renderer}`);
  if (!chosen && !/swiftshader|llvmpipe|software|failed|no webgl2/i.test(renderer)) chosen = flags;
}
console.log(`use: ${chosen ?? 'none'}`);
