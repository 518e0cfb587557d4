import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The dashboard is a static bundle; the gateway URL is chosen at run time (see src/client.ts). */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: { port: 5173, strictPort: false },
});
