// Runtime configuration, read once from /config.json next to the build: the same build
// runs locally and on every stage, each host writing its own file.
export interface ClientConfig {
  apiBaseUrl: string;
  stripeJsUrl: string;
  stripePublishableKey: string; // "" where card payments are not set up (yet)
}

let current: ClientConfig | null = null;

export async function loadConfig(): Promise<ClientConfig> {
  const response = await fetch("/config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`/config.json: HTTP ${response.status}`);
  const raw: unknown = await response.json();
  const pick = (key: keyof ClientConfig, required = true): string => {
    const value = (raw as Record<string, unknown>)[key];
    if (typeof value !== "string" || (required && !value)) throw new Error(`/config.json lacks ${key}`);
    return value;
  };
  current = {
    apiBaseUrl: pick("apiBaseUrl").replace(/\/+$/, ""),
    stripeJsUrl: pick("stripeJsUrl"),
    stripePublishableKey: pick("stripePublishableKey", false),
  };
  return current;
}

export function config(): ClientConfig {
  if (!current) throw new Error("configuration not loaded");
  return current;
}
