// Browser journeys in Debian's Chromium (/usr/bin/chromium, or $CHROMIUM) at a cheap phone's
// 360×640 viewport, against the real `jifen serve` on a fresh SQLite database with 长垣市 loaded.
import { defineConfig } from "@playwright/test";

const port = Number(process.env.JIFEN_E2E_PORT ?? 18765);
// The fake WeChat API (fake-wechat.mjs); serve.sh points the server at it.
const wechatPort = port + 1;
// The demo county's server (serve-demo.sh): seeded and simulated before it answers.
const demoPort = port + 2;

export default defineConfig({
  testDir: "./tests",
  outputDir: "./test-results",
  timeout: 30_000,
  fullyParallel: false,
  workers: 1,
  // In CI one retry, so a journey that fails once on a loaded machine does not sink the run;
  // the list reporter still names it "flaky" and scripts/test repeats that line at its end.
  retries: process.env.CI ? 1 : 0,
  forbidOnly: true,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 360, height: 640 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: [
    {
      command: `node ./fake-wechat.mjs ${wechatPort}`,
      url: `http://127.0.0.1:${wechatPort}/healthz`,
      timeout: 10_000,
      reuseExistingServer: false,
    },
    {
      command: `bash ./serve.sh ${port} ${wechatPort}`,
      url: `http://127.0.0.1:${port}/readyz`,
      timeout: 180_000,
      reuseExistingServer: false,
      // The server's log is in test-results/server.log (serve.sh); only its errors here.
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: `bash ./serve-demo.sh ${demoPort}`,
      url: `http://127.0.0.1:${demoPort}/readyz`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
  ],
});
