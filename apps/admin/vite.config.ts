/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const contracts = fileURLToPath(new URL('../../libs/api-contracts/src/index.ts', import.meta.url));
// Only the questionnaire's browser-safe module: the rest of the library is the API's.
const enableWhen = fileURLToPath(new URL('../../libs/audit-questionnaire/src/response/enable-when.ts', import.meta.url));

// The app calls the API under /api (nginx in production, the API itself for `npm start`);
// `npm run dev -w @mtr/admin` proxies /api to a running API (API_URL, default port 3000).
export default defineConfig({
  plugins: [react()],
  resolve: { alias: { '@mtr/api-contracts': contracts, '@mtr/audit-questionnaire/enable-when': enableWhen } },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: { '/api': { target: process.env.API_URL ?? 'http://127.0.0.1:3000', changeOrigin: true } },
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1200 },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    css: false,
  },
});
