// The PWA's first load on a slow phone, for `cargo xtask bench` (bench/src/pwa.rs runs it):
// a villager who signed in before opens the app with an empty cache, in Debian's headless
// Chromium at 360×640, the network throttled to Lighthouse's slow-4G profile (150 ms RTT,
// 1.6 Mbps down, 750 Kbps up) and the CPU slowed 4× through the Chrome DevTools Protocol.
//
//   node e2e/bench/pwa-load.mjs <server URL> <villager's national phone> <server log file>
//
// Prints one JSON object: fcp_ms (first contentful paint), usable_ms (the home screen shows
// the balance: the app started, refreshed the session with its cookie and loaded the
// balance), bytes (transferred, headers included) and requests, each counted from navigation
// start (Chromium offers brotli to localhost, so the server answers with its .br copies).
import fs from "node:fs";
import { chromium } from "@playwright/test";

const [url, phone, logFile] = process.argv.slice(2);
if (!url || !phone || !logFile) {
  console.error("usage: node pwa-load.mjs <server URL> <national phone> <server log file>");
  process.exit(2);
}

/** The newest SMS code the server's `log` provider wrote for this phone. */
async function codeFor(e164) {
  for (let i = 0; i < 100; i++) {
    const log = fs.readFileSync(logFile, "utf8");
    const codes = [...log.matchAll(new RegExp(`SMS code for \\${e164}: (\\d{6})`, "g"))];
    if (codes.length > 0) return codes[codes.length - 1][1];
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no SMS code logged for ${e164}`);
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium" });
try {
  const context = await browser.newContext({ viewport: { width: 360, height: 640 }, locale: "zh-CN" });
  // Signing in (unthrottled, not measured): the refresh cookie lands in the context.
  const sent = await context.request.post(`${url}/api/v1/auth/otp/send`, { data: { phone } });
  if (!sent.ok()) throw new Error(`otp/send: ${sent.status()} ${await sent.text()}`);
  const code = await codeFor(`+86${phone}`);
  const verified = await context.request.post(`${url}/api/v1/auth/otp/verify`, { data: { phone, code } });
  if (!verified.ok()) throw new Error(`otp/verify: ${verified.status()} ${await verified.text()}`);

  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.clearBrowserCache");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 150,
    downloadThroughput: (1.6 * 1024 * 1024) / 8,
    uploadThroughput: (750 * 1024) / 8,
  });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  let bytes = 0;
  let requests = 0;
  cdp.on("Network.loadingFinished", (e) => {
    bytes += e.encodedDataLength;
    requests += 1;
  });
  // The moment the balance appears, in the page's own clock (ms since navigation start).
  await page.addInitScript(() => {
    const seen = () => {
      const el = document.querySelector("[data-testid=balance-value]");
      if (el && /\d/.test(el.textContent ?? "") && window.__usable === undefined) {
        window.__usable = performance.now();
      }
    };
    new MutationObserver(seen).observe(document, { childList: true, subtree: true, characterData: true });
  });
  await page.goto(`${url}/`, { waitUntil: "commit", timeout: 120_000 });
  await page.waitForFunction(() => window.__usable !== undefined, null, { timeout: 120_000 });
  const fcp = await page.evaluate(
    () => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? null,
  );
  const usable = await page.evaluate(() => window.__usable);
  console.log(JSON.stringify({ fcp_ms: fcp, usable_ms: usable, bytes, requests }));
} finally {
  await browser.close();
}
