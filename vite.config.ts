import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The Content-Security-Policy of the production build. It is injected only at build time because
 * the dev server needs an inline script for React Fast Refresh; the tests run the built site, so
 * the policy is in force in every browser test.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  // WebAssembly (the CPU engine's kernel, cpu/) compiles only with 'wasm-unsafe-eval', which
  // allows compiling WebAssembly bytes and nothing else: eval and new Function stay blocked.
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'flexmask-csp',
    apply: 'build',
    transformIndexHtml(html) {
      const meta = `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`;
      return html.replace('<!-- csp -->', meta);
    },
  };
}

/**
 * The app as users deploy it (`npm run build`): index.html and what it imports, nothing else. No
 * test page, no test code, no probe kernels (those are only reachable from harness.html, which
 * vite.e2e.config.ts adds for the browser tests), and no source maps unless asked for
 * (`npm run build:debug`, or `vite build --sourcemap`).
 */
export default defineConfig({
  // Relative base: the built site works from any sub-path (GitHub Pages, a course site, a folder).
  base: './',
  plugins: [react(), contentSecurityPolicy()],
  build: {
    target: 'es2022',
    sourcemap: false,
    rollupOptions: {
      input: { main: 'index.html' },
    },
  },
  worker: { format: 'es' },
  preview: { host: '127.0.0.1' },
  server: { host: '127.0.0.1' },
});
