// The signed-in session: the token pair in localStorage, refreshed silently. A refresh
// token is single use (the API rotates it, and a reused one revokes the whole family), so
// refreshes run one at a time across tabs (Web Locks) and a tab that waited re-reads
// the pair another tab may have just rotated instead of spending the old one again.
import type { components } from "./api/schema";

type User = components["schemas"]["UserOut"];
const KEY = "marquee.session";
const EARLY_MS = 30_000; // refresh this long before the access token expires

interface Stored {
  access: string;
  refresh: string;
  expiresAt: number;
  user: User;
}

const listeners = new Set<() => void>();

function read(): Stored | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Stored) : null;
  } catch {
    return null;
  }
}

function write(value: Stored | null): void {
  if (value) localStorage.setItem(KEY, JSON.stringify(value));
  else localStorage.removeItem(KEY);
  listeners.forEach((listener) => listener());
}

window.addEventListener("storage", (event) => {
  if (event.key === KEY) listeners.forEach((listener) => listener());
});

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function currentUser(): User | null {
  return read()?.user ?? null;
}

export function isStaff(): boolean {
  const roles = currentUser()?.roles ?? [];
  // box_office staff check tickets in too (the API checks the cinema of each ticket)
  return roles.includes("staff") || roles.includes("box_office") || roles.includes("admin");
}

export function signIn(tokens: components["schemas"]["TokensOut"]): void {
  write({
    access: tokens.access_token,
    refresh: tokens.refresh_token,
    expiresAt: Date.now() + tokens.expires_in * 1000,
    user: tokens.user,
  });
}

export function signOut(): void {
  write(null);
}

export function refreshToken(): string | null {
  return read()?.refresh ?? null;
}

/** The access token to send now, refreshed first when it is about to expire. */
export async function accessToken(): Promise<string | null> {
  const stored = read();
  if (!stored) return null;
  if (stored.expiresAt - Date.now() > EARLY_MS) return stored.access;
  await refresh(stored.access);
  return read()?.access ?? null;
}

type Exchange = (refreshToken: string) => Promise<components["schemas"]["TokenPairOut"] | null>;
let exchange: Exchange | null = null;
let inflight: Promise<boolean> | null = null;

/** How to swap a refresh token for a new pair (the API client registers it). */
export function setExchange(fn: Exchange): void {
  exchange = fn;
}

/**
 * Replace the pair whose access token was ``stale``; false when the session is over (the
 * refresh token was refused: expired, revoked, or reused elsewhere).
 */
export function refresh(stale: string): Promise<boolean> {
  inflight ??= (async () => {
    try {
      const run = async (): Promise<boolean> => {
        const stored = read();
        if (!stored) return false;
        if (stored.access !== stale) return true; // rotated meanwhile, by us or another tab
        if (!exchange) return false;
        let pair: components["schemas"]["TokenPairOut"] | null;
        try {
          pair = await exchange(stored.refresh);
        } catch {
          return false;
        }
        if (pair === null) {
          write(null);
          return false;
        }
        write({
          ...stored,
          access: pair.access_token,
          refresh: pair.refresh_token,
          expiresAt: Date.now() + pair.expires_in * 1000,
        });
        return true;
      };
      return navigator.locks ? await navigator.locks.request(KEY, run) : await run();
    } finally {
      inflight = null;
    }
  })();
  return inflight;
}
