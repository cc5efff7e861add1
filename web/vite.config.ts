/**
 * @module Vite build of the web UI: React, output in `web/dist` (served by `screenalytics serve` at `/`); the dev
 * server proxies the API to `SCREENALYTICS_API` (default: the serve command's address).
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const API_PATHS = ['/episodes', '/jobs', '/shows', '/cast', '/config', '/docs'];

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: {
    proxy: Object.fromEntries(
      API_PATHS.map((p) => [p, process.env.SCREENALYTICS_API ?? 'http://127.0.0.1:8000']),
    ),
  },
});
