// 更正 on a 360×640 phone: a villager of 小屯村 claims 孝老爱亲, the grid worker of her grid
// approves it by mistake, and the village admin (13700137050, made by serve.sh) reverses the
// approval from 审核 → 已通过: a reason, a confirmation saying what will happen, the result.
// The villager's 积分明细 and the public 村积分榜 then show the correction (更正, with its
// reason) next to the original, marked 已更正; a second correction is impossible.
import { expect, test, type APIRequestContext, type Page } from "./fixtures";
import { signIn } from "./sign-in";

const artifacts = "artifacts";
const village = "410783101206"; // 小屯村委会
const admin = { phone: "13700137050", password: "e2e-password-123" };
const villager = "13600136401";
const gridWorker = "13600136402";
const reason = "重复申报，上周已领取";
let villagerId = 0;

/** Nothing wider than the phone. */
async function fitsThePhone(page: Page) {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth).toBeLessThanOrEqual(360);
}

async function adminToken(request: APIRequestContext): Promise<string> {
  const response = await request.post("/api/v1/auth/password", { data: admin });
  expect(response.status()).toBe(200);
  return (await response.json()).access_token;
}

test.beforeAll(async ({ request }) => {
  const headers = { authorization: `Bearer ${await adminToken(request)}` };
  const grid = await request.post("/api/v1/admin/grids", { headers, data: { village_code: village, name: "南街网格" } });
  expect(grid.status()).toBe(201);
  const gridCode: string = (await grid.json()).code;
  const imported = await request.post("/api/v1/admin/villagers/import", {
    headers: { ...headers, "content-type": "text/csv" },
    data: [
      "name,phone,village_code,grid_code,household",
      `孙秀兰,${villager},${village},${gridCode},0601`,
      `周网格,${gridWorker},${village},${gridCode},0602`,
    ].join("\n"),
  });
  expect(imported.status()).toBe(200);
  expect((await imported.json()).errors).toEqual([]);
  const her = await request.get(`/api/v1/admin/people?region_code=${village}&phone=${villager}`, { headers });
  villagerId = (await her.json()).items[0].id;
  const found = await request.get(`/api/v1/admin/people?region_code=${village}&phone=${gridWorker}`, { headers });
  const [worker] = (await found.json()).items;
  const appointed = await request.post(`/api/v1/admin/users/${worker.id}/roles`, {
    headers,
    data: { role: "grid_worker", region_code: gridCode },
  });
  expect(appointed.status()).toBe(200);
});

