// Shared pieces of the browser scenarios: Debian's Chromium driven by playwright-core
// (no browser download), numbered screenshots, axe-core, and the outbox reader.
import { mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);

export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** A headless Chromium with a fresh profile (Playwright makes a temporary user-data-dir). */
export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

export async function newPage(browser, language = "en-GB") {
  const context = await browser.newContext({
    locale: language,
    viewport: { width: 1100, height: 900 },
    timezoneId: "Asia/Shanghai",
  });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error(`[page error] ${error.message}`));
  return page;
}

/** Numbered screenshots of each step in ``dir`` (the test artefacts). */
export function camera(dir) {
  mkdirSync(dir, { recursive: true });
  let step = 0;
  return async (page, name) => {
    step += 1;
    const file = join(dir, `${String(step).padStart(2, "0")}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };
}

/** axe-core on the page as it is; fails on any serious or critical violation. */
export async function assertAccessible(page, what) {
  await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
    }));
  });
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (serious.length) {
    throw new Error(`axe: serious violations on ${what}: ${JSON.stringify(serious, null, 1)}`);
  }
  return violations;
}

/** The newest e-mail to ``address`` in the local outbox (.eml files), waiting for it. */
export async function mailTo(outbox, address, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    let files = [];
    try {
      files = readdirSync(outbox).filter((f) => f.endsWith(".eml"));
    } catch {
      files = [];
    }
    const matching = files
      .map((f) => join(outbox, f))
      .map((path) => ({ path, text: readFileSync(path, "utf-8"), at: statSync(path).mtimeMs }))
      .filter((m) => m.text.toLowerCase().includes(address.toLowerCase()))
      .sort((a, b) => b.at - a.at);
    if (matching.length) return decodeMail(matching[0].text);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no e-mail to ${address} in ${outbox} after ${timeoutMs} ms`);
}

function decodeMail(raw) {
  // bodies may be base64 or quoted-printable parts: decode each, keep the text
  const parts = [raw];
  for (const match of raw.matchAll(/Content-Transfer-Encoding: base64\r?\n(?:[^\r\n]+\r?\n)*\r?\n([A-Za-z0-9+/=\r\n]+)/g)) {
    parts.push(Buffer.from(match[1].replace(/\s+/g, ""), "base64").toString("utf-8"));
  }
  return parts.join("\n").replace(/=\r?\n/g, "");
}
