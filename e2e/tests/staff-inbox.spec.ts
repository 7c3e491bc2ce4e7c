// Staff are told what waits for them (消息) on a 360×640 phone, in 高庙村: two claims wait in
// the grid → the grid worker's one line 网格里有 2 条积分申请待审核 leads to 审核; a 差评 and goods
// at their low-stock threshold → the village admin's lines lead to 差评整改 and the shop; the
// keeper's low-stock line leads to 本店商品. What happens before is done through the API
// (the villagers' own journeys are elsewhere); the admin (13700137060) is made by serve.sh.
import { expect, test, type APIRequestContext, type Page } from "./fixtures";
import { codeFor, passwordSignIn, signIn } from "./sign-in";

const artifacts = "artifacts";
const village = "410783101222"; // 高庙村委会
const admin = { phone: "13700137060", password: "e2e-password-123" };
const orderer = "13500135910";
const helper = "13500135911";
const gridWorker = "13500135912";
const keeper = "13500135913";
let shopId = 0;

/** Nothing wider than the phone. */
async function fitsThePhone(page: Page) {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth).toBeLessThanOrEqual(360);
}

/** A villager's bearer header, signed in with an SMS code through the API. */
async function villager(request: APIRequestContext, phone: string) {
  expect((await request.post("/api/v1/auth/otp/send", { data: { phone } })).status()).toBe(202);
  const code = await codeFor(`+86${phone}`);
  const tokens = await request.post("/api/v1/auth/otp/verify", { data: { phone, code } });
  expect(tokens.status()).toBe(200);
  return { authorization: `Bearer ${(await tokens.json()).access_token}` };
}

test.beforeAll(async ({ request }) => {
  const signedIn = await request.post("/api/v1/auth/password", { data: admin });
  expect(signedIn.status()).toBe(200);
  const headers = { authorization: `Bearer ${(await signedIn.json()).access_token}` };
  const grid = await request.post("/api/v1/admin/grids", { headers, data: { village_code: village, name: "东街网格" } });
  expect(grid.status()).toBe(201);
  const gridCode: string = (await grid.json()).code;
  const imported = await request.post("/api/v1/admin/villagers/import", {
    headers: { ...headers, "content-type": "text/csv" },
    data: [
      "name,phone,village_code,grid_code,household",
      `高秀英,${orderer},${village},${gridCode},2201`,
      `高志愿,${helper},${village},${gridCode},2202`,
      `高网格,${gridWorker},${village},${gridCode},2203`,
      `高店长,${keeper},${village},,2204`,
    ].join("\n"),
  });
  expect(imported.status()).toBe(200);
  expect((await imported.json()).errors).toEqual([]);
  const idOf = async (phone: string): Promise<number> => {
    const found = await request.get(`/api/v1/admin/people?region_code=${village}&phone=${phone}`, { headers });
    return (await found.json()).items[0].id;
  };
  const grant = async (phone: string, role: string, region_code: string) => {
    const granted = await request.post(`/api/v1/admin/users/${await idOf(phone)}/roles`, { headers, data: { role, region_code } });
    expect(granted.status()).toBe(200);
  };
  await grant(gridWorker, "grid_worker", gridCode);
  await grant(helper, "volunteer", village);
  // The shop, its keeper, and washing powder with 3 left, to be told at 2.
  const shop = await request.post("/api/v1/admin/shops", { headers, data: { name: "高庙积分超市", village_code: village } });
  expect(shop.status()).toBe(201);
  shopId = (await shop.json()).id;
  const keeping = await request.post(`/api/v1/admin/shops/${shopId}/keepers`, { headers, data: { user_id: await idOf(keeper) } });
  expect(keeping.status()).toBe(200);
  const goods = await request.post(`/api/v1/admin/shops/${shopId}/goods`, {
    headers,
    data: { name: "洗衣粉", points_price: 5, market_price_fen: 1500, stock: 3, low_stock_threshold: 2 },
  });
  expect(goods.status()).toBe(201);
  const goodsId: number = (await goods.json()).id;
  const award = await request.post("/api/v1/admin/awards", { headers, data: { user_ids: [await idOf(orderer)], points: 20, reason: "文明户" } });
  expect(award.status()).toBe(201);

  // Two claims in the grid; one redemption takes the stock to the threshold.
  const her = await villager(request, orderer);
  const him = await villager(request, helper);
  for (const who of [her, him]) {
    const claim = await request.post("/api/v1/claims", { headers: who, data: { rule_id: 4, note: "照顾老人" } });
    expect(claim.status()).toBe(201);
  }
  const reserved = await request.post("/api/v1/redemptions", { headers: her, data: { shop_id: shopId, items: [{ goods_id: goodsId, qty: 1 }] } });
  expect(reserved.status()).toBe(201);
  // An errand done late and rated 1 star: a 差评.
  const order = await request.post("/api/v1/services/orders", { headers: her, data: { type_id: 1, description: "帮忙去镇上取药", photo_ids: [] } });
  expect(order.status()).toBe(201);
  const orderId: number = (await order.json()).id;
  expect((await request.post(`/api/v1/services/orders/${orderId}/claim`, { headers: him })).status()).toBe(200);
  expect((await request.post(`/api/v1/services/orders/${orderId}/complete`, { headers: him, data: { note: "已取回" } })).status()).toBe(200);
  const rated = await request.post(`/api/v1/services/orders/${orderId}/rate`, { headers: her, data: { stars: 1, comment: "等了一整天" } });
  expect(rated.status()).toBe(200);
});

