// End-to-end tests of the web client: Playwright (playwright-core) drives Debian's Chromium
// against a running `mirubato dev` (BASE_URL) with the client embedded. Run by the Go test
// TestWebEndToEnd, which starts the server on a fresh database; runnable by hand against any
// dev server: BASE_URL=http://127.0.0.1:8080 ADMIN_EMAIL=… SCORE_PDF=… node e2e/run.mjs
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import assert from "node:assert/strict";

const base = process.env.BASE_URL ?? "http://127.0.0.1:8080";
const shots = process.env.SCREENSHOTS;
const adminEmail = process.env.ADMIN_EMAIL;
const scorePDF = process.env.SCORE_PDF;
if (!adminEmail || !scorePDF) throw new Error("ADMIN_EMAIL and SCORE_PDF are required");
if (shots) mkdirSync(shots, { recursive: true });

const desktop = { viewport: { width: 1280, height: 860 }, locale: "en-US", timezoneId: "Europe/Paris" };
const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: "en-US", timezoneId: "Europe/Paris" };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  // Playwright gives every launch a new, empty profile (user data dir).
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

const results = [];
let failed = 0;
async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push(`ok   ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    console.log(results.at(-1));
  } catch (err) {
    failed++;
    results.push(`FAIL ${name}: ${err.stack ?? err}`);
    console.log(results.at(-1));
  }
}

const pageErrors = [];
async function newDevice(options = desktop) {
  const context = await browser.newContext({ ...options, baseURL: base });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  page.on("pageerror", (err) => pageErrors.push(String(err)));
  page.on("dialog", (d) => void d.accept()); // confirm() of deletes
  return { context, page };
}

async function shot(page, name) {
  if (!shots) return;
  await page.waitForTimeout(300); // let transitions settle
  await page.screenshot({ path: join(shots, name + ".png"), fullPage: false });
}

/** signIn goes through the sign-in page and the dev mailbox's link. */
async function signIn(page, email) {
  await page.goto("/signin");
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await page.getByTestId("dev-link").click();
  await page.waitForURL("**/logbook");
  await page.getByRole("heading", { name: "Logbook", level: 1 }).waitFor();
}

async function waitSynced(page) {
  await page.locator('[data-sync-state="live"][data-pending="0"]').waitFor({ timeout: 20_000 });
}

/** logEntry creates an entry through the form with a piece. */
async function logEntry(page, title, composer) {
  await page.getByRole("button", { name: "Log practice" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Minutes", { exact: true }).fill("25");
  await dialog.getByRole("button", { name: "Add a piece" }).click();
  await dialog.getByLabel("Title").fill(title);
  await dialog.getByLabel("Composer").fill(composer);
  await dialog.getByRole("button", { name: "Save" }).click();
  await dialog.waitFor({ state: "hidden" });
}

const entry = (page, text) => page.getByTestId("entry").filter({ hasText: text });
const musician = `musician-${Date.now()}@e2e.example`;

// --- A musician on two devices ---------------------------------------------------------
const one = await newDevice();
const two = await newDevice();

await step("sign in through the dev mailbox", async () => {
  await signIn(one.page, musician);
  await waitSynced(one.page);
});

await step("log practice with the timer", async () => {
  const { page } = one;
  await page.getByRole("button", { name: "Start timer" }).click();
  await page.waitForTimeout(2200);
  const clock = await page.getByTestId("timer-clock").textContent();
  assert.match(clock, /^00:0[2-9]$/, `the timer runs (${clock})`);
  await page.getByRole("button", { name: "Stop and log" }).click();
  const dialog = page.getByRole("dialog");
  assert.equal(await dialog.getByLabel("Minutes", { exact: true }).inputValue(), "1", "a short run logs one minute");
  await dialog.getByRole("button", { name: "Add a piece" }).click();
  await dialog.getByLabel("Title").fill("Clair de lune");
  await dialog.getByLabel("Composer").fill("Debussy");
  await dialog.getByRole("button", { name: "Save" }).click();
  await entry(page, "Clair de lune").waitFor();
  // On the server, as the REST API sees it, once pushed.
  let server = [];
  for (let i = 0; i < 40 && server.length === 0; i++) {
    if (i) await page.waitForTimeout(250);
    server = await page.evaluate(async () => (await (await fetch("/api/logbook/entries")).json()).items);
  }
  await waitSynced(page);
  assert.equal(server.length, 1);
  assert.equal(server[0].pieces[0].title, "Clair de lune");
  assert.equal(server[0].duration_minutes, 1);
  assert.equal(await page.getByTestId("timer-clock").textContent(), "00:00", "the timer is reset once logged");
  await shot(page, "logbook-desktop");
});

await step("a second device sees the first one's changes live", async () => {
  await signIn(two.page, musician);
  await entry(two.page, "Clair de lune").waitFor(); // the account's data on a new device
  await waitSynced(two.page);
  await logEntry(one.page, "Gymnopédie No. 1", "Satie");
  await entry(two.page, "Gymnopédie No. 1").waitFor({ timeout: 10_000 });
  // And the other way, an edit.
  await entry(two.page, "Gymnopédie No. 1").getByRole("button", { name: "Edit" }).click();
  await two.page.getByRole("dialog").getByLabel("Notes").fill("Slow, even left hand");
  await two.page.getByRole("dialog").getByRole("button", { name: "Save" }).click();
  await entry(one.page, "Slow, even left hand").waitFor({ timeout: 10_000 });
});

await step("an entry logged offline reaches the other device after reconnecting", async () => {
  // The service worker keeps the app shell: the app opens with no network.
  await two.page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await two.context.setOffline(true);
  await two.page.locator('[data-sync-state="offline"]').waitFor();
  await two.page.reload();
  await two.page.getByRole("heading", { name: "Logbook", level: 1 }).waitFor();
  await entry(two.page, "Clair de lune").waitFor(); // from IndexedDB
  await two.page.locator('[data-sync-state="offline"]').waitFor();
  await logEntry(two.page, "Arabesque No. 1", "Debussy");
  const offlineEntry = entry(two.page, "Arabesque No. 1");
  await offlineEntry.getByText("Not synced yet").waitFor();
  await two.page.locator('[data-pending="1"]').waitFor();
  await one.page.waitForTimeout(1500);
  assert.equal(await entry(one.page, "Arabesque No. 1").count(), 0, "not there while the device is offline");
  await two.context.setOffline(false);
  await entry(one.page, "Arabesque No. 1").waitFor({ timeout: 20_000 });
  await offlineEntry.getByText("Not synced yet").waitFor({ state: "detached" });
  await waitSynced(two.page);
});

await step("add a piece to the repertoire and a goal; they reach the server", async () => {
  const { page } = one;
  await page.goto("/repertoire");
  await page.getByTestId("repertoire-add").click();
  let dialog = page.getByRole("dialog");
  await dialog.getByLabel("Title").fill("Ballade No. 1");
  await dialog.getByLabel("Composer").fill("Chopin");
  await dialog.getByRole("button", { name: "Add piece" }).click();
  await dialog.waitFor({ state: "hidden" });
  await page.getByTestId("repertoire-card").filter({ hasText: "Ballade No. 1" }).waitFor();
  await page.goto("/goals");
  await page.getByTestId("goal-add").click();
  dialog = page.getByRole("dialog");
  await dialog.getByLabel("Title").fill("Practise 10 hours");
  await dialog.getByLabel("Target").fill("600");
  await dialog.getByRole("button", { name: "Create goal" }).click();
  await dialog.waitFor({ state: "hidden" });
  await page.getByTestId("goal-item").filter({ hasText: "Practise 10 hours" }).waitFor();
  let onServer = [];
  for (let i = 0; i < 40 && onServer.length < 2; i++) {
    if (i) await page.waitForTimeout(250);
    onServer = await page.evaluate(async () => [
      ...(await (await fetch("/api/repertoire")).json()).items.map((x) => x.title),
      ...(await (await fetch("/api/goals")).json()).items.map((x) => x.title),
    ]);
  }
  assert.deepEqual(onServer.sort(), ["Ballade No. 1", "Practise 10 hours"]);
});

await step("upload a score and watch it become ready", async () => {
  const { page } = one;
  await page.goto("/scores");
  await page.getByLabel("Choose a PDF").setInputFiles(scorePDF);
  await page.waitForURL(/\/scores\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  await page.locator('[data-testid="score-status"][data-status="ready"]').waitFor({ timeout: 90_000 });
  await page.getByAltText(/Page 1 of 2/).waitFor();
  await shot(page, "score-desktop");
});

await step("find a dictionary term", async () => {
  const { page } = one;
  await page.goto("/dictionary");
  await page.getByLabel("Search the dictionary").fill("allegro");
  await page.getByLabel("Search the dictionary").press("Enter");
  const hit = page.getByRole("link", { name: /allegro/i }).first();
  await hit.waitFor();
  await shot(page, "dictionary-desktop");
  await hit.click();
  await page.waitForURL(/\/dictionary\/allegro/i);
  await page.getByRole("heading", { name: /allegro/i, level: 1 }).waitFor();
  await shot(page, "term-desktop");
});

await step("see the practice chart", async () => {
  const { page } = one;
  await page.goto("/analytics");
  // The rollup jobs run right after the writes; the chart shows today's practice.
  for (let i = 0; i < 20; i++) {
    if ((await page.getByTestId("trend-bar").count()) > 0) break;
    await page.waitForTimeout(1000);
    await page.reload();
  }
  await page.getByTestId("trend-chart").waitFor();
  assert.ok((await page.getByTestId("trend-bar").count()) >= 1, "a bar for today");
  await shot(page, "analytics-desktop");
});

await step("a musician is refused the pipelines page", async () => {
  const { page } = one;
  assert.equal(await page.getByRole("link", { name: "Pipelines" }).count(), 0, "no link to it");
  await page.goto("/admin/pipelines");
  await page.getByTestId("forbidden").waitFor();
});

await step("screenshots of the other pages", async () => {
  const { page } = one;
  for (const [path, name] of [
    ["/repertoire", "repertoire-desktop"],
    ["/goals", "goals-desktop"],
    ["/scores", "scores-desktop"],
    ["/settings", "settings-desktop"],
  ]) {
    await page.goto(path);
    await page.locator("main h1").first().waitFor();
    await shot(page, name);
  }
  const phoneDevice = await newDevice(phone);
  await signIn(phoneDevice.page, musician);
  for (const [path, name] of [
    ["/logbook", "logbook-phone"],
    ["/scores", "scores-phone"],
    ["/analytics", "analytics-phone"],
    ["/dictionary", "dictionary-phone"],
  ]) {
    await phoneDevice.page.goto(path);
    await phoneDevice.page.locator("main h1").first().waitFor();
    await shot(phoneDevice.page, name);
  }
  await phoneDevice.context.close();
  const signinPage = await (await browser.newContext({ ...phone, baseURL: base })).newPage();
  await signinPage.goto("/signin");
  await signinPage.getByLabel("Email address").waitFor();
  await shot(signinPage, "signin-phone");
});

// --- An operator ------------------------------------------------------------------------
await step("an admin sees the pipelines page", async () => {
  const admin = await newDevice();
  await signIn(admin.page, adminEmail);
  await admin.page.getByRole("link", { name: "Pipelines" }).click();
  await admin.page.getByTestId("queues").waitFor();
  const rows = await admin.page.getByTestId("queues").locator("tbody tr").count();
  assert.ok(rows >= 6, `every queue has a row (${rows})`);
  await admin.page.getByRole("link", { name: "Open River UI" }).waitFor();
  await shot(admin.page, "pipelines-desktop");
  await admin.context.close();
});

await browser.close();
if (pageErrors.length) {
  failed++;
  console.log("FAIL uncaught errors in the pages:\n  " + pageErrors.join("\n  "));
}
console.log(`\n${results.length} steps, ${failed} failed`);
process.exit(failed ? 1 : 0);
