// 代办 for a villager without a phone (issue 19), on 360×640 phones and the admin's 1280 px
// screen: 于庄村's admin prints 于桂英's member card (she has no phone); the QR is read back
// from a screenshot of the printed sheet (jsQR) and held up to the 代办员's camera; the
// 代办员, acting as her, redeems 食用油 — the receipt says who did it and the slip prints with
// the pickup code; the keeper hands it over on her card's number; her 积分明细 says "由 代办员 于*华 代办".
//
// Set up through the API by the village admin 13700137090 (serve.sh): the four people
// (imported, 于桂英 without a phone), the 代办员 role, the shop and its keeper, 100 points.
import { PNG } from "pngjs";
import jsQR from "jsqr";
import { expect, test, type APIRequestContext, type Page } from "./fixtures";
import { signIn, passwordSignIn } from "./sign-in";
import { playedCamera, showCode } from "./camera";

const artifacts = "artifacts";
const village = "410783101213"; // 于庄村委会
const admin = { phone: "13700137090", password: "e2e-password-123" };
const elder = { name: "于桂英" };
const son = { name: "于建国", phone: "13600136501" };
const agent = { name: "于小华", phone: "13600136502" };
const keeper = { name: "于店主", phone: "13600136503" };
const ids: Record<string, number> = {};

async function adminToken(request: APIRequestContext): Promise<string> {
  const response = await request.post("/api/v1/auth/password", { data: admin });
  expect(response.status()).toBe(200);
  return (await response.json()).access_token;
}

/** A receipt number as printed: in groups of four. */
const grouped = (no: string) => no.replace(/(.{4})(?=.)/g, "$1 ");

/** Nothing wider than the phone. */
async function fitsThePhone(page: Page) {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth).toBeLessThanOrEqual(360);
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ request }) => {
  const headers = { authorization: `Bearer ${await adminToken(request)}` };
  const csv = [
    "name,phone,village_code,household,birth_year",
    `${elder.name},,${village},0901,1946`,
    `${son.name},${son.phone},${village},0901,1972`,
    `${agent.name},${agent.phone},${village},0902,`,
    `${keeper.name},${keeper.phone},${village},0903,`,
  ].join("\n");
  const imported = await request.post("/api/v1/admin/villagers/import", { headers: { ...headers, "content-type": "text/csv" }, data: csv });
  expect(imported.status()).toBe(200);
  expect((await imported.json()).errors).toEqual([]);
  const people = await request.get(`/api/v1/admin/people?region_code=${village}&limit=100`, { headers });
  for (const p of (await people.json()).items) ids[p.name] = p.id;
  expect(ids[elder.name]).toBeGreaterThan(0);
  const granted = await request.post(`/api/v1/admin/users/${ids[agent.name]}/roles`, { headers, data: { role: "proxy_agent", region_code: village } });
  expect(granted.status()).toBe(200);
  const shop = await request.post("/api/v1/admin/shops", { headers, data: { name: "于庄村积分超市", village_code: village } });
  expect(shop.status()).toBe(201);
  const shopId = (await shop.json()).id;
  const appointed = await request.post(`/api/v1/admin/shops/${shopId}/keepers`, { headers, data: { user_id: ids[keeper.name] } });
  expect(appointed.status()).toBe(200);
  const oil = await request.post(`/api/v1/admin/shops/${shopId}/goods`, { headers, data: { name: "食用油", points_price: 30, market_price_fen: 1500, stock: 10 } });
  expect(oil.status()).toBe(201);
  const award = await request.post("/api/v1/admin/awards", {
    headers: { ...headers, "idempotency-key": "e2e-proxy-award-1" },
    data: { user_ids: [ids[elder.name]], points: 100, reason: "敬老" },
  });
  expect(award.status()).toBe(201);
});

