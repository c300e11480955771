// The browser scenarios, run against the real local stack by tests/web/test_browser.py
// (which seeds a film and a showtime, serves web/dist and passes everything in as JSON).
import { assertAccessible, camera, mailTo, newPage } from "./browser.mjs";

const TEST_CARD = "4242424242424242";
const DECLINED_CARD = "4000000000000341"; // attaches, then the charge is declined

async function fillCard(page, number) {
  const card = page.getByTestId("card-element");
  await card.getByLabel("Card number").fill(number);
  await card.getByLabel("Expiry month (MM)").fill("12");
  await card.getByLabel("Expiry year (YY)").fill("30");
  await card.getByLabel("CVC").fill("123");
  await card.getByLabel("Postal code").fill("20000");
}

async function seatStatus(page, seat) {
  return page.locator(`[data-seat="${seat}"]`).getAttribute("data-status");
}

async function signIn(page, web, login, password) {
  await page.goto(`${web}/#/login`);
  await page.getByLabel("Username, e-mail or mobile").fill(login);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByTestId("signed-in-as").waitFor();
}

async function holdSeats(page, web, input, seats, shot) {
  await page.goto(`${web}/#/showtimes/${input.showtimeId}`);
  await page.getByTestId("seat-map").waitFor();
  for (const seat of seats) await page.locator(`[data-seat="${seat}"]`).click();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByTestId("checkout").getByTestId("total").waitFor();
  await shot(page, "checkout");
  await page.getByRole("button", { name: "Hold seats and pay" }).click();
  await page.getByTestId("card-element").getByLabel("Card number").waitFor();
}

/** Sign up with the e-mailed code, find the film by search, pick 2 seats, pay, see 2 QR
 *  tickets; a second browser sees the seats sold; the session survives a refused access
 *  token by refreshing (and rotating) silently. */
export async function purchase(browser, input, artefacts) {
  const shot = camera(artefacts);
  const web = input.webUrl;
  const page = await newPage(browser);
  const email = `buyer-${Date.now()}@example.com`;
  const username = `buyer${Date.now() % 1_000_000}`;

  // sign-up with the code from the outbox
  await page.goto(`${web}/#/signup`);
  await page.getByLabel("E-mail").fill(email);
  await page.getByRole("button", { name: "Send code" }).click();
  await page.getByText(`We sent a 6-digit code to ${email}`).waitFor();
  const mail = await mailTo(input.outboxDir, email);
  const code = /\b(\d{6})\b/.exec(mail.split(/\r?\n\r?\n/).slice(1).join("\n"))?.[1];
  if (!code) throw new Error(`no 6-digit code in the e-mail:\n${mail.slice(0, 2000)}`);
  await page.getByLabel("Code from the e-mail").fill(code);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password", { exact: true }).fill("popcorn-2026");
  await shot(page, "signup");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByTestId("signed-in-as").filter({ hasText: username }).waitFor();

  // the UI speaks Chinese too
  await page.getByRole("button", { name: "中文" }).click();
  await page.getByRole("tab", { name: "正在热映" }).waitFor();
  await shot(page, "movies-zh");
  await page.getByRole("button", { name: "English" }).click();
  await page.getByRole("tab", { name: "Now showing" }).waitFor();

  // search with suggestions, then highlighted results
  const box = page.getByRole("combobox", { name: "Search" });
  await box.fill(input.searchTerm);
  await page.getByRole("option", { name: new RegExp(input.movieTitle) }).waitFor();
  await shot(page, "suggestions");
  await box.press("Enter");
  const results = page.getByTestId("search-results");
  await results.locator("mark").first().waitFor();
  await shot(page, "search-results");
  await results.getByRole("link", { name: input.movieTitle }).click();
  await page.getByRole("heading", { level: 1, name: input.movieTitle }).waitFor();
  await page.getByTestId("showtimes").locator("a.time").first().click();

  // seat map: a stranded single seat is refused and highlighted
  await page.getByTestId("seat-map").waitFor();
  await assertAccessible(page, "seat map");
  await page.locator('[data-seat="E02"]').click();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByTestId("seat-conflict").filter({ hasText: "E01" }).waitFor();
  if (!(await page.locator('[data-seat="E01"]').getAttribute("class")).includes("conflict")) {
    throw new Error("the stranded seat E01 is not highlighted");
  }
  await shot(page, "stranded-seat");
  await page.locator('[data-seat="E02"]').click(); // unpick

  // pick E05 with the mouse and E06 with the keyboard
  await page.locator('[data-seat="E05"]').click();
  await page.keyboard.press("ArrowRight");
  const focused = await page.evaluate(() => document.activeElement?.getAttribute("data-seat"));
  if (focused !== "E06") throw new Error(`ArrowRight from E05 focused ${focused}`);
  await page.keyboard.press("Space");
  await page.getByTestId("selection").filter({ hasText: "E05, E06" }).waitFor();
  const label = await page.locator('[data-seat="E06"]').getAttribute("aria-label");
  if (!/Row E, seat 6, .*selected/.test(label)) throw new Error(`E06 label: ${label}`);
  await shot(page, "seat-map");

  // checkout: quote, hold, accessible card form, pay
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByTestId("checkout").getByTestId("total").waitFor();
  await assertAccessible(page, "checkout");
  await shot(page, "checkout");
  await page.getByRole("button", { name: "Hold seats and pay" }).click();
  await page.getByTestId("hold-countdown").filter({ hasText: /Seats held for (09|10):/ }).waitFor();
  await page.getByTestId("card-element").getByLabel("Card number").waitFor();
  await assertAccessible(page, "payment");
  await fillCard(page, TEST_CARD);
  await shot(page, "payment");
  await page.getByRole("button", { name: /^Pay / }).click();

  // two tickets with QR codes
  await page.getByTestId("order-status").filter({ hasText: "paid" }).waitFor({ timeout: 40_000 });
  const qrs = page.getByTestId("tickets").locator("svg.qr");
  await qrs.nth(1).waitFor();
  const count = await qrs.count();
  if (count !== 2) throw new Error(`expected 2 QR tickets, saw ${count}`);
  const codes = await qrs.evaluateAll((nodes) => nodes.map((n) => n.getAttribute("data-code")));
  const drawn = await qrs.evaluateAll((nodes) => nodes.map((n) => n.querySelector("path")?.getAttribute("d")?.length ?? 0));
  if (drawn.some((length) => length < 100)) throw new Error("a QR code was not drawn");
  await shot(page, "tickets");
  const orderId = page.url().split("/orders/")[1];

  // silent refresh: a refused access token is replaced and the refresh token rotated
  const before = await page.evaluate(() => JSON.parse(localStorage.getItem("marquee.session")));
  await page.evaluate(() => {
    const stored = JSON.parse(localStorage.getItem("marquee.session"));
    localStorage.setItem("marquee.session", JSON.stringify({ ...stored, access: "expired.token.value" }));
  });
  await page.goto(`${web}/#/orders`);
  await page.getByTestId("orders").getByRole("link").first().waitFor();
  const after = await page.evaluate(() => JSON.parse(localStorage.getItem("marquee.session")));
  if (after.refresh === before.refresh || after.access === "expired.token.value") {
    throw new Error("the session was not refreshed with a rotated pair");
  }
  await shot(page, "orders-after-refresh");

  // another browser, signed out, sees the seats sold
  const other = await newPage(browser);
  await other.goto(`${web}/#/showtimes/${input.showtimeId}`);
  await other.getByTestId("seat-map").waitFor();
  const sold = [await seatStatus(other, "E05"), await seatStatus(other, "E06")];
  if (sold.some((s) => s !== "sold")) throw new Error(`second context sees ${sold}`);
  await shot(other, "second-browser-sold");
  return { orderId, codes };
}

