import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * The bench page: its own Vite root, so it shares the engine's code but not the app's
 * Content-Security-Policy (onnxruntime-web compiles WebAssembly, which that policy forbids).
 */
export default defineConfig({
  root: here,
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // ORT and tfjs are large; the bench is served from localhost, so size warnings are noise.
    chunkSizeWarningLimit: 20_000,
  },
  // The page imports the engine from ../app and ../gpu.
  server: { host: '127.0.0.1', fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
  logLevel: 'warn',
});