test("a 代办员 scans a printed member card, redeems 食用油 for an elder, the keeper hands it over, her history shows 代办", async ({ browser }) => {
  test.setTimeout(180_000);
  const errors: string[] = [];

  // The admin, at a desk (1280 px): her page, her card, the sheet to print.
  const desk = await browser.newContext();
  const office = await desk.newPage();
  await office.setViewportSize({ width: 1280, height: 800 });
  office.on("pageerror", (e) => errors.push(String(e)));
  await passwordSignIn(office, admin.phone);
  await office.goto(`/admin/people/${ids[elder.name]}`);
  const section = office.getByTestId("member-card-section");
  await expect(section).toBeVisible();
  await section.getByTestId("print-card").tap();
  await expect(office).toHaveURL(/\/admin\/cards\?ids=/);
  const card = office.getByTestId("member-card");
  await expect(card).toHaveCount(1);
  await expect(card).toContainText(elder.name);
  await expect(card).toContainText("于庄村委会");
  const cardNo = (await card.getAttribute("data-card"))!;
  expect(cardNo).toMatch(/^[1-9][0-9]{9}$/);
  await expect(card).toContainText(`${cardNo.slice(0, 4)} ${cardNo.slice(4, 8)} ${cardNo.slice(8)}`);
  await office.screenshot({ path: `${artifacts}/proxy-cards-1280.png` });
  // As printed: the bars and buttons gone, the card as on paper; its QR read from the picture.
  await office.emulateMedia({ media: "print" });
  await expect(office.getByTestId("cards-print")).toBeHidden();
  const shot = PNG.sync.read(await card.screenshot({ path: `${artifacts}/proxy-card-printed.png` }));
  const read = jsQR(new Uint8ClampedArray(shot.data), shot.width, shot.height);
  expect(read, "the printed QR reads").not.toBeNull();
  const code = read!.data;
  expect(code).toMatch(/^JFM1\./);
  await desk.close();

  // The 代办员's phone reads QR codes: the card held up to it opens her account.
  const agentContext = await browser.newContext();
  await playedCamera(agentContext);
  const page = await agentContext.newPage();
  page.on("pageerror", (e) => errors.push(String(e)));
  await signIn(page, agent.phone);
  await page.goto("/proxy");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("代办");
  await showCode(page, code);
  const banner = page.getByTestId("proxy-banner");
  await expect(banner).toContainText(`正在为 ${elder.name} 代办`, { timeout: 15_000 });
  // Her 首页: her balance, not the agent's.
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("balance-value")).toHaveText("100");
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/proxy-opened.png` });
  await page.goto("/shop");
  await page.getByTestId("goods-card").filter({ hasText: "食用油" }).getByTestId("goods-redeem").tap();
  const sheet = page.getByTestId("redeem-sheet");
  await expect(sheet.getByTestId("redeem-points")).toHaveText("30 积分");
  const reserved = page.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith("/api/v1/redemptions"));
  await sheet.getByTestId("redeem-confirm").tap();
  const redemption = await (await reserved).json();
  expect(redemption.proxy.agent_name).toBe("于*华");
  const done = page.getByTestId("proxy-done");
  await expect(done).toBeVisible();
  await expect(done.getByTestId("proxy-receipt-no")).toHaveText(grouped(redemption.proxy.receipt_no));
  await expect(banner).toBeVisible();
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/proxy-redeemed.png` });
  // The slip: what, for whom, by whom, texted to her son's phone.
  await done.getByTestId("proxy-print-receipt").tap();
  const slip = page.getByTestId("receipt");
  await expect(slip.getByTestId("receipt-no")).toHaveText(grouped(redemption.proxy.receipt_no));
  await expect(slip).toContainText("食用油 ×1");
  await expect(slip).toContainText("于*英");
  await expect(slip).toContainText("于*华");
  await expect(slip.getByTestId("receipt-sms")).toContainText("136****6501");
  // The pickup code on the slip: she collects with it.
  const pickup = `${redemption.short_code.slice(0, 4)} ${redemption.short_code.slice(4)}`;
  await expect(slip.getByTestId("receipt-pickup-code")).toHaveText(pickup);
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/proxy-receipt.png` });

  // She left the slip at home and shows her card: the keeper, whose phone has no QR
  // decoder, types the card's number as printed and finds what was reserved for her.
  const keeperContext = await browser.newContext();
  await keeperContext.addInitScript(() => {
    delete (window as unknown as { BarcodeDetector?: unknown }).BarcodeDetector;
  });
  const counter = await keeperContext.newPage();
  counter.on("pageerror", (e) => errors.push(String(e)));
  await signIn(counter, keeper.phone);
  await counter.goto("/keeper");
  await counter.getByTestId("short-code").fill(`${cardNo.slice(0, 4)} ${cardNo.slice(4, 8)} ${cardNo.slice(8)}`);
  await counter.getByTestId("short-code-submit").tap();
  const preview = counter.getByTestId("keeper-preview");
  await expect(preview.getByTestId("preview-villager")).toHaveText("于*英");
  await expect(preview.getByTestId("proxy-by")).toHaveText("由 代办员 于*华 代办");
  await counter.screenshot({ path: `${artifacts}/proxy-keeper.png` });
  await preview.getByTestId("keeper-fulfil").tap();
  await expect(counter.getByTestId("keeper-result")).toHaveAttribute("data-outcome", "handed");
  await keeperContext.close();

  // Her 积分明细, as the agent still acting for her: the 30 points, 由 代办员 于*华 代办.
  await page.goto("/points/history");
  await expect(page.getByTestId("history-available")).toHaveText("70");
  const spent = page.getByTestId("ledger-entry").filter({ has: page.getByTestId("ledger-amount").filter({ hasText: "-30" }) });
  await expect(spent).toHaveCount(1);
  await expect(spent.getByTestId("proxy-by")).toHaveText("由 代办员 于*华 代办");
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/proxy-history.png` });
  // Ending the session gives the agent their own app back.
  await banner.getByTestId("proxy-end").tap();
  await expect(page.getByTestId("proxy-banner")).toHaveCount(0);
  await agentContext.close();
  expect(errors).toEqual([]);
});
