// The points supermarket on a 360×640 phone: a villager of 谷寨村 redeems 花生油 in three taps
// from 首页 and shows the QR code; the shop's keeper, on another phone without a QR decoder,
// types the short code, sees the masked name and the items, and hands the goods over; the
// villager's screen turns to 已兑换, 我的兑换 says so and 首页 shows the balance less the
// price. Also: the keeper's camera (the browser's BarcodeDetector, played here: desktop
// Chromium has none) reads a code, a wrong code is said plainly, a code used twice is refused
// full-screen; a retried tap reserves once, a price changed meanwhile is said, and 取消兑换 in
// 我的兑换 gives the points back. And 长辈模式: 22 px text that still fits the phone, 首页's
// actions one to a row, 朗读 of the balance and of a goods item (the speech recorded).
//
// Everything is set up through the API by the village admin 13700137005 (serve.sh): the
// villagers (imported), the shop, its two keepers (villagers appointed to it), its goods and
// 200 points for each buyer (an award).
import { expect, test, type APIRequestContext, type BrowserContext, type Locator, type Page } from "./fixtures";
import { signIn } from "./sign-in";
import { playedCamera, showCode } from "./camera";

const artifacts = "artifacts";
const village = "410783101204"; // 谷寨村委会
const admin = { phone: "13700137005", password: "e2e-password-123" };
// One phone per journey: a phone gets one SMS code a minute.
const buyer = { name: "孙兑换", phone: "13600136201" };
const canceller = { name: "周退回", phone: "13600136202" };
const keeper = { name: "吴店主", phone: "13600136203" };
const scanned = { name: "郑扫码", phone: "13600136204" };
const keeper2 = { name: "冯店员", phone: "13600136205" };
const recycler = { name: "陈回收", phone: "13600136206" };
const keeper3 = { name: "蒋称重", phone: "13600136207" };
const elder = { name: "王长辈", phone: "13600136208" };
const everyone = [buyer, canceller, keeper, scanned, keeper2, recycler, keeper3, elder];

let shopId = 0;
const goodsIds: Record<string, number> = {};

/** Nothing wider than the phone. */
async function fitsThePhone(page: Page) {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth).toBeLessThanOrEqual(360);
}

/** The village admin's access token (staff accounts also sign in with a password). */
async function adminToken(request: APIRequestContext): Promise<string> {
  const response = await request.post("/api/v1/auth/password", { data: admin });
  expect(response.status()).toBe(200);
  return (await response.json()).access_token;
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ request }) => {
  const headers = { authorization: `Bearer ${await adminToken(request)}` };
  const csv = [
    "name,phone,village_code,grid_code,household,tags",
    ...everyone.map((p, i) => `${p.name},${p.phone},${village},,05${i}1,`),
  ].join("\n");
  const imported = await request.post("/api/v1/admin/villagers/import", {
    headers: { ...headers, "content-type": "text/csv" },
    data: csv,
  });
  expect(imported.status()).toBe(200);
  expect((await imported.json()).errors).toEqual([]);
  const ids: Record<string, number> = {};
  for (const person of everyone) {
    const found = await request.get(`/api/v1/admin/people?region_code=${village}&phone=${person.phone}`, { headers });
    ids[person.phone] = (await found.json()).items[0].id;
  }

  const shop = await request.post("/api/v1/admin/shops", { headers, data: { name: "谷寨村积分超市", village_code: village } });
  expect(shop.status()).toBe(201);
  shopId = (await shop.json()).id;
  for (const person of [keeper, keeper2, keeper3]) {
    const appointed = await request.post(`/api/v1/admin/shops/${shopId}/keepers`, { headers, data: { user_id: ids[person.phone] } });
    expect(appointed.status()).toBe(200);
  }
  for (const goods of [
    { name: "花生油", points_price: 100, market_price_fen: 7000, stock: 5, per_person_limit: 2 },
    { name: "食用盐", points_price: 10, market_price_fen: 300, stock: 50, per_person_limit: null },
    { name: "洗衣粉", points_price: 30, market_price_fen: 1290, stock: 20, per_person_limit: null },
  ]) {
    const created = await request.post(`/api/v1/admin/shops/${shopId}/goods`, { headers, data: goods });
    expect(created.status()).toBe(201);
    goodsIds[goods.name] = (await created.json()).id;
  }
  const award = await request.post("/api/v1/admin/awards", {
    headers: { ...headers, "idempotency-key": "e2e-shop-award-1" },
    data: { user_ids: [buyer, canceller, scanned, elder].map((p) => ids[p.phone]), points: 200, reason: "积分超市开业奖励" },
  });
  expect(award.status()).toBe(201);
});