test("a village admin reverses a grid worker's mistaken approval; the villager's history and the board show 更正", async ({ page, browser, request }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));

  // The villager claims 孝老爱亲; the grid worker approves it.
  await signIn(page, villager);
  await page.goto("/earn");
  await page.getByTestId("rule-item").filter({ hasText: "孝老爱亲" }).tap();
  await page.getByTestId("claim-note").fill("照顾邻居老人");
  await page.getByTestId("claim-submit").tap();
  await expect(page.getByTestId("claim-success")).toBeVisible();
  const worker = await (await browser.newContext()).newPage();
  worker.on("pageerror", (e) => errors.push(String(e)));
  await signIn(worker, gridWorker);
  await worker.goto("/review");
  await worker.getByTestId("review-card").filter({ hasText: "孙秀兰" }).getByTestId("review-approve").tap();
  await expect(worker.getByTestId("review-said")).toHaveText("已通过：孙秀兰「孝老爱亲」+5");
  // A grid worker corrects nothing: no 已通过 tab.
  await expect(worker.getByTestId("review-tab-approved")).toHaveCount(0);

  // The village admin: 审核 → 已通过 → 更正.
  const adminPage = await (await browser.newContext()).newPage();
  adminPage.on("pageerror", (e) => errors.push(String(e)));
  await signIn(adminPage, admin.phone);
  await adminPage.getByTestId("tab-review").tap();
  await expect(adminPage).toHaveURL(/\/review$/);
  await adminPage.getByTestId("review-tab-approved").tap();
  await expect(adminPage.getByRole("heading", { level: 1 })).toHaveText("已通过的申报");
  const card = adminPage.getByTestId("approved-card").filter({ hasText: "孙秀兰" });
  await expect(card).toHaveCount(1);
  await expect(card).toContainText("孝老爱亲");
  await expect(card).toContainText("审核人：周网格");
  await fitsThePhone(adminPage);
  await adminPage.screenshot({ path: `${artifacts}/140-approved-claims.png` });
  await card.getByTestId("correct-open").tap();
  // No reason, no correction.
  await card.getByTestId("correction-next").tap();
  await expect(card.getByTestId("correction-trouble")).toHaveText("请写明更正原因");
  await card.getByTestId("correction-reason").fill(reason);
  await fitsThePhone(adminPage);
  await adminPage.screenshot({ path: `${artifacts}/141-correction-reason.png` });
  await card.getByTestId("correction-next").tap();
  await expect(card.getByTestId("correction-effect")).toHaveText("将从 孙秀兰 扣回 5 积分（孝老爱亲）");
  await expect(card).toContainText(`更正原因：${reason}`);
  const confirm = card.getByTestId("correction-confirm");
  expect((await confirm.boundingBox())!.height).toBeGreaterThanOrEqual(48);
  await fitsThePhone(adminPage);
  await adminPage.screenshot({ path: `${artifacts}/142-correction-confirm.png` });
  // The same on a desk's screen.
  await adminPage.setViewportSize({ width: 1280, height: 800 });
  await adminPage.screenshot({ path: `${artifacts}/142-correction-confirm-wide.png` });
  await adminPage.setViewportSize({ width: 360, height: 640 });
  const sent = adminPage.waitForRequest((r) => r.method() === "POST" && r.url().endsWith("/api/v1/admin/corrections"));
  await confirm.tap();
  expect((await sent).headers()["idempotency-key"]).toMatch(/^correction-[0-9a-f]{32}$/);
  await expect(card.getByTestId("correction-done")).toHaveText("已更正：孙秀兰「孝老爱亲」扣回 5 积分");
  await expect(card.getByTestId("correct-open")).toHaveCount(0);
  await adminPage.screenshot({ path: `${artifacts}/143-correction-done.png` });
  // Read again: the claim carries its correction; no second 更正.
  await adminPage.reload();
  await adminPage.getByTestId("review-tab-approved").tap();
  await expect(card.getByTestId("approved-corrected")).toContainText(`更正原因：${reason}（小屯管理员）`);
  await expect(card.getByTestId("correct-open")).toHaveCount(0);

  // 管理 → 人员 → 孙秀兰: her points as she sees them. An award by the county is beyond a
  // village admin: 更正 is refused in plain words.
  // (Through the test's own request context: the admin's browser keeps the admin's session.)
  const county = await request.post("/api/v1/auth/password", { data: { phone: "13700137006", password: admin.password } });
  expect(county.status()).toBe(200);
  const award = await request.post("/api/v1/admin/awards", {
    headers: { authorization: `Bearer ${(await county.json()).access_token}` },
    data: { user_ids: [villagerId], points: 10, reason: "五美庭院" },
  });
  expect(award.status()).toBe(201);
  await adminPage.goto(`/admin/people/${villagerId}`);
  const points = adminPage.getByTestId("person-points");
  await expect(points.getByTestId("ledger-entry")).toHaveCount(3);
  await expect(points.getByTestId("ledger-entry").nth(1).getByTestId("ledger-correction")).toContainText(reason);
  await expect(points.getByTestId("correct-open")).toHaveCount(1);
  await points.getByTestId("correct-open").tap();
  await points.getByTestId("correction-reason").fill("评选有误");
  await points.getByTestId("correction-next").tap();
  await expect(points.getByTestId("correction-trouble")).toHaveText("只有审核人或经办人的上级才能更正；不能更正自己经办的，也不能更正自家人的积分");
  await expect(adminPage.locator(".role-chip")).toHaveText("村管理员");
  await points.getByTestId("correction-trouble").scrollIntoViewIfNeeded();
  await fitsThePhone(adminPage);
  await adminPage.screenshot({ path: `${artifacts}/146-person-points.png` });

  // The villager's 积分明细: the correction above the original, each marked.
  await page.goto("/points/history");
  const entries = page.getByTestId("ledger-entry").filter({ hasText: "孝老爱亲" });
  await expect(entries).toHaveCount(2);
  await expect(entries.nth(0)).toContainText("更正：孝老爱亲");
  await expect(entries.nth(0).getByTestId("ledger-amount")).toHaveText("-5");
  await expect(entries.nth(0).getByTestId("ledger-correction")).toContainText(`更正原因：${reason}`);
  await expect(entries.nth(1)).toContainText("申报通过：孝老爱亲");
  await expect(entries.nth(1).getByTestId("ledger-corrected")).toContainText("已更正");
  await expect(page.getByTestId("history-available")).toHaveText("10");
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/144-history-correction.png` });

  // 我的申报: still 已通过 (the original is never edited), marked 已更正.
  await page.goto("/claims");
  await expect(page.getByTestId("claim-item").first().getByTestId("claim-corrected")).toContainText(`已更正 更正原因：${reason}（小屯管理员）`);

  // The inbox says so.
  await page.goto("/inbox");
  await expect(page.getByText(`您的“孝老爱亲”积分已更正：${reason}，扣回 5 积分`)).toBeVisible();

  // The public board, signed out: 更正 next to the original.
  const stranger = await (await browser.newContext()).newPage();
  await stranger.goto(`/villages/${village}/board`);
  const movements = stranger.getByTestId("board-movement").filter({ hasText: "孝老爱亲" });
  await expect(movements).toHaveCount(2);
  await expect(movements.nth(0)).toContainText("孙*兰 孝老爱亲");
  await expect(movements.nth(0).getByTestId("board-correction")).toContainText(`更正 更正原因：${reason}（小屯管理员）`);
  await expect(movements.nth(1).getByTestId("board-corrected")).toContainText("已更正");
  await fitsThePhone(stranger);
  await stranger.screenshot({ path: `${artifacts}/145-board-correction.png` });
  expect(errors).toEqual([]);
});
