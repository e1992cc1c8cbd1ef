// Launches Debian's Chromium through playwright-core with WebGL2 on SwiftShader (the flags in
// shared/notes/TOOLCHAIN.md). Never downloads a browser.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export function launch(extraArgs = []) {
  const gpu = process.env.STARMAP_GPU === '1';
  // On a GPU machine the flags that reach the hardware vary (see gpu-probe.mjs);
  // STARMAP_GPU_ARGS overrides them.
  const gpuArgs = (process.env.STARMAP_GPU_ARGS || '--ignore-gpu-blocklist --use-angle=vulkan --enable-features=Vulkan')
    .split(' ')
    .filter(Boolean);
  const args = gpu ? gpuArgs : ['--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      ...args,
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--no-sandbox',
      ...extraArgs,
    ],
  });
}
