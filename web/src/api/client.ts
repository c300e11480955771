// The API client: openapi-fetch over the types generated from the API's /openapi.json
// (src/api/schema.d.ts, made by `npm run types`). Every request carries the access token;
// a 401 triggers one silent refresh (the pair is rotated) and one retry.
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";
import { config } from "../config";
import { accessToken, refresh, setExchange } from "../session";

export type Schemas = components["schemas"];
/** Every problem answer: ``type`` names it; some add members (per-field ``errors``...). */
export type Problem = Schemas["Problem"] | Schemas["ValidationFailed"];

let authed: Client<paths> | null = null;

export function api(): Client<paths> {
  if (authed) return authed;
  const baseUrl = config().apiBaseUrl;
  const bare = createClient<paths>({ baseUrl });
  setExchange(async (refreshToken) => {
    const { data, response } = await bare.POST("/auth/refresh", {
      body: { refresh_token: refreshToken },
    });
    return response.ok && data ? data : null;
  });
  const copies = new Map<string, Request>();
  const auth: Middleware = {
    async onRequest({ request, id }) {
      const token = await accessToken();
      if (token) request.headers.set("Authorization", `Bearer ${token}`);
      copies.set(id, request.clone());
      return request;
    },
    async onResponse({ request, response, id }) {
      const copy = copies.get(id);
      copies.delete(id);
      const sent = request.headers.get("Authorization")?.replace(/^Bearer /, "");
      if (response.status !== 401 || !copy || !sent) return response;
      if (!(await refresh(sent))) return response;
      const token = await accessToken();
      if (token) copy.headers.set("Authorization", `Bearer ${token}`);
      return fetch(copy);
    },
    onError({ id }) {
      copies.delete(id);
    },
  };
  authed = createClient<paths>({ baseUrl });
  authed.use(auth);
  return authed;
}

/** A problem's message for people: its detail, with per-field errors appended. */
export function problemText(problem: Problem | undefined, fallback: string): string {
  if (!problem) return fallback;
  const fields = ("errors" in problem ? problem.errors : [])
    .map((e) => [e.field, e.message].filter(Boolean).join(": "))
    .filter(Boolean);
  const head = problem.detail || problem.title || fallback;
  return fields.length ? `${head} (${fields.join("; ")})` : head;
}

/** Minor units to a price ("¥45.00"). */
export function money(amount: number, currency: string, locale: string): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency: currency.toUpperCase() })
    .format(amount / 100);
}
