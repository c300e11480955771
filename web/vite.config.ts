// The client reads /config.json at start (API base URL, Stripe.js URL and key): the local
// stack and the CDK app write it next to the build. `npm run dev` (Vite's server, with
// hot reload) answers it from MARQUEE_API_URL / MARQUEE_STRIPE_URL instead.
import { defineConfig, type Plugin } from "vite";

function devConfig(): Plugin {
  const api = process.env.MARQUEE_API_URL ?? "http://127.0.0.1:8000";
  const stripe = process.env.MARQUEE_STRIPE_URL ?? "http://127.0.0.1:8003";
  const body = JSON.stringify({
    apiBaseUrl: api,
    stripeJsUrl: `${stripe}/js.stripe.com/v3/`,
    stripePublishableKey: "pk_test_marquee_local",
  });
  return {
    name: "marquee-dev-config",
    configureServer(server) {
      server.middlewares.use("/config.json", (_req, res) => {
        res.setHeader("Content-Type", "application/json");
        res.end(body);
      });
    },
  };
}

export default defineConfig({
  plugins: [devConfig()],
  server: { port: 5173, strictPort: true },
  build: { target: "es2022", sourcemap: true, reportCompressedSize: true },
});
