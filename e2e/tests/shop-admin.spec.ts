// 管理 → 积分超市 on a 360×640 phone: the village admin of 上官村 opens the village's shop,
// adds 洗洁精 with a photo and 10 in stock (a warning at 9), and appoints a keeper by finding
// him; a villager of the village sees it in 积分超市 and redeems it; the keeper types the
// code and hands it over; the admin sees 库存 9 marked 库存不足, writes one off (asked once,
// with the stock it leaves, a reason required), reads the stock history and the low-stock
// list, and finally closes the shop (asked once): the villager no longer sees it. The admin's
// shop screen is also taken at 1280 px.
//
// The villagers are imported and given points through the API by the village admin
// 13700137010 (serve.sh); everything else happens on screen.
import { expect, test, type APIRequestContext, type Page } from "./fixtures";
import { signIn } from "./sign-in";

const artifacts = "artifacts";
const village = "410783101211"; // 上官村委会
const admin = { phone: "13700137010", password: "e2e-password-123" };
// One phone per journey: a phone gets one SMS code a minute.
const buyer = { name: "赵买家", phone: "13700137011" };
const keeper = { name: "钱店主", phone: "13700137012" };

/** Nothing wider than the phone. */
async function fitsThePhone(page: Page) {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth).toBeLessThanOrEqual(360);
}

/** A photo of a bottle of dish soap, drawn in the page. */
async function soapPhoto(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = 800;
    canvas.height = 800;
    const g = canvas.getContext("2d")!;
    g.fillStyle = "#e8f4ea";
    g.fillRect(0, 0, 800, 800);
    g.fillStyle = "#2e9e4f";
    g.fillRect(300, 200, 200, 480);
    g.fillRect(360, 120, 80, 90);
    g.fillStyle = "#fff";
    g.font = "64px sans-serif";
    g.fillText("洗洁精", 305, 460);
    return canvas.toDataURL("image/png").split(",")[1];
  });
  return Buffer.from(base64, "base64");
}

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
    `${buyer.name},${buyer.phone},${village},,1101,`,
    `${keeper.name},${keeper.phone},${village},,1102,`,
  ].join("\n");
  const imported = await request.post("/api/v1/admin/villagers/import", {
    headers: { ...headers, "content-type": "text/csv" },
    data: csv,
  });
  expect(imported.status()).toBe(200);
  expect((await imported.json()).errors).toEqual([]);
  const found = await request.get(`/api/v1/admin/people?region_code=${village}&phone=${buyer.phone}`, { headers });
  const buyerId = (await found.json()).items[0].id;
  const award = await request.post("/api/v1/admin/awards", {
    headers: { ...headers, "idempotency-key": "e2e-shop-admin-award-1" },
    data: { user_ids: [buyerId], points: 50, reason: "文明户" },
  });
  expect(award.status()).toBe(201);
});

