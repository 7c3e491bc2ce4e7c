// The region browser (县 → 乡镇 → 村) as a villager meets it on a 360×640 phone.
import SwaggerParser from "@apidevtools/swagger-parser";
import { expect, test } from "./fixtures";
import fs from "node:fs";

const artifacts = "artifacts";

// Each test runs in a fresh browser context: empty storage, so the app starts in Chinese.

test("home lists 长垣市's 19 township-level units, and 樊相镇 leads to 留村", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));

  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("长垣市");
  const rows = page.locator("ul.list > li");
  await expect(rows).toHaveCount(19);
  await expect(page.getByText("19 个乡镇（街道）")).toBeVisible();
  await expect(rows.first()).toContainText("蒲西街道");
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  // Rendered by the wasm app (the boot placeholder is gone).
  await expect(page.locator("#boot")).toHaveCount(0);
  await page.screenshot({ path: `${artifacts}/01-home-county.png` });

  await page.getByRole("link", { name: /樊相镇/ }).tap();
  await expect(page).toHaveURL(/\/regions\/410783101$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("樊相镇");
  const liucun = page.getByRole("link", { name: /留村村委会/ });
  await expect(liucun).toBeVisible();
  await expect(page.getByRole("link", { name: "长垣市" })).toBeVisible();
  await page.screenshot({ path: `${artifacts}/02-township-fanxiang.png` });

  // The filter narrows a long list as the villager types.
  await page.getByRole("searchbox").fill("留村");
  await expect(page.locator("ul.list > li")).toHaveCount(1);
  await liucun.tap();
  await expect(page).toHaveURL(/\/regions\/410783101230$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("留村村委会");
  await expect(page.getByText("这里还没有划分网格")).toBeVisible();
  await page.screenshot({ path: `${artifacts}/03-village-liucun.png` });

  // Back goes back, the breadcrumb goes up.
  await page.goBack();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("樊相镇");
  await page.getByRole("link", { name: "长垣市" }).tap();
  await expect(page.locator("ul.list > li")).toHaveCount(19);
  expect(errors).toEqual([]);
});

test("touch targets are at least 48 px and text at least 16 px", async ({ page }) => {
  await page.goto("/regions/410783101");
  await expect(page.locator("ul.list > li").first()).toBeVisible();
  for (const locator of [page.locator("a.row").first(), page.locator("button.lang"), page.getByRole("searchbox")]) {
    const box = await locator.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
  }
  const rowHeight = (await page.locator("a.row").first().boundingBox())!.height;
  expect(rowHeight).toBeGreaterThanOrEqual(48);
  const fontSize = await page.locator(".row-name").first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  expect(fontSize).toBeGreaterThanOrEqual(16);
  // Nothing overflows the 360 px width.
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth).toBeLessThanOrEqual(360);
});

test("a deep link loads directly, and English is one tap away", async ({ page }) => {
  await page.goto("/regions/410783101230");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("留村村委会");
  await page.getByRole("button", { name: "EN" }).tap();
  await expect(page.getByText("No grids have been set up here yet")).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await page.reload();
  await expect(page.getByText("No grids have been set up here yet")).toBeVisible();
  await page.getByRole("button", { name: "中文" }).tap();
  await expect(page.getByText("这里还没有划分网格")).toBeVisible();
});

test("unknown places and pages say so in plain words", async ({ page }) => {
  await page.goto("/regions/999999999");
  await expect(page.getByText("没有找到这个地方")).toBeVisible();
  await page.goto("/regions/not-a-code");
  await expect(page.getByText("没有找到这个地方")).toBeVisible();
  await page.goto("/no/such/page");
  await expect(page.getByText("没有这个页面")).toBeVisible();
  await page.getByRole("link", { name: "回到首页" }).tap();
  await expect(page.locator("ul.list > li")).toHaveCount(19);
});