test("staff are told what waits for them: the grid worker's claims, the admin's 差评 and low stock, the keeper's low stock", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));

  // The grid worker: one line for both claims, leading to 审核.
  await signIn(page, gridWorker);
  await expect(page.getByTestId("inbox-unread")).toHaveText("1");
  await page.getByTestId("inbox-bell").tap();
  await expect(page).toHaveURL(/\/inbox$/);
  const digest = page.getByTestId("inbox-item");
  await expect(digest).toHaveCount(1);
  await expect(digest).toHaveAttribute("data-kind", "claims_waiting");
  await expect(digest).toContainText("网格里有 2 条积分申请待审核");
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/170-grid-worker-inbox.png` });
  await digest.tap();
  await expect(page).toHaveURL(/\/review$/);
  await expect(page.getByTestId("review-card")).toHaveCount(2);

  // The village admin: the 差评 (newest) and the low stock.
  const adminPage = await (await browser.newContext()).newPage();
  adminPage.on("pageerror", (e) => errors.push(String(e)));
  await passwordSignIn(adminPage, admin.phone);
  await expect(adminPage.getByTestId("inbox-unread")).toHaveText("2");
  await adminPage.getByTestId("inbox-bell").tap();
  const lines = adminPage.getByTestId("inbox-item");
  await expect(lines).toHaveCount(2);
  await expect(lines.nth(0)).toHaveAttribute("data-kind", "rectification_opened");
  await expect(lines.nth(0)).toContainText("“代办跑腿”收到差评（1星：等了一整天），请在7天内整改");
  await expect(lines.nth(1)).toHaveAttribute("data-kind", "low_stock");
  await expect(lines.nth(1)).toContainText("高庙积分超市的“洗衣粉”只剩 2 件（提醒线 2 件），请及时补货");
  await fitsThePhone(adminPage);
  await adminPage.screenshot({ path: `${artifacts}/171-admin-inbox.png` });
  await adminPage.setViewportSize({ width: 1280, height: 800 });
  await adminPage.screenshot({ path: `${artifacts}/171-admin-inbox-wide.png` });
  await adminPage.setViewportSize({ width: 360, height: 640 });
  await lines.nth(0).tap();
  await expect(adminPage).toHaveURL(/\/admin\/rectifications$/);
  const card = adminPage.getByTestId("rectification");
  await expect(card).toHaveCount(1);
  await expect(card.getByTestId("rectification-rating")).toContainText("等了一整天");
  await fitsThePhone(adminPage);
  await adminPage.screenshot({ path: `${artifacts}/172-rectifications.png` });
  // The low-stock line leads to the shop's goods, where the admin restocks.
  await adminPage.goBack();
  await adminPage.getByTestId("inbox-item").nth(1).tap();
  await expect(adminPage).toHaveURL(new RegExp(`/admin/shops/${shopId}$`));
  await expect(adminPage.getByTestId("goods-row").filter({ hasText: "洗衣粉" })).toContainText("库存不足");

  // The keeper: the same low stock, leading to 本店商品.
  const keeperPage = await (await browser.newContext()).newPage();
  keeperPage.on("pageerror", (e) => errors.push(String(e)));
  await signIn(keeperPage, keeper);
  await keeperPage.goto("/inbox");
  const told = keeperPage.getByTestId("inbox-item");
  await expect(told).toHaveCount(1);
  await expect(told).toHaveAttribute("data-kind", "low_stock");
  await told.tap();
  await expect(keeperPage).toHaveURL(new RegExp(`/keeper/goods\\?shop=${shopId}$`));
  const row = keeperPage.getByTestId("kept-goods").filter({ hasText: "洗衣粉" });
  await expect(row).toContainText("库存不足");
  await expect(row.getByTestId("kept-goods-stock")).toHaveText("库存 2（提醒线 2）");
  await fitsThePhone(keeperPage);
  await keeperPage.screenshot({ path: `${artifacts}/173-keeper-goods.png` });
  expect(errors).toEqual([]);
});