test("a villager redeems in three taps from 首页, the keeper types the short code and hands it over, the villager sees 已兑换 and the balance", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  let taps = 0;
  const tap = async (target: Locator) => {
    taps += 1;
    await target.tap();
  };

  await signIn(page, buyer.phone);
  await page.getByTestId("tab-home").tap();
  await expect(page.getByTestId("balance-value")).toHaveText("200");
  for (const tab of ["tab-home", "tab-earn", "tab-shop", "tab-me"]) await expect(page.getByTestId(tab)).toBeVisible();

  // Tap 1: 积分超市. The points price is the big number; the market price is crossed out.
  await tap(page.getByTestId("action-shop"));
  await expect(page).toHaveURL(/\/shop$/);
  await expect(page.getByTestId("tab-shop")).toHaveAttribute("aria-current", "page");
  await expect(page.getByTestId("shop-name")).toHaveText("谷寨村积分超市");
  await expect(page.getByTestId("shop-balance")).toHaveText("200");
  const oil = page.getByTestId("goods-card").filter({ hasText: "花生油" });
  await expect(oil.getByTestId("goods-points")).toHaveText("100 积分");
  await expect(oil.getByTestId("goods-market")).toHaveText("市场价 ¥70.00");
  await expect(oil).toContainText("剩 5 件");
  await expect(oil).toContainText("每人每月限 2 件");
  expect(await oil.getByTestId("goods-market").evaluate((e) => getComputedStyle(e).textDecorationLine)).toContain("line-through");
  const pointsSize = await oil.getByTestId("goods-points").evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  const marketSize = await oil.getByTestId("goods-market").evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  expect(pointsSize).toBeGreaterThan(marketSize);
  expect((await oil.getByTestId("goods-redeem").boundingBox())!.height).toBeGreaterThanOrEqual(48);
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/50-shop-goods.png` });

  // Tap 2: 兑换 asks once, with the points, the balance now and after.
  await tap(oil.getByTestId("goods-redeem"));
  const sheet = page.getByTestId("redeem-sheet");
  await expect(sheet.getByTestId("redeem-goods")).toHaveText("花生油");
  await expect(sheet.getByTestId("redeem-qty")).toHaveText("1");
  await expect(sheet.getByTestId("redeem-unit")).toHaveText("100 积分");
  await expect(sheet.getByTestId("redeem-points")).toHaveText("100 积分");
  await expect(sheet.getByTestId("redeem-balance")).toHaveText("200 积分");
  await expect(sheet.getByTestId("redeem-after")).toHaveText("100 积分");
  await expect(sheet.getByTestId("redeem-confirm")).toBeInViewport();
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/51-redeem-confirm.png` });

  // Tap 3: 确认兑换, with an Idempotency-Key; the QR code opens by itself.
  const posted = page.waitForRequest((r) => r.method() === "POST" && r.url().endsWith("/api/v1/redemptions"));
  await tap(sheet.getByTestId("redeem-confirm"));
  const request = await posted;
  expect(request.headers()["idempotency-key"]).toMatch(/^redeem-[0-9a-f]{32}$/);
  expect(request.postDataJSON()).toEqual({ shop_id: shopId, items: [{ goods_id: goodsIds["花生油"], qty: 1, seen_points: 100 }] });
  await expect(page).toHaveURL(/\/redemptions\/\d+$/);
  expect(taps).toBe(3);
  const screen = page.getByTestId("qr-screen");
  await expect(screen).toHaveAttribute("data-status", "reserved");
  const qr = screen.getByTestId("redemption-qr");
  await expect(qr).toBeVisible();
  const qrBox = (await qr.boundingBox())!;
  expect(Math.min(qrBox.width, qrBox.height)).toBeGreaterThanOrEqual(280);
  expect(await screen.evaluate((e) => getComputedStyle(e).backgroundColor)).toBe("rgb(255, 255, 255)");
  const code = (await screen.getByTestId("redemption-code").getAttribute("data-code"))!;
  expect(code).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
  await expect(screen.getByTestId("redemption-code")).toHaveText(`${code.slice(0, 4)} ${code.slice(4)}`);
  const codeSize = await screen.getByTestId("redemption-code").evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  expect(codeSize).toBeGreaterThanOrEqual(36);
  await expect(screen.getByTestId("qr-points")).toHaveText("100 积分");
  await expect(screen.getByTestId("price-changed")).toHaveCount(0);
  await expect(screen).toContainText("请在");
  await expect(screen).toContainText("前到「谷寨村积分超市」领取");
  // The key was kept only while no answer had come.
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("jifen.redeem.")))).toEqual([]);
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/52-redemption-qr.png` });

  // The keeper, on another phone whose browser cannot read QR codes: the code field.
  const keeperContext = await browser.newContext();
  await keeperContext.addInitScript(() => {
    delete (window as unknown as { BarcodeDetector?: unknown }).BarcodeDetector;
  });
  const counter = await keeperContext.newPage();
  counter.on("pageerror", (e) => errors.push(String(e)));
  await signIn(counter, keeper.phone);
  await expect(counter.locator(".role-chip")).toHaveText("积分超市管理员");
  await expect(counter.getByRole("link", { name: "扫码兑换" })).toBeVisible();
  await expect(counter.getByTestId("tab-home")).toHaveCount(0);
  await counter.getByTestId("tab-scan").tap();
  await expect(counter).toHaveURL(/\/keeper$/);
  await expect(counter.getByRole("heading", { level: 1 })).toHaveText("扫码兑换");
  await expect(counter.getByTestId("scan-note")).toHaveText("这部手机不能直接扫码，请输入兑换码下面的 8 位码，或会员卡上的 10 位卡号");
  await expect(counter.getByTestId("scan-video")).toBeHidden();
  // Typed as read out: in lower case, with the space.
  await counter.getByTestId("short-code").fill(`${code.slice(0, 4)} ${code.slice(4)}`.toLowerCase());
  await counter.getByTestId("short-code-submit").tap();
  const preview = counter.getByTestId("keeper-preview");
  await expect(preview.getByTestId("preview-villager")).toHaveText("孙*换");
  await expect(preview.getByTestId("preview-item")).toHaveCount(1);
  await expect(preview.getByTestId("preview-item")).toContainText("花生油 × 1");
  await expect(preview.getByTestId("preview-points")).toHaveText("100 积分");
  await expect(counter.getByText(buyer.name)).toHaveCount(0);
  expect((await preview.getByTestId("keeper-fulfil").boundingBox())!.height).toBeGreaterThanOrEqual(48);
  await fitsThePhone(counter);
  await counter.screenshot({ path: `${artifacts}/53-keeper-preview.png` });
  // One tap hands it over; the outcome fills the screen.
  await preview.getByTestId("keeper-fulfil").tap();
  const result = counter.getByTestId("keeper-result");
  await expect(result).toHaveAttribute("data-outcome", "handed");
  await expect(result.getByRole("heading")).toHaveText("已兑换 ✓");
  await expect(result).toContainText("请把商品交给村民");
  await expect(result).toContainText("花生油 × 1");
  await counter.screenshot({ path: `${artifacts}/54-keeper-handed.png` });
  await result.getByTestId("keeper-next").tap();
  await expect(counter.getByTestId("short-code")).toBeVisible();

  // The villager's screen learns it by itself.
  await expect(screen).toHaveAttribute("data-status", "fulfilled", { timeout: 15_000 });
  await expect(page.getByTestId("qr-collected")).toContainText("已兑换");
  await expect(page.getByTestId("redemption-qr")).toHaveCount(0);
  await page.screenshot({ path: `${artifacts}/55-redemption-collected.png` });

  // 我的兑换: 已兑换.
  await page.getByTestId("qr-done").tap();
  await expect(page).toHaveURL(/\/redemptions$/);
  const item = page.getByTestId("redemption-item");
  await expect(item).toHaveCount(1);
  await expect(item.first().getByTestId("redemption-status")).toHaveText("已兑换");
  await expect(item.first()).toContainText("花生油 × 1");
  await expect(item.first()).toContainText("谷寨村积分超市");
  await expect(item.first().getByTestId("redemption-show")).toHaveCount(0);
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/56-my-redemptions.png` });

  // 首页: 100 left, nothing held.
  await page.getByTestId("tab-home").tap();
  await expect(page.getByTestId("balance-value")).toHaveText("100");
  await expect(page.getByTestId("balance-pending")).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("the keeper's camera reads a QR code; a wrong code is said plainly; a code used twice is refused full-screen", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));

  // 郑扫码 redeems two bags of salt.
  await signIn(page, scanned.phone);
  await page.goto("/shop");
  await page.getByTestId("goods-card").filter({ hasText: "食用盐" }).getByTestId("goods-redeem").tap();
  const sheet = page.getByTestId("redeem-sheet");
  await sheet.getByTestId("qty-plus").tap();
  await expect(sheet.getByTestId("redeem-qty")).toHaveText("2");
  await expect(sheet.getByTestId("redeem-points")).toHaveText("20 积分");
  await expect(sheet.getByTestId("redeem-after")).toHaveText("180 积分");
  const reserved = page.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith("/api/v1/redemptions"));
  await sheet.getByTestId("redeem-confirm").tap();
  const { qr_token: token } = await (await reserved).json();
  await expect(page.getByTestId("redemption-qr")).toBeVisible();

  // The keeper's phone reads QR codes.
  const keeperContext = await browser.newContext();
  await playedCamera(keeperContext);
  const counter = await keeperContext.newPage();
  counter.on("pageerror", (e) => errors.push(String(e)));
  await signIn(counter, keeper2.phone);
  // `/` takes a keeper to the counter.
  await counter.goto("/");
  await expect(counter).toHaveURL(/\/keeper$/);
  await expect(counter.getByText("把村民的兑换码或会员卡放进框里")).toBeVisible();
  await expect(counter.getByTestId("scan-note")).toHaveCount(0);
  await expect(counter.getByTestId("scan-video")).toBeVisible();
  await expect(counter.getByTestId("short-code")).toBeVisible();

  // A code typed wrong: said under the field; a malformed one is not even sent.
  const lookups: string[] = [];
  counter.on("request", (r) => {
    if (r.url().endsWith("/api/v1/shop/scan")) lookups.push(r.postData() ?? "");
  });
  await counter.getByTestId("short-code").fill("AB1");
  await counter.getByTestId("short-code-submit").tap();
  await expect(counter.getByTestId("scan-error")).toHaveText("兑换码是 8 位数字和大写字母（没有 0、O、1、I、L），会员卡号是 10 位数字，请核对");
  expect(lookups).toEqual([]);
  await counter.getByTestId("short-code").fill("ABCD-2345");
  await counter.getByTestId("short-code-submit").tap();
  await expect(counter.getByTestId("scan-error")).toHaveText("没有找到这个兑换码，请核对后重新输入；或请村民重新打开兑换码");
  expect(lookups.map((l) => JSON.parse(l))).toEqual([{ qr_token: null, short_code: "ABCD2345" }]);
  await fitsThePhone(counter);
  // The refusal is read whole: brought up above the tab bar, not left under it.
  await expect
    .poll(async () => {
      const error = (await counter.getByTestId("scan-error").boundingBox())!;
      const bar = (await counter.locator(".tabbar").boundingBox())!;
      return error.y + error.height <= bar.y;
    })
    .toBe(true);
  await counter.screenshot({ path: `${artifacts}/57-keeper-wrong-code.png` });

  // The camera reads the villager's code: the preview, and the camera goes off.
  await showCode(counter, token);
  const preview = counter.getByTestId("keeper-preview");
  await expect(preview.getByTestId("preview-villager")).toHaveText("郑*码");
  await expect(preview.getByTestId("preview-item")).toContainText("食用盐 × 2");
  await expect(preview.getByTestId("preview-points")).toHaveText("20 积分");
  expect(JSON.parse(lookups[1])).toEqual({ qr_token: token, short_code: null });
  await expect.poll(() => counter.evaluate(() => (window as unknown as { __stopped: number }).__stopped)).toBeGreaterThan(0);
  await preview.getByTestId("keeper-fulfil").tap();
  await expect(counter.getByTestId("keeper-result")).toHaveAttribute("data-outcome", "handed");

  // 继续扫码 while the villager still holds the same code up: refused, full-screen.
  await counter.getByTestId("keeper-next").tap();
  const refused = counter.getByTestId("keeper-result");
  await expect(refused).toHaveAttribute("data-outcome", "already_fulfilled");
  await expect(refused.getByRole("heading")).toHaveText("已被兑换");
  await expect(refused).toContainText("这个兑换码已经兑换过了，不能再发放商品");
  await counter.screenshot({ path: `${artifacts}/58-keeper-already-handed.png` });
  expect(errors).toEqual([]);
});