test("a dropped connection shows a sentence and a retry that works", async ({ page }) => {
  let fail = true;
  await page.route("**/api/v1/regions/410783101", (route) => (fail ? route.abort("internetdisconnected") : route.continue()));
  await page.goto("/regions/410783101");
  await expect(page.getByText("网络不好，请检查网络后重试")).toBeVisible();
  await page.screenshot({ path: `${artifacts}/04-network-problem.png` });
  fail = false;
  await page.getByRole("button", { name: "重试" }).tap();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("樊相镇");
});

test("the app shell is a PWA: manifest, service worker, cache rules", async ({ page, request }) => {
  await page.goto("/");
  await expect(page.locator("ul.list > li")).toHaveCount(19);
  const manifest = await (await request.get("/manifest.webmanifest")).json();
  expect(manifest.short_name).toBe("积分");
  expect(manifest.icons.map((i: { sizes: string }) => i.sizes)).toContain("512x512");
  const registered = await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    return registration.active?.scriptURL ?? "";
  });
  expect(registered).toMatch(/\/sw\.js$/);
  const index = await request.get("/");
  expect(index.headers()["cache-control"]).toBe("no-cache");
  const wasm = await page.evaluate(() => document.querySelector('link[rel="preload"]')!.getAttribute("href"));
  const asset = await request.get(wasm!);
  expect(asset.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
  expect(asset.headers()["content-type"]).toBe("application/wasm");
  // With the worker in control, API answers are never put in its caches.
  await page.reload();
  await expect(page.locator("ul.list > li")).toHaveCount(19);
  const cached = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      for (const req of await (await caches.open(name)).keys()) urls.push(new URL(req.url).pathname);
    }
    return { controlled: navigator.serviceWorker.controller !== null, urls };
  });
  expect(cached.controlled).toBe(true);
  expect(cached.urls).toContain("/index.html");
  expect(cached.urls).toContain(wasm);
  expect(cached.urls.filter((u) => u.startsWith("/api/"))).toEqual([]);
});

test("offline, the cached shell still opens and says the network is the problem", async ({ page, context }) => {
  await page.goto("/");
  await expect(page.locator("ul.list > li")).toHaveCount(19);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload(); // now controlled by the worker
  await expect(page.locator("ul.list > li")).toHaveCount(19);
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByText("网络不好，请检查网络后重试")).toBeVisible();
  await page.screenshot({ path: `${artifacts}/05-offline.png` });
  await context.setOffline(false);
  await page.getByRole("button", { name: "重试" }).tap();
  await expect(page.locator("ul.list > li")).toHaveCount(19);
});

