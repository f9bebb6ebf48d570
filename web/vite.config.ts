import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The API serves the built client (api/web.go); `npm run dev` proxies the API to a running
// `mirubato dev` (MIRUBATO_API, default http://127.0.0.1:8080).
const api = process.env.MIRUBATO_API ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: false, // scripts/build.mjs empties it but for .gitkeep
    assetsDir: "assets",
    sourcemap: false,
    target: "es2022",
    rolldownOptions: {
      output: {
        // Translations are named for their language and area (locale-fr-scores-<hash>.js).
        chunkFileNames: (chunk) => {
          const m = chunk.facadeModuleId?.match(/\/locales\/([^/]+)\/([^/]+)\.json$/);
          return m ? `assets/locale-${m[1]}-${m[2]}-[hash].js` : "assets/[name]-[hash].js";
        },
      },
    },
  },
  server: {
    proxy: {
      "/api": { target: api, ws: true },
      "/dev": api,
      "/ops": api,
    },
  },
  test: {
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
    environment: "node",
  },
});