test("a retried tap reserves once, a price changed meanwhile is said, and 取消兑换 gives the points back", async ({ page, request }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await signIn(page, canceller.phone);
  await page.goto("/shop");
  const soap = page.getByTestId("goods-card").filter({ hasText: "洗衣粉" });
  await expect(soap.getByTestId("goods-points")).toHaveText("30 积分");

  // Meanwhile the village admin raises the price.
  const headers = { authorization: `Bearer ${await adminToken(request)}` };
  const raised = await request.put(`/api/v1/admin/goods/${goodsIds["洗衣粉"]}`, {
    headers,
    data: { points_price: 40, market_price_fen: 1290, per_person_limit: null, active: true },
  });
  expect(raised.status()).toBe(200);

  await soap.getByTestId("goods-redeem").tap();
  const sheet = page.getByTestId("redeem-sheet");
  await expect(sheet.getByTestId("redeem-points")).toHaveText("30 积分");
  // The server reserves, but its answer is lost on the way back.
  const keys: string[] = [];
  await page.route("**/api/v1/redemptions", async (route) => {
    keys.push(route.request().headers()["idempotency-key"]);
    if (keys.length === 1) {
      await route.fetch();
      return route.abort("internetdisconnected");
    }
    return route.continue();
  });
  await sheet.getByTestId("redeem-confirm").tap();
  await expect(sheet.getByTestId("redeem-error")).toHaveText("网络不好，没有收到结果。请再点「确认兑换」，不会重复兑换");
  await expect(sheet.getByTestId("qty-plus")).toBeDisabled();
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/59-redeem-no-answer.png` });
  // The same key again: the server answers the first reservation.
  await sheet.getByTestId("redeem-confirm").tap();
  await expect(page).toHaveURL(/\/redemptions\/\d+$/);
  expect(keys).toHaveLength(2);
  expect(keys[1]).toBe(keys[0]);
  await page.unroute("**/api/v1/redemptions");
  await expect(page.getByTestId("price-changed")).toHaveText("「洗衣粉」价格已变为 40 积分（刚才显示 30 积分）");
  await expect(page.getByTestId("qr-points")).toHaveText("40 积分");
  await expect(page.getByTestId("qr-screen").getByTestId("redemption-cancel")).toBeVisible();
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/60-redemption-price-changed.png` });

  // 首页: 40 held.
  await page.goto("/");
  await expect(page.getByTestId("balance-value")).toHaveText("160");
  await expect(page.getByTestId("balance-pending")).toHaveText("另有 40 积分兑换中（暂不能用）");

  // 我的兑换: one reservation, not two; the code opens again; then 取消兑换.
  await page.getByTestId("action-redemptions").tap();
  await expect(page).toHaveURL(/\/redemptions$/);
  const items = page.getByTestId("redemption-item");
  await expect(items).toHaveCount(1);
  const mine = items.first();
  await expect(mine.getByTestId("redemption-status")).toHaveText("待兑换");
  await expect(mine).toContainText("洗衣粉 × 1");
  await mine.getByTestId("redemption-show").tap();
  await expect(page.getByTestId("redemption-qr")).toBeVisible();
  await expect(page.getByTestId("redemption-code")).toHaveText(/^[2-9A-HJKMNP-Z]{4} [2-9A-HJKMNP-Z]{4}$/);
  await page.getByTestId("qr-done").tap();
  await mine.getByTestId("redemption-cancel").tap();
  await expect(mine.getByText("确定取消这次兑换吗？积分会退回。")).toBeVisible();
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/61-redemption-cancel.png` });
  await mine.getByTestId("redemption-cancel-yes").tap();
  await expect(mine.getByTestId("redemption-status")).toHaveText("已取消");
  await expect(mine.getByTestId("redemption-cancelled")).toHaveText("已取消，积分已退回");
  await expect(mine.getByTestId("redemption-show")).toHaveCount(0);

  // The points are back.
  await page.getByTestId("tab-home").tap();
  await expect(page.getByTestId("balance-value")).toHaveText("200");
  await expect(page.getByTestId("balance-pending")).toHaveCount(0);

  // English is one tap away.
  await page.goto("/shop");
  await page.getByRole("button", { name: "EN" }).tap();
  await expect(page.getByTestId("goods-card").filter({ hasText: "洗衣粉" }).getByTestId("goods-redeem")).toHaveText("Redeem");
  await expect(page.getByTestId("goods-card").filter({ hasText: "洗衣粉" }).getByTestId("goods-points")).toHaveText("40 points");
  await page.getByRole("button", { name: "中文" }).tap();
  expect(errors).toEqual([]);
});

test("the keeper credits recyclables by member code and by phone, the villager sees the points, and 今日汇总 adds up the day", async ({ page, browser, request }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  const rates = Object.fromEntries(
    ((await (await request.get(`/api/v1/recycling/categories?region_code=${village}`)).json()) as { name: string; points_per_kg: number }[]).map((c) => [c.name, c.points_per_kg]),
  );
  const earned = (name: string, grams: number) => Math.floor((grams * rates[name]) / 1000);

  // 陈回收 opens 我的会员码 from 首页: full-screen, white.
  await signIn(page, recycler.phone);
  await page.getByTestId("tab-home").tap();
  await expect(page.getByTestId("balance-value")).toHaveText("0");
  const issued = page.waitForResponse((r) => r.url().endsWith("/api/v1/me/member-code"));
  await page.getByTestId("action-member-code").tap();
  await expect(page).toHaveURL(/\/me\/member-code$/);
  const { token: memberCode } = await (await issued).json();
  const screen = page.getByTestId("member-screen");
  await expect(screen.getByTestId("member-qr")).toBeVisible();
  expect((await screen.getByTestId("member-qr").boundingBox())!.width).toBeGreaterThanOrEqual(280);
  await expect(screen).toContainText("我的会员码");
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/62-member-code.png` });

  // The keeper: 回收 is their second tab; the camera reads the member code.
  const keeperContext = await browser.newContext();
  await playedCamera(keeperContext);
  const counter = await keeperContext.newPage();
  counter.on("pageerror", (e) => errors.push(String(e)));
  await signIn(counter, keeper3.phone);
  for (const tab of ["tab-scan", "tab-recycle", "tab-today", "tab-me"]) await expect(counter.getByTestId(tab)).toBeVisible();
  await counter.getByTestId("tab-recycle").tap();
  await expect(counter).toHaveURL(/\/keeper\/recycling$/);
  await expect(counter.getByRole("heading", { level: 1 })).toHaveText("回收称重");
  // A phone nobody has: said plainly.
  await counter.getByTestId("villager-phone").fill("13600000000");
  await counter.getByTestId("villager-find").tap();
  await expect(counter.getByTestId("identify-error")).toHaveText("没有找到这个会员码或手机号");
  await showCode(counter, memberCode);
  await expect(counter.getByTestId("dropoff-name")).toHaveText("陈*收");
  await expect(counter.getByTestId("dropoff-villager")).toContainText("谷寨村");

  // 废纸 2.35 kg, then 塑料瓶 0.8 kg; a weight finer than a gram is refused before sending.
  await counter.getByTestId("category").filter({ hasText: "废纸" }).tap();
  await expect(counter.getByTestId("category").filter({ hasText: "废纸" })).toHaveAttribute("aria-checked", "true");
  await counter.getByTestId("weight").fill("2.3456");
  await counter.getByTestId("add-line").tap();
  await expect(counter.getByTestId("dropoff-error")).toHaveText("请输入重量，如 2.35（公斤，最多 3 位小数，最多 1000 公斤）");
  await counter.getByTestId("weight").fill("2.35");
  await expect(counter.getByTestId("weight-read")).toHaveText("= 2.350 公斤");
  await counter.getByTestId("add-line").tap();
  await expect(counter.getByTestId("dropoff-line")).toHaveCount(1);
  await expect(counter.getByTestId("dropoff-line")).toContainText("2.350 公斤");
  await counter.getByTestId("category").filter({ hasText: "塑料瓶" }).tap();
  await counter.getByTestId("weight").fill("0.8");
  await fitsThePhone(counter);
  await counter.screenshot({ path: `${artifacts}/63-recycling-weigh.png` });
  const credited = counter.waitForRequest((r) => r.method() === "POST" && r.url().endsWith("/api/v1/shop/recycling"));
  await counter.getByTestId("dropoff-submit").tap();
  const sent = await credited;
  expect(sent.headers()["idempotency-key"]).toMatch(/^dropoff-[0-9a-f]{32}$/);
  expect(sent.postDataJSON().lines).toHaveLength(2);
  const first = earned("废纸", 2350) + earned("塑料瓶", 800);
  const result = counter.getByTestId("dropoff-result");
  await expect(result.getByRole("heading")).toHaveText("已入账");
  await expect(result.getByTestId("dropoff-points")).toHaveText(`+${first} 积分`);
  await expect(result.getByTestId("dropoff-item")).toHaveCount(2);
  await expect(result.getByTestId("dropoff-item").first()).toContainText("2.350 公斤");
  await counter.screenshot({ path: `${artifacts}/64-recycling-credited.png` });

  // 下一位: 周退回 by phone, 金属 1 kg.
  await showCode(counter, "");
  await result.getByTestId("dropoff-next").tap();
  await counter.getByTestId("villager-phone").fill(canceller.phone);
  await counter.getByTestId("villager-find").tap();
  await expect(counter.getByTestId("dropoff-name")).toHaveText("周*回");
  await counter.getByTestId("category").filter({ hasText: "金属" }).tap();
  await counter.getByTestId("weight").fill("1");
  await counter.getByTestId("dropoff-submit").tap();
  const second = earned("金属", 1000);
  await expect(counter.getByTestId("dropoff-points")).toHaveText(`+${second} 积分`);
  await counter.getByTestId("dropoff-next").tap();

  // 今日汇总: the two drop-offs, their points and weights.
  await counter.getByTestId("tab-today").tap();
  await expect(counter).toHaveURL(/\/keeper\/today$/);
  await expect(counter.getByRole("heading", { level: 1 })).toHaveText("今日汇总");
  await expect(counter.getByTestId("today-dropoffs")).toHaveText("2");
  await expect(counter.getByTestId("today-credited")).toHaveText(String(first + second));
  await expect(counter.getByTestId("today-redemptions")).toHaveText(/^\d+$/);
  await expect(counter.getByTestId("today-recycling").filter({ hasText: "废纸" })).toContainText("2.350 公斤");
  await expect(counter.getByTestId("today-recycling").filter({ hasText: "金属" })).toContainText("1.000 公斤");
  await fitsThePhone(counter);
  await counter.screenshot({ path: `${artifacts}/65-keeper-today.png` });

  // The villager's 首页 and 积分明细 show the credit.
  await page.getByTestId("qr-done").tap();
  await expect(page).toHaveURL(/\/$/);
  await page.reload();
  await expect(page.getByTestId("balance-value")).toHaveText(String(first));
  await page.getByTestId("action-history").tap();
  await expect(page.getByTestId("ledger-entry").first()).toContainText("回收入账");
  await expect(page.getByTestId("ledger-entry").first().getByTestId("ledger-amount")).toHaveText(`+${first}`);
  expect(errors).toEqual([]);
});