test("the OpenAPI document is valid OpenAPI", async ({ request }) => {
  const response = await request.get("/api/v1/openapi.json");
  expect(response.status()).toBe(200);
  const doc = await response.json();
  fs.mkdirSync(artifacts, { recursive: true });
  fs.writeFileSync(`${artifacts}/openapi.json`, JSON.stringify(doc, null, 2));
  // Validates against the OpenAPI 3.x schema and resolves every $ref (throws otherwise).
  const api = await SwaggerParser.validate(structuredClone(doc));
  expect(api.openapi).toMatch(/^3\.1\./);
  expect(Object.keys(doc.paths).sort()).toEqual([
    "/api/v1/admin/assistance/{county_code}",
    "/api/v1/admin/audit",
    "/api/v1/admin/award-limits/{county_code}",
    "/api/v1/admin/awards",
    "/api/v1/admin/awards/preview",
    "/api/v1/admin/corrections",
    "/api/v1/admin/corrections/preview",
    "/api/v1/admin/delegations/{id}/end",
    "/api/v1/admin/goods/{id}",
    "/api/v1/admin/goods/{id}/movements",
    "/api/v1/admin/goods/{id}/stock",
    "/api/v1/admin/grids",
    "/api/v1/admin/grids/{code}/members",
    "/api/v1/admin/low-stock",
    "/api/v1/admin/member-cards",
    "/api/v1/admin/people",
    "/api/v1/admin/people/{id}",
    "/api/v1/admin/people/{id}/close",
    "/api/v1/admin/people/{id}/closing",
    "/api/v1/admin/people/{id}/delegations",
    "/api/v1/admin/people/{id}/ledger",
    "/api/v1/admin/people/{id}/member-card/replace",
    "/api/v1/admin/people/{id}/phone",
    "/api/v1/admin/ratings/summary",
    "/api/v1/admin/rectifications",
    "/api/v1/admin/rectifications/{id}/close",
    "/api/v1/admin/recycling/categories",
    "/api/v1/admin/reports/overview",
    "/api/v1/admin/rules",
    "/api/v1/admin/rules/{id}",
    "/api/v1/admin/rules/{id}/history",
    "/api/v1/admin/rules/{id}/settings/{region_code}",
    "/api/v1/admin/services/orders",
    "/api/v1/admin/services/orders/{id}/dispatch",
    "/api/v1/admin/services/orders/{id}/volunteers",
    "/api/v1/admin/services/types",
    "/api/v1/admin/shops",
    "/api/v1/admin/shops/{id}",
    "/api/v1/admin/shops/{id}/goods",
    "/api/v1/admin/shops/{id}/keepers",
    "/api/v1/admin/shops/{id}/keepers/{user_id}",
    "/api/v1/admin/shops/{id}/payments",
    "/api/v1/admin/users/{id}/password/reset",
    "/api/v1/admin/users/{id}/roles",
    "/api/v1/admin/users/{id}/roles/{role}/{region_code}",
    "/api/v1/admin/villagers/import",
    "/api/v1/auth/logout",
    "/api/v1/auth/methods",
    "/api/v1/auth/otp/send",
    "/api/v1/auth/otp/verify",
    "/api/v1/auth/password",
    "/api/v1/auth/password/change",
    "/api/v1/auth/refresh",
    "/api/v1/auth/wechat",
    "/api/v1/auth/wechat/bind",
    "/api/v1/auth/wechat/start",
    "/api/v1/claims",
    "/api/v1/claims/mine",
    "/api/v1/inbox",
    "/api/v1/inbox/read",
    "/api/v1/inbox/unread",
    "/api/v1/inbox/{id}/read",
    "/api/v1/me",
    "/api/v1/me/member-code",
    "/api/v1/media",
    "/api/v1/media/{id}",
    "/api/v1/media/{id}/thumb",
    "/api/v1/openapi.json",
    "/api/v1/points/balance",
    "/api/v1/points/ledger",
    "/api/v1/proxy/delegations",
    "/api/v1/proxy/receipts/{receipt_no}",
    "/api/v1/proxy/sessions",
    "/api/v1/proxy/sessions/{id}/end",
    "/api/v1/public/villages/{code}/board",
    "/api/v1/recycling/categories",
    "/api/v1/redemptions",
    "/api/v1/redemptions/mine",
    "/api/v1/redemptions/{id}/cancel",
    "/api/v1/regions",
    "/api/v1/regions/{code}",
    "/api/v1/review/claims",
    "/api/v1/review/claims/{id}/approve",
    "/api/v1/review/claims/{id}/reject",
    "/api/v1/rules",
    "/api/v1/services/orders",
    "/api/v1/services/orders/available",
    "/api/v1/services/orders/mine",
    "/api/v1/services/orders/tasks",
    "/api/v1/services/orders/{id}",
    "/api/v1/services/orders/{id}/cancel",
    "/api/v1/services/orders/{id}/claim",
    "/api/v1/services/orders/{id}/complete",
    "/api/v1/services/orders/{id}/rate",
    "/api/v1/services/orders/{id}/release",
    "/api/v1/services/types",
    "/api/v1/shop/identify",
    "/api/v1/shop/kept",
    "/api/v1/shop/recycling",
    "/api/v1/shop/redemptions/{id}/fulfil",
    "/api/v1/shop/scan",
    "/api/v1/shop/settlements",
    "/api/v1/shop/{id}/today",
    "/api/v1/shops",
    "/api/v1/shops/{id}/goods",
    "/healthz",
    "/metrics",
    "/readyz",
  ]);
});