/** A declined card shows Stripe's error and the order keeps its hold; another card pays. */
export async function declined(browser, input, artefacts) {
  const shot = camera(artefacts);
  const web = input.webUrl;
  const page = await newPage(browser);
  await signIn(page, web, input.login, input.password);
  await holdSeats(page, web, input, ["E05", "E06"], shot);
  await fillCard(page, DECLINED_CARD);
  await page.getByRole("button", { name: /^Pay / }).click();
  const error = page.getByTestId("pay-error");
  await error.filter({ hasText: "declined" }).waitFor();
  await page.getByTestId("hold-countdown").filter({ hasText: "Seats held for" }).waitFor();
  await shot(page, "declined");
  const orderId = page.url().split("/orders/")[1].replace("/pay", "");

  const other = await newPage(browser);
  await other.goto(`${web}/#/showtimes/${input.showtimeId}`);
  await other.getByTestId("seat-map").waitFor();
  const held = [await seatStatus(other, "E05"), await seatStatus(other, "E06")];
  if (held.some((s) => s !== "held")) throw new Error(`after the decline the seats are ${held}`);
  await shot(other, "still-held");

  await fillCard(page, TEST_CARD);
  await page.getByRole("button", { name: /^Pay / }).click();
  await page.getByTestId("order-status").filter({ hasText: "paid" }).waitFor({ timeout: 40_000 });
  await shot(page, "paid-with-another-card");
  return { orderId, error: await error.count() };
}

/** Staff checks a ticket in once; the second time it is "already used"; a forged code is
 *  refused. */
export async function checkin(browser, input, artefacts) {
  const shot = camera(artefacts);
  const web = input.webUrl;
  const page = await newPage(browser);
  await signIn(page, web, input.login, input.password);
  await page.getByRole("link", { name: "Check-in" }).click();
  const field = page.getByLabel("Ticket code");
  const result = page.getByTestId("checkin-result");
  const verdicts = [];
  for (const [code, expected, name] of [
    [input.code, "valid", "valid"],
    [input.code, "used", "already-used"],
    [input.code.slice(0, -3) + (input.code.endsWith("AAA") ? "BBB" : "AAA"), "forged", "forged"],
  ]) {
    await field.fill(code);
    await page.getByRole("button", { name: "Check in" }).click();
    await result.locator(`[data-verdict="${expected}"]`).waitFor();
    verdicts.push(await result.innerText());
    await shot(page, name);
  }
  return { verdicts };
}