test("长辈模式 on 我的: 22 px text that still fits 360 px, actions one to a row, 朗读 reads the balance and a goods item; off again", async ({ page }) => {
  test.setTimeout(90_000);
  // What the phone would say: the browser's speech synthesis, recorded.
  await page.addInitScript(() => {
    const w = window as unknown as { __spoken: { text: string; lang: string }[] };
    w.__spoken = [];
    window.speechSynthesis.speak = (u: SpeechSynthesisUtterance) => {
      w.__spoken.push({ text: u.text, lang: u.lang });
    };
  });
  const spoken = () => page.evaluate(() => (window as unknown as { __spoken: { text: string; lang: string }[] }).__spoken);
  const rootSize = () => page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
  /** No text cut off: every element of these wraps within its box. */
  const nothingCut = async (selector: string) => {
    const cut = await page.locator(selector).evaluateAll((all) =>
      all.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent),
    );
    expect(cut).toEqual([]);
  };

  await signIn(page, elder.phone);
  expect(await rootSize()).toBe(18);
  const toggle = page.getByTestId("elder-mode");
  await expect(toggle).toHaveAttribute("aria-checked", "false");
  await expect(toggle).toContainText("长辈模式");
  await toggle.tap();
  await expect(toggle).toHaveAttribute("aria-checked", "true");
  await expect.poll(rootSize).toBe(22);
  await fitsThePhone(page);
  await nothingCut(".row-name, .row-sub, .tab-label");
  await toggle.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${artifacts}/elder-me.png` });

  // 首页: the balance with 朗读, the actions one to a row, nothing wider than the phone.
  await page.getByTestId("tab-home").tap();
  await expect(page.getByTestId("balance-value")).toHaveText("200");
  const earn = (await page.getByTestId("action-earn").boundingBox())!;
  const shop = (await page.getByTestId("action-shop").boundingBox())!;
  expect(shop.y).toBeGreaterThanOrEqual(earn.y + earn.height);
  expect(earn.width).toBeGreaterThan(300);
  await fitsThePhone(page);
  await nothingCut(".tile-label, .balance-label, .greeting");
  await page.screenshot({ path: `${artifacts}/elder-home.png` });
  await page.getByTestId("read-aloud").tap();
  expect(await spoken()).toEqual([{ text: "您现在有 200 积分可以用", lang: "zh-CN" }]);

  // The choice belongs to the phone: a reload keeps it.
  await page.reload();
  await expect(page.getByTestId("balance-value")).toHaveText("200");
  await expect.poll(rootSize).toBe(22);

  // 积分超市: a goods item read aloud, its name and points.
  await page.getByTestId("action-shop").tap();
  const salt = page.getByTestId("goods-card").filter({ hasText: "食用盐" });
  await salt.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${artifacts}/elder-shop.png` });
  await expect(salt.getByTestId("read-aloud")).toHaveAttribute("aria-label", "朗读 食用盐");
  await salt.getByTestId("read-aloud").tap();
  expect((await spoken()).at(-1)).toEqual({ text: "食用盐，10 积分", lang: "zh-CN" });
  await fitsThePhone(page);
  await nothingCut(".goods-name, .goods-points, .goods-redeem, .shop-name");
  expect((await salt.getByTestId("goods-redeem").boundingBox())!.height).toBeGreaterThanOrEqual(48);

  // Off again: 18 px and no 朗读.
  await page.getByTestId("tab-me").tap();
  await page.getByTestId("elder-mode").tap();
  await expect(page.getByTestId("elder-mode")).toHaveAttribute("aria-checked", "false");
  await expect.poll(rootSize).toBe(18);
  await page.getByTestId("tab-home").tap();
  await expect(page.getByTestId("balance-value")).toHaveText("200");
  await expect(page.getByTestId("read-aloud")).toHaveCount(0);
});
