// Hash routes (#/movies/ID): a static host serves one index.html for every page.
import { useEffect, useState } from "preact/hooks";

export interface Route {
  name: string;
  params: Record<string, string>;
  query: URLSearchParams;
}

const ROUTES: [string, RegExp][] = [
  ["movies", /^\/?$/],
  ["movie", /^\/movies\/([^/]+)$/],
  ["seats", /^\/showtimes\/([^/]+)$/],
  ["checkout", /^\/checkout\/([^/]+)$/],
  ["pay", /^\/orders\/([^/]+)\/pay$/],
  ["order", /^\/orders\/([^/]+)$/],
  ["orders", /^\/orders$/],
  ["signup", /^\/signup$/],
  ["login", /^\/login$/],
  ["checkin", /^\/checkin$/],
];

export function parse(hash: string): Route {
  const [path = "", search = ""] = hash.replace(/^#/, "").split("?", 2);
  for (const [name, pattern] of ROUTES) {
    const match = pattern.exec(path);
    if (match) {
      const id = match[1] ? decodeURIComponent(match[1]) : "";
      return { name, params: id ? { id } : {}, query: new URLSearchParams(search) };
    }
  }
  return { name: "notfound", params: {}, query: new URLSearchParams(search) };
}

export function href(path: string, query?: Record<string, string>): string {
  const search = query ? new URLSearchParams(query).toString() : "";
  return `#${path}${search ? `?${search}` : ""}`;
}

export function go(path: string, query?: Record<string, string>, replace = false): void {
  const target = href(path, query);
  if (replace) location.replace(target);
  else location.hash = target;
}

/** The current page; a page change moves focus to the main heading (for screen readers). */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parse(location.hash));
  useEffect(() => {
    const changed = () => {
      setRoute(parse(location.hash));
      window.scrollTo(0, 0);
    };
    window.addEventListener("hashchange", changed);
    return () => window.removeEventListener("hashchange", changed);
  }, []);
  return route;
}