test("a village admin adds 洗洁精 with a photo and stock 10, a villager redeems it, the keeper hands it over, the admin sees stock 9", async ({ page, browser }) => {
  test.setTimeout(180_000);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));

  // The admin opens the village's shop.
  await signIn(page, admin.phone);
  await page.goto("/admin/shops");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("积分超市管理");
  await expect(page.getByText("这里还没有积分超市")).toBeVisible();
  await page.getByTestId("new-shop-name").fill("上官村积分超市");
  await page.getByRole("button", { name: "开设超市" }).tap();
  const shopRow = page.getByTestId("shop-row");
  await expect(shopRow).toHaveCount(1);
  await expect(shopRow).toContainText("上官村积分超市");
  await expect(shopRow).toContainText("上官村委会 · 商品 0 · 管理员 0");
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/70-admin-shops.png` });
  await shopRow.tap();
  await expect(page).toHaveURL(/\/admin\/shops\/\d+$/);
  await expect(page.getByTestId("shop-name")).toHaveText("上官村积分超市");

  // 添加商品: 洗洁精 with a photo, 10 points (12 yuan at market), 10 in stock, a warning at 9.
  await page.getByTestId("add-goods-open").tap();
  const form = page.getByTestId("add-goods-form");
  await form.getByTestId("goods-name").fill("洗洁精");
  const uploaded = page.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith("/api/v1/media"));
  await form.getByTestId("goods-photo-input").setInputFiles({ name: "IMG_0200.png", mimeType: "image/png", buffer: await soapPhoto(page) });
  expect((await uploaded).status()).toBe(201);
  await expect(form.getByTestId("goods-photo-preview").locator("img")).toBeVisible();
  await form.getByTestId("goods-points-price").fill("10");
  await form.getByTestId("goods-market-price").fill("12");
  await form.getByTestId("goods-stock").fill("10");
  // The form checks what the server checks: 130 points is above 12 yuan.
  await form.getByTestId("goods-points-price").fill("130");
  await form.getByTestId("goods-save").tap();
  await expect(form.getByRole("alert")).toHaveText("积分价要低于市场价：1 积分按 0.1 元算");
  await form.getByTestId("goods-points-price").fill("10");
  await form.getByTestId("goods-threshold").fill("9");
  await page.screenshot({ path: `${artifacts}/71-admin-add-goods.png` });
  await form.getByTestId("goods-save").tap();
  const soap = page.getByTestId("goods-row").filter({ hasText: "洗洁精" });
  await expect(soap.getByTestId("goods-row-terms")).toHaveText("10 积分 · 市场价 12.00 元 · 库存 10");
  const thumb = soap.locator("img.goods-photo");
  await expect(thumb).toBeVisible();
  await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  await expect(soap.locator(".badge.low")).toHaveCount(0);

  // Renamed at once: the shop's name is kept in the form and on the screen.
  await page.getByTestId("shop-rename").fill("上官村爱心积分超市");
  await page.getByTestId("shop-rename-save").tap();
  await expect(page.getByTestId("shop-name")).toHaveText("上官村爱心积分超市");

  // 任命超市管理员: find 钱店主 of the village and appoint him.
  await page.getByTestId("keeper-find").fill(keeper.name);
  await page.getByTestId("keeper-find-button").tap();
  const candidate = page.getByTestId("keeper-candidate").filter({ hasText: keeper.name });
  await expect(candidate).toContainText("137 0013 7012");
  await candidate.getByTestId("keeper-appoint").tap();
  await expect(page.getByTestId("keeper-row")).toHaveText(new RegExp(keeper.name));
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/72-admin-shop.png`, fullPage: true });

  // The villager sees 洗洁精 in 积分超市, with its photo, and redeems it.
  const villager = await (await browser.newContext()).newPage();
  villager.on("pageerror", (e) => errors.push(String(e)));
  await signIn(villager, buyer.phone);
  await villager.getByTestId("tab-shop").tap();
  await expect(villager.getByTestId("shop-name")).toHaveText("上官村爱心积分超市");
  const card = villager.getByTestId("goods-card").filter({ hasText: "洗洁精" });
  await expect(card.getByTestId("goods-points")).toHaveText("10 积分");
  await expect(card.locator("img.goods-photo")).toBeVisible();
  await villager.screenshot({ path: `${artifacts}/73-villager-sees-soap.png` });
  await card.getByTestId("goods-redeem").tap();
  await villager.getByTestId("redeem-sheet").getByTestId("redeem-confirm").tap();
  await expect(villager).toHaveURL(/\/redemptions\/\d+$/);
  const code = (await villager.getByTestId("redemption-code").getAttribute("data-code"))!;
  expect(code).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);

  // The keeper types the code and hands it over.
  const keeperContext = await browser.newContext();
  await keeperContext.addInitScript(() => {
    delete (window as unknown as { BarcodeDetector?: unknown }).BarcodeDetector;
  });
  const counter = await keeperContext.newPage();
  counter.on("pageerror", (e) => errors.push(String(e)));
  await signIn(counter, keeper.phone);
  await expect(counter.locator(".role-chip")).toHaveText("积分超市管理员");
  await counter.getByTestId("tab-scan").tap();
  await counter.getByTestId("short-code").fill(code);
  await counter.getByTestId("short-code-submit").tap();
  await expect(counter.getByTestId("keeper-preview")).toContainText("洗洁精 × 1");
  await counter.getByTestId("keeper-fulfil").tap();
  await expect(counter.getByTestId("keeper-result")).toHaveAttribute("data-outcome", "handed");

  // The admin sees 库存 9: at the warning level, so marked 库存不足.
  await page.reload();
  await expect(soap.getByTestId("goods-row-terms")).toHaveText("10 积分 · 市场价 12.00 元 · 库存 9");
  await expect(soap.locator(".badge.low")).toHaveText("库存不足");

  // 报损 one: a reason is required, then asked once with the stock it leaves.
  await soap.getByTestId("goods-stock").tap();
  await soap.getByTestId("stock-write-off").tap();
  await soap.getByTestId("stock-qty").fill("1");
  await soap.getByTestId("stock-next").tap();
  await expect(soap.getByRole("alert")).toHaveText("报损请写明原因");
  await soap.getByTestId("stock-note").fill("瓶子破损");
  await soap.getByTestId("stock-next").tap();
  await expect(soap.locator(".confirm-text")).toHaveText("报损 1 件后库存为 8，确定吗？");
  await expect(soap.getByTestId("stock-yes")).toBeInViewport();
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/74-admin-write-off-confirm.png` });
  await soap.getByTestId("stock-yes").tap();
  await expect(soap.getByTestId("goods-row-terms")).toHaveText("10 积分 · 市场价 12.00 元 · 库存 8");

  // 库存记录: who, why and the stock after, newest first (the hand-over is a redemption, not here).
  await soap.getByTestId("goods-history").tap();
  const history = soap.getByTestId("stock-history").locator("li");
  await expect(history).toHaveCount(2);
  await expect(history.nth(0)).toContainText("报损 -1 → 8");
  await expect(history.nth(0)).toContainText("上官管理员 · 瓶子破损");
  await expect(history.nth(1)).toContainText("初始库存 +10 → 10");
  await page.screenshot({ path: `${artifacts}/75-admin-stock-history.png` });

  // The low-stock list, from the shops screen.
  await page.goto("/admin/shops");
  await expect(page.getByTestId("shop-row")).toContainText("1 件商品库存不足");
  await page.getByTestId("low-stock-link").tap();
  await expect(page).toHaveURL(/\/admin\/low-stock$/);
  await expect(page.getByTestId("low-stock-row")).toHaveCount(1);
  await expect(page.getByTestId("low-stock-row")).toContainText("洗洁精");
  await expect(page.getByTestId("low-stock-row")).toContainText("库存 8（提醒线 9）");
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/76-admin-low-stock.png` });

  // The same shop screen on a township office PC.
  await page.getByTestId("low-stock-row").tap();
  await expect(page).toHaveURL(/\/admin\/shops\/\d+$/);
  await page.setViewportSize({ width: 1280, height: 900 });
  await expect(page.getByTestId("goods-row")).toHaveCount(1);
  await page.screenshot({ path: `${artifacts}/77-admin-shop-1280.png` });
  await page.setViewportSize({ width: 360, height: 640 });

  // 停业, asked once: villagers no longer see the shop.
  await page.getByTestId("shop-close").tap();
  await expect(page.locator(".shop-settings .confirm-text")).toContainText("确定停业吗？");
  await page.getByTestId("shop-close-yes").tap();
  await expect(page.getByTestId("shop-name")).toContainText("已停业");
  await expect(page.getByTestId("shop-close")).toHaveText("恢复营业");
  await villager.goto("/shop");
  await expect(villager.getByText("本村还没有积分超市")).toBeVisible();

  expect(errors).toEqual([]);
});
