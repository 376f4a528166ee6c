import { defineConfig } from 'vite';

// The board is served by the API under /board; `npm run build:board` writes it to api/board/dist.
export default defineConfig({
  base: '/board/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // MapLibre is loaded only when a tile server is configured; its chunk is large by nature.
    chunkSizeWarningLimit: 1200,
  },
});
