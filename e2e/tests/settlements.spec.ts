// 结算单 on a 360×640 phone: 常村镇's admin opens 管理 → 结算单, sees last month's statement of
// 常西村's shop (2 bags of 洗衣粉 handed over, ¥25.00 to pay), marks it paid with the bank
// transfer's number, and the shop's keeper sees it paid under 今日汇总 → 结算单 and is told in
// 消息, which opens the month paid. The admin's screen is also taken at 1280 px.
//
// Set up through the API (serve.sh made the township admin, imported 常买家 and 常店主 and made
// 常店主 a keeper with a password): the admin opens the shop with goods and appoints 常店主,
// 常买家 reserves, 常店主 hands over; the hand-over is then moved into last month in the
// database (as the server's tests do): nothing else can make a month that is over.
import { expect, test, type APIRequestContext, type Page } from "./fixtures";
import { execFileSync } from "node:child_process";
import { codeFor, passwordSignIn } from "./sign-in";

const artifacts = "artifacts";
const village = "410783103201"; // 常西村委会
const admin = { phone: "13700137080", password: "e2e-password-123" };
const buyer = "13500135930";
const keeper = { phone: "13500135931", password: "e2e-password-123" };
const database = "test-results/server-data/jifen.db";

/** Last month in the county (Asia/Shanghai): `YYYY-MM`, and 12:00 on its 15th (UTC ms). */
function lastMonth(): { label: string; midMonth: number } {
  const county = new Date(Date.now() + 8 * 3_600_000);
  const first = Date.UTC(county.getUTCFullYear(), county.getUTCMonth() - 1, 15, 4);
  const d = new Date(first);
  const label = `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
  return { label, midMonth: first };
}

async function token(request: APIRequestContext, who: { phone: string; password: string }): Promise<string> {
  const response = await request.post("/api/v1/auth/password", { data: who });
  expect(response.status()).toBe(200);
  return (await response.json()).access_token;
}

/** Nothing wider than the screen. */
async function fits(page: Page, width: number) {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth).toBeLessThanOrEqual(width);
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ request }) => {
  const auth = (t: string) => ({ authorization: `Bearer ${t}` });
  const staff = auth(await token(request, admin));
  const idOf = async (phone: string) => {
    const found = await request.get(`/api/v1/admin/people?region_code=${village}&phone=${phone}`, { headers: staff });
    return (await found.json()).items[0].id as number;
  };
  const shop = await request.post("/api/v1/admin/shops", { headers: staff, data: { name: "常西村积分超市", village_code: village } });
  expect(shop.status()).toBe(201);
  const shopId = (await shop.json()).id;
  const goods = await request.post(`/api/v1/admin/shops/${shopId}/goods`, {
    headers: { ...staff, "idempotency-key": "e2e-settlement-goods" },
    data: { name: "洗衣粉", points_price: 20, market_price_fen: 1250, stock: 10 },
  });
  expect(goods.status()).toBe(201);
  const goodsId = (await goods.json()).id;
  const appointed = await request.post(`/api/v1/admin/shops/${shopId}/keepers`, { headers: staff, data: { user_id: await idOf(keeper.phone) } });
  expect(appointed.status()).toBe(200);
  const award = await request.post("/api/v1/admin/awards", {
    headers: { ...staff, "idempotency-key": "e2e-settlement-award" },
    data: { user_ids: [await idOf(buyer)], points: 60, reason: "文明户" },
  });
  expect(award.status()).toBe(201);
  expect((await request.post("/api/v1/auth/otp/send", { data: { phone: buyer } })).status()).toBe(202);
  const verified = await request.post("/api/v1/auth/otp/verify", { data: { phone: buyer, code: await codeFor(`+86${buyer}`) } });
  expect(verified.status()).toBe(200);
  const reserved = await request.post("/api/v1/redemptions", {
    headers: { ...auth((await verified.json()).access_token), "idempotency-key": "e2e-settlement-reserve" },
    data: { shop_id: shopId, items: [{ goods_id: goodsId, qty: 2 }] },
  });
  expect(reserved.status()).toBe(201);
  const redemption = (await reserved.json()).id;
  const handed = await request.post(`/api/v1/shop/redemptions/${redemption}/fulfil`, { headers: auth(await token(request, keeper)) });
  expect(handed.status()).toBe(200);
  execFileSync("sqlite3", ["-cmd", ".timeout 5000", database,
    `UPDATE redemptions SET settled_at = ${lastMonth().midMonth} WHERE id = ${redemption}`]);
});

test("a township admin marks last month paid for a shop and its keeper sees it paid", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  const [year, month] = lastMonth().label.split("-");
  const monthWords = `${year}年${Number(month)}月`;

  await passwordSignIn(page, admin.phone);
  await page.goto("/admin");
  await page.getByRole("link", { name: "结算单" }).tap();
  await expect(page).toHaveURL(/\/admin\/settlements$/);
  await expect(page.getByTestId("month-label")).toHaveText(monthWords);
  const card = page.getByTestId("statement").filter({ hasText: "常西村积分超市" });
  await expect(card.getByTestId("statement-status")).toHaveText("待付款");
  await expect(card.getByTestId("statement-money")).toHaveText("¥25.00");
  await expect(card.getByTestId("statement-figures")).toHaveText("1 笔兑换 · 40 积分");
  await fits(page, 360);
  await page.screenshot({ path: `${artifacts}/settlements-01-to-pay.png`, fullPage: true });

  await card.getByTestId("pay-open").tap();
  await card.getByTestId("pay-confirm").tap();
  await expect(card.getByRole("alert")).toHaveText("请填写付款凭证号和付款日期（不早于该月1日，不晚于今天）");
  await card.getByTestId("pay-reference").fill("CZ-2026-1101");
  await expect(card.getByText("标记后本月结算单锁定，超市的这部分积分清零，不能撤销")).toBeVisible();
  await card.getByTestId("pay-confirm").scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${artifacts}/settlements-02-pay-form.png` });
  await card.getByTestId("pay-confirm").tap();
  await expect(card.getByTestId("statement-status")).toHaveText("已付款");
  await expect(card.getByTestId("statement-payment")).toContainText("凭证号 CZ-2026-1101 · 常村镇财政所 记录");
  await expect(card.getByTestId("statement-unpaid")).toHaveText("尚未结算（全部月份）：0 积分");
  await expect(card.getByTestId("pay-open")).toHaveCount(0);
  await expect(page.getByTestId("settlement-summary")).toHaveText("共 1 个超市 · 已付款 1 个 · 待付 ¥0.00");
  await fits(page, 360);
  await page.screenshot({ path: `${artifacts}/settlements-03-paid.png`, fullPage: true });
  // This month cannot be paid yet; the way back to last month.
  await page.getByTestId("month-next").tap();
  await expect(card.getByTestId("statement-status")).toHaveText("本月进行中");
  await expect(page.getByTestId("month-next")).toBeDisabled();
  await page.getByTestId("month-prev").tap();
  await expect(card.getByTestId("statement-status")).toHaveText("已付款");
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: `${artifacts}/settlements-04-admin-1280.png`, fullPage: true });

  // The keeper, on their own phone.
  const phone = await browser.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: "zh-CN", timezoneId: "Asia/Shanghai" });
  const keeperPage = await phone.newPage();
  keeperPage.on("pageerror", (e) => errors.push(String(e)));
  await passwordSignIn(keeperPage, keeper.phone);
  await keeperPage.goto("/keeper/today");
  await keeperPage.getByRole("link", { name: "结算单" }).tap();
  await expect(keeperPage).toHaveURL(/\/keeper\/settlements$/);
  const own = keeperPage.getByTestId("statement");
  await expect(own).toHaveCount(1);
  await expect(own.getByTestId("statement-status")).toHaveText("已付款");
  await expect(own.getByTestId("statement-payment")).toContainText("凭证号 CZ-2026-1101");
  await expect(own.getByTestId("pay-open")).toHaveCount(0);
  await own.getByText("商品明细（1）").tap();
  await expect(own.getByText("洗衣粉 × 2")).toBeVisible();
  await fits(keeperPage, 360);
  await keeperPage.screenshot({ path: `${artifacts}/settlements-05-keeper-paid.png`, fullPage: true });
  // The keeper was told (消息); the message opens the month paid.
  await keeperPage.goto("/inbox");
  const told = keeperPage.locator('[data-testid="inbox-item"][data-kind="shop_paid"]');
  await expect(told).toContainText(`“常西村积分超市”${lastMonth().label} 的结算单已付款：40 积分，¥25.00（凭证号 CZ-2026-1101）`);
  await told.tap();
  await expect(keeperPage).toHaveURL(new RegExp(`/keeper/settlements\\?month=${lastMonth().label}$`));
  await expect(keeperPage.getByTestId("month-label")).toHaveText(monthWords);
  await phone.close();
  expect(errors).toEqual([]);
});
