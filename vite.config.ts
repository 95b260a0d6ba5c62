import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The Content-Security-Policy of the production build. It is injected only at build time because
 * the dev server needs an inline script for React Fast Refresh; the tests run the built site, so
 * the policy is in force in every browser test.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
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

export default defineConfig({
  // Relative base: the built site works from any sub-path (GitHub Pages, a course site, a folder).
  base: './',
  plugins: [react(), contentSecurityPolicy()],
  build: {
    target: 'es2022',
    sourcemap: true,
    rollupOptions: {
      // harness.html exposes the engine to the browser tests; it ships the same code under the
      // same CSP, so what the tests check is what users run.
      input: { main: 'index.html', harness: 'harness.html' },
    },
  },
  worker: { format: 'es' },
  preview: { host: '127.0.0.1' },
  server: { host: '127.0.0.1' },
});
