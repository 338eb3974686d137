// The dev server proxies the API to a running `kamp serve` (port 8000), WebSockets included,
// so the browser sees one origin as it does in production.
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

const api = process.env.KAMP_API ?? "http://127.0.0.1:8000";
const proxied = ["/auth", "/oauth", "/.well-known", "/calendar", "/healthz", "/readyz"];

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      "/graphql": { target: api, ws: true, changeOrigin: false },
      ...Object.fromEntries(proxied.map((path) => [path, { target: api, changeOrigin: false }])),
    },
  },
  build: { outDir: "dist", sourcemap: true },
  test: { environment: "jsdom", globals: true, setupFiles: ["src/test/setup.ts"] },
});
