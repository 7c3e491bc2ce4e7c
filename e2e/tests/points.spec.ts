// Points on a 360×640 phone: a villager of 谷寨村 claims 孝老爱亲 (no photo needed) through a
// dropped connection, the village admin approves it in 审核 on another phone, and the villager's
// home, 我的申报, 积分明细 and the public 村积分榜 show it; a second claim is refused with a
// reason. The villagers are imported through the API with the admin's password token; the
// admin (13700137005) is made by serve.sh.
import { expect, test, type APIRequestContext, type Page } from "./fixtures";
import { signIn } from "./sign-in";

const artifacts = "artifacts";
const village = "410783101204"; // 谷寨村委会
const admin = { phone: "13700137005", password: "e2e-password-123" };
// One phone per journey: a phone gets one SMS code a minute. 赵大山 lives in the village's
// grid, whose grid worker is 钱网格 (both set up by `beforeAll`); the others live in no grid, so
// the village admin reviews their claims.
const villagers = (grid: string) =>
  [
    "name,phone,village_code,grid_code,household,tags",
    `王小明,13600136101,${village},,0401,`,
    `李小红,13600136102,${village},,0402,`,
    `赵大山,13600136103,${village},${grid},0403,`,
    `钱网格,13600136104,${village},${grid},0404,党员`,
  ].join("\n");
const gridWorker = "13600136104";

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

/** A photo as a phone takes it: 2400×1800 px, drawn in the page's own canvas. */
async function bigPhoto(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = 2400;
    canvas.height = 1800;
    const g = canvas.getContext("2d")!;
    g.fillStyle = "#3a7d44";
    g.fillRect(0, 0, 2400, 1800);
    g.fillStyle = "#fff";
    g.font = "240px sans-serif";
    g.fillText("垃圾分类", 500, 1000);
    return canvas.toDataURL("image/png").split(",")[1];
  });
  return Buffer.from(base64, "base64");
}

/** The width and height of a JPEG, from its first SOF marker. */
function jpegSize(jpeg: Buffer): { width: number; height: number } {
  let i = 2;
  while (i + 9 < jpeg.length) {
    if (jpeg[i] !== 0xff) throw new Error(`not a JPEG marker at ${i}`);
    const marker = jpeg[i + 1];
    const length = jpeg.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc3) {
      return { height: jpeg.readUInt16BE(i + 5), width: jpeg.readUInt16BE(i + 7) };
    }
    i += 2 + length;
  }
  throw new Error("no SOF marker");
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ request }) => {
  const headers = { authorization: `Bearer ${await adminToken(request)}` };
  const grid = await request.post("/api/v1/admin/grids", { headers, data: { village_code: village, name: "东头网格" } });
  expect(grid.status()).toBe(201);
  const gridCode: string = (await grid.json()).code;
  const imported = await request.post("/api/v1/admin/villagers/import", {
    headers: { ...headers, "content-type": "text/csv" },
    data: villagers(gridCode),
  });
  expect(imported.status()).toBe(200);
  expect((await imported.json()).errors).toEqual([]);
  const found = await request.get(`/api/v1/admin/people?region_code=${village}&phone=${gridWorker}`, { headers });
  const [worker] = (await found.json()).items;
  const appointed = await request.post(`/api/v1/admin/users/${worker.id}/roles`, {
    headers,
    data: { role: "grid_worker", region_code: gridCode },
  });
  expect(appointed.status()).toBe(200);
});

test("a villager claims 孝老爱亲, the village admin approves it, and the points show everywhere", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));

  // 首页: the balance first, four quick actions, the villager's tabs.
  await signIn(page, "13600136101");
  await page.getByTestId("tab-home").tap();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("您好，王小明");
  await expect(page.getByTestId("balance-value")).toHaveText("0");
  await expect(page.getByTestId("balance-pending")).toHaveCount(0);
  for (const tab of ["tab-home", "tab-earn", "tab-me"]) await expect(page.getByTestId(tab)).toBeVisible();
  await expect(page.getByTestId("tab-home")).toHaveAttribute("aria-current", "page");
  await expect(page.getByTestId("tab-review")).toHaveCount(0);
  const balanceSize = await page.getByTestId("balance-value").evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  expect(balanceSize).toBeGreaterThanOrEqual(48);
  for (const id of ["action-earn", "action-history", "action-claims", "action-board"]) {
    expect((await page.getByTestId(id).boundingBox())!.height).toBeGreaterThanOrEqual(48);
  }
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/30-home-villager.png` });

  // 挣积分: the village's rules by category, points and 需要照片 on each.
  await page.getByTestId("action-earn").tap();
  await expect(page).toHaveURL(/\/earn$/);
  const filial = page.getByTestId("rule-item").filter({ hasText: "孝老爱亲" });
  await expect(filial).toContainText("+5");
  await expect(filial.getByTestId("needs-photo")).toHaveCount(0);
  const garbage = page.getByTestId("rule-item").filter({ hasText: "垃圾分类" });
  await expect(garbage.getByTestId("needs-photo")).toHaveText("需要照片");
  await expect(page.getByRole("heading", { name: "德治" })).toBeVisible();
  await expect(page.getByTestId("tab-earn")).toHaveAttribute("aria-current", "page");
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/31-earn-rules.png` });

  // The claim: the note survives a reload (the draft lives on the phone).
  await filial.tap();
  await expect(page).toHaveURL(/\/earn\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("孝老爱亲");
  const note = "陪邻居张奶奶去卫生院看病";
  await page.getByTestId("claim-note").fill(note);
  await expect(page.getByText("草稿已自动保存在这台手机上")).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("claim-note")).toHaveValue(note);
  await expect(page.getByText(`${note.length}/500`)).toBeVisible();
  // 提交申报 is within thumb reach, above the tab bar, without scrolling.
  await expect(page.getByTestId("claim-submit")).toBeInViewport();
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/32-claim-form.png` });

  // The connection drops on 提交: a plain sentence, the draft kept; 重试 sends the same
  // Idempotency-Key (made with the draft, not at the tap).
  const keys: string[] = [];
  await page.route("**/api/v1/claims", (route) => {
    keys.push(route.request().headers()["idempotency-key"]);
    return route.abort("internetdisconnected");
  });
  await page.getByTestId("claim-submit").tap();
  await expect(page.getByText("网络不好，已保存草稿，联网后自动提交")).toBeVisible();
  await page.screenshot({ path: `${artifacts}/33-claim-offline.png` });
  await page.unroute("**/api/v1/claims");
  const sent = page.waitForRequest((r) => r.method() === "POST" && r.url().endsWith("/api/v1/claims"));
  await page.getByRole("button", { name: "重试" }).tap();
  const request = await sent;
  expect(keys).toHaveLength(1);
  expect(keys[0]).toMatch(/^claim-[0-9a-f]{32}$/);
  expect(request.headers()["idempotency-key"]).toBe(keys[0]);
  expect(request.postDataJSON()).toEqual({ rule_id: expect.any(Number), note, photo_ids: [] });
  const success = page.getByTestId("claim-success");
  await expect(success).toBeVisible();
  await expect(success.getByTestId("claim-status")).toHaveText("待审核");
  await expect(page.getByText("已提交，等待审核")).toBeVisible();
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/34-claim-sent.png` });
  // The draft is gone once sent.
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("jifen.draft.")))).toEqual([]);

  // 我的申报: 待审核.
  await page.getByTestId("see-my-claims").tap();
  await expect(page).toHaveURL(/\/claims$/);
  const mine = page.getByTestId("claim-item");
  await expect(mine).toHaveCount(1);
  await expect(mine.first()).toContainText("孝老爱亲");
  await expect(mine.first()).toContainText(note);
  await expect(mine.first().getByTestId("claim-status")).toHaveText("待审核");
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/35-my-claims-pending.png` });

  // The village admin, on another phone: 审核 is their first tab.
  const adminPage = await (await browser.newContext()).newPage();
  adminPage.on("pageerror", (e) => errors.push(String(e)));
  await signIn(adminPage, admin.phone);
  await expect(adminPage.getByTestId("tab-review")).toBeVisible();
  await expect(adminPage.getByRole("link", { name: "审核村民申报" })).toBeVisible();
  await adminPage.getByTestId("tab-review").tap();
  await expect(adminPage).toHaveURL(/\/review$/);
  await expect(adminPage.getByRole("heading", { level: 1 })).toHaveText("待审核的申报");
  const card = adminPage.getByTestId("review-card").filter({ hasText: "王小明" });
  await expect(card).toHaveCount(1);
  await expect(card.getByTestId("review-rule")).toHaveText("孝老爱亲");
  await expect(card).toContainText("+5 积分");
  await expect(card).toContainText(note);
  await expect(card.getByTestId("photo-reused")).toHaveCount(0);
  const approve = card.getByTestId("review-approve");
  expect((await approve.boundingBox())!.height).toBeGreaterThanOrEqual(48);
  await fitsThePhone(adminPage);
  await adminPage.screenshot({ path: `${artifacts}/36-review-queue.png` });
  await approve.tap();
  await expect(adminPage.getByTestId("review-said")).toHaveText("已通过：王小明「孝老爱亲」+5");
  await expect(card).toHaveCount(0);
  await expect(adminPage.getByText("没有待审核的申报，辛苦了")).toBeVisible();
  await adminPage.screenshot({ path: `${artifacts}/37-review-approved.png` });
  // `/` takes a reviewer to the queue.
  await adminPage.goto("/");
  await expect(adminPage).toHaveURL(/\/review$/);

  // The villager's home shows the 5 points.
  await page.getByTestId("tab-home").tap();
  await expect(page.getByTestId("balance-value")).toHaveText("5");
  await page.screenshot({ path: `${artifacts}/38-home-after-approval.png` });

  // 我的申报: 已通过 +5, who approved it.
  await page.getByTestId("action-claims").tap();
  await expect(mine.first().getByTestId("claim-status")).toHaveText("已通过 +5");
  await expect(mine.first()).toContainText("谷寨管理员 审核");

  // 积分明细: why, who, when (county time), the running balance.
  await page.getByTestId("tab-home").tap();
  await page.getByTestId("action-history").tap();
  await expect(page).toHaveURL(/\/points\/history$/);
  const entry = page.getByTestId("ledger-entry");
  await expect(entry).toHaveCount(1);
  await expect(entry.first()).toContainText("申报通过：孝老爱亲");
  await expect(entry.first().getByTestId("ledger-amount")).toHaveText("+5");
  await expect(entry.first()).toContainText("余额 5");
  await expect(entry.first()).toContainText(/谷寨管理员 · \d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
  await expect(page.getByTestId("history-available")).toHaveText("5");
  await expect(page.getByTestId("history-earned")).toHaveText("5");
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/39-points-history.png` });

  // 村积分榜: the masked name, the reason, who approved it; the month's ranking.
  await page.getByTestId("tab-home").tap();
  await page.getByTestId("action-board").tap();
  await expect(page).toHaveURL(new RegExp(`/villages/${village}/board$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("谷寨村委会");
  const movement = page.getByTestId("board-movement").first();
  await expect(movement.getByTestId("board-name")).toHaveText("王*明");
  await expect(movement).toContainText("孝老爱亲");
  await expect(movement).toContainText("+5");
  await expect(movement).toContainText("经办：谷寨管理员");
  await expect(page.getByText("王小明")).toHaveCount(0);
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/40-board-recent.png` });
  await page.getByTestId("board-tab-month").tap();
  await expect(page.getByTestId("board-tab-month")).toHaveAttribute("aria-selected", "true");
  const top = page.getByTestId("board-rank").first();
  await expect(top).toContainText("王*明");
  await expect(top).toContainText("5 分");
  await page.screenshot({ path: `${artifacts}/41-board-month.png` });

  // The board is public: signed out, the same.
  const stranger = await (await browser.newContext()).newPage();
  await stranger.goto(`/villages/${village}/board`);
  await expect(stranger.getByTestId("board-movement").first().getByTestId("board-name")).toHaveText("王*明");
  await expect(stranger.getByTestId("tab-home")).toHaveCount(0);

  // A second claim: someone else decides it first (409 already_reviewed) — said plainly, the
  // list read again; then it is refused with a reason the villager reads.
  await page.goto("/earn");
  await page.getByTestId("rule-item").filter({ hasText: "孝老爱亲" }).tap();
  await page.getByTestId("claim-submit").tap();
  await expect(page.getByTestId("claim-success")).toBeVisible();
  await adminPage.reload();
  const second = adminPage.getByTestId("review-card").filter({ hasText: "王小明" });
  await expect(second).toHaveCount(1);
  await adminPage.route("**/api/v1/review/claims/*/approve", (route) =>
    route.fulfill({ status: 409, contentType: "application/json", body: JSON.stringify({ code: "already_reviewed", message: "claim was already approved" }) }),
  );
  await second.getByTestId("review-approve").tap();
  await expect(adminPage.getByTestId("review-refreshed")).toHaveText("已由他人审核，列表已刷新");
  await adminPage.unroute("**/api/v1/review/claims/*/approve");
  await expect(second).toHaveCount(1); // still pending on the server: back after the refresh
  await second.getByTestId("review-reject").tap();
  await second.getByTestId("review-reject-confirm").tap();
  await expect(second.getByText("请选择或填写原因")).toBeVisible();
  await second.getByTestId("reject-reason").filter({ hasText: "其他" }).tap();
  await second.getByTestId("reject-other").fill("同一件事本月已经申报过");
  await fitsThePhone(adminPage);
  await adminPage.screenshot({ path: `${artifacts}/42-review-reject.png` });
  const rejected = adminPage.waitForRequest((r) => r.method() === "POST" && r.url().includes("/reject"));
  await second.getByTestId("review-reject-confirm").tap();
  expect((await rejected).postDataJSON()).toEqual({ reason: "同一件事本月已经申报过" });
  await expect(adminPage.getByTestId("review-said")).toHaveText("已退回：王小明「孝老爱亲」");
  await expect(second).toHaveCount(0);

  await page.goto("/claims");
  await expect(mine).toHaveCount(2);
  await expect(mine.first().getByTestId("claim-status")).toHaveText("未通过");
  await expect(mine.first().getByTestId("claim-reason")).toHaveText("原因：同一件事本月已经申报过");
  await expect(mine.nth(1).getByTestId("claim-status")).toHaveText("已通过 +5");
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/43-my-claims-decided.png` });

  // English is one tap away.
  await page.getByRole("button", { name: "EN" }).tap();
  await expect(mine.first().getByTestId("claim-status")).toHaveText("Not approved");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("My claims");
  await fitsThePhone(page);
  await page.getByRole("button", { name: "中文" }).tap();
  expect(errors).toEqual([]);
});

test("a photo is shrunk in the browser, uploaded with progress, retried after a failure, and kept in the draft", async ({ page }) => {
  test.setTimeout(90_000);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await signIn(page, "13600136102");
  await page.goto("/earn");
  await page.getByTestId("rule-item").filter({ hasText: "垃圾分类" }).tap();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("垃圾分类");
  // 需要照片: said before anything is sent.
  const claims: string[] = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && r.url().endsWith("/api/v1/claims")) claims.push(r.url());
  });
  await page.getByTestId("claim-submit").tap();
  await expect(page.getByText("这一项需要照片：请先拍照或从相册选一张")).toBeVisible();
  expect(claims).toEqual([]);

  // POST /media is played here (the photo storage lands separately): the upload fails once,
  // then answers as the API promises. What the page sends is checked: one multipart field
  // `file`, a JPEG of at most 1600 px a side.
  let uploads = 0;
  let uploaded: Buffer | null = null;
  await page.route("**/api/v1/media", async (route) => {
    uploads += 1;
    if (uploads === 1) return route.abort("internetdisconnected");
    const request = route.request();
    expect(request.headers()["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(request.headers()["authorization"]).toMatch(/^Bearer /);
    const body = request.postDataBuffer()!;
    const head = body.subarray(0, 400).toString("latin1");
    expect(head).toContain('name="file"; filename="photo.jpg"');
    expect(head).toContain("Content-Type: image/jpeg");
    const start = body.indexOf(Buffer.from([0xff, 0xd8, 0xff]));
    uploaded = body.subarray(start);
    return route.fulfill({ status: 201, contentType: "application/json", body: JSON.stringify({ id: 9001, width: 1600, height: 1200, sha256: "0".repeat(64) }) });
  });
  await page.route("**/api/v1/media/9001/thumb", (route) => route.fulfill({ status: 200, contentType: "image/jpeg", body: uploaded! }));

  const photo = await bigPhoto(page);
  await page.getByTestId("photo-input").setInputFiles({ name: "IMG_0001.png", mimeType: "image/png", buffer: photo });
  const slot = page.getByTestId("photo-slot");
  await expect(slot).toHaveCount(1);
  await expect(slot).toHaveAttribute("data-state", "failed");
  await expect(page.getByText("网络不好，照片没有传上去。照片还在，点照片上的「重试」再传一次。")).toBeVisible();
  await slot.evaluate((e) => e.scrollIntoView({ block: "center" }));
  await page.screenshot({ path: `${artifacts}/44-photo-upload-failed.png` });
  await slot.getByRole("button", { name: "重试" }).tap();
  await expect(slot).toHaveAttribute("data-state", "done");
  expect(uploads).toBe(2);
  const size = jpegSize(uploaded!);
  expect(Math.max(size.width, size.height)).toBe(1600);
  expect(size).toEqual({ width: 1600, height: 1200 });
  expect(uploaded!.length).toBeLessThan(photo.length);
  await fitsThePhone(page);
  await slot.evaluate((e) => e.scrollIntoView({ block: "center" }));
  await page.screenshot({ path: `${artifacts}/45-photo-uploaded.png` });

  // The uploaded photo is in the draft: after a reload it is still there (the server's
  // thumbnail, fetched with the token).
  await page.reload();
  await expect(slot).toHaveCount(1);
  await expect(slot).toHaveAttribute("data-state", "done");
  await expect(slot.locator("img")).toBeVisible();
  const draft = await page.evaluate(() => {
    const key = Object.keys(localStorage).find((k) => k.startsWith("jifen.draft."))!;
    return JSON.parse(localStorage.getItem(key)!);
  });
  expect(draft.photo_ids).toEqual([9001]);
  expect(draft.key).toMatch(/^claim-[0-9a-f]{32}$/);

  // Taken out again, the draft forgets it.
  await slot.getByRole("button", { name: /删除/ }).tap();
  await expect(slot).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("the whole photo journey: 垃圾分类 with a photo, the daily cap, a reused photo flagged to the reviewer, who zooms it", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await signIn(page, "13600136103");
  const photo = await bigPhoto(page);
  const claimWithPhoto = async (rule: string) => {
    await page.goto("/earn");
    await page.getByTestId("rule-item").filter({ hasText: rule }).tap();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(rule);
    const uploaded = page.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith("/api/v1/media"));
    await page.getByTestId("photo-album").setInputFiles({ name: "IMG_0002.png", mimeType: "image/png", buffer: photo });
    expect((await uploaded).status()).toBe(201);
    await expect(page.getByTestId("photo-slot")).toHaveAttribute("data-state", "done");
    await page.getByTestId("claim-submit").tap();
  };

  await claimWithPhoto("垃圾分类");
  await expect(page.getByTestId("claim-success")).toBeVisible();
  // Once a day: a second one today is refused in plain words, the draft kept.
  await claimWithPhoto("垃圾分类");
  await expect(page.getByText("这一项今天或本月的次数已经用完了，请改天再申报")).toBeVisible();
  await page.getByRole("button", { name: "清空重填" }).tap();
  // The same picture for another rule.
  await claimWithPhoto("门前三包、庭院整洁");
  await expect(page.getByTestId("claim-success")).toBeVisible();

  // 钱网格, the grid worker of 赵大山's grid: holding two roles, the grid worker's is current
  // and its first tab is 审核; `/` goes there.
  const reviewer = await (await browser.newContext()).newPage();
  reviewer.on("pageerror", (e) => errors.push(String(e)));
  await signIn(reviewer, gridWorker);
  await expect(reviewer.locator(".role-chip")).toHaveText("网格员");
  await reviewer.goto("/");
  await expect(reviewer).toHaveURL(/\/review$/);
  const cards = reviewer.getByTestId("review-card").filter({ hasText: "赵大山" });
  await expect(cards).toHaveCount(2);
  const byRule = (rule: string) => cards.filter({ has: reviewer.getByTestId("review-rule").getByText(rule, { exact: true }) });
  const first = byRule("垃圾分类");
  const second = byRule("门前三包、庭院整洁");
  await expect(first.getByTestId("review-photo").locator("img")).toBeVisible();
  await expect(second.getByTestId("photo-reused")).toContainText(/此照片已用于 赵\*山 的「垃圾分类」申报（\d{1,2}月\d{1,2}日）/);
  await second.scrollIntoViewIfNeeded();
  await fitsThePhone(reviewer);
  await reviewer.screenshot({ path: `${artifacts}/46-review-reused-photo.png` });
  await first.getByTestId("review-photo").tap();
  await expect(reviewer.getByTestId("photo-zoom").locator("img")).toBeVisible();
  await reviewer.screenshot({ path: `${artifacts}/47-review-photo-zoom.png` });
  await reviewer.getByRole("button", { name: "关闭" }).tap();
  await expect(reviewer.getByTestId("photo-zoom")).toHaveCount(0);
  await first.getByTestId("review-approve").tap();
  await expect(first).toHaveCount(0);
  await second.getByTestId("review-reject").tap();
  await second.getByTestId("reject-reason").filter({ hasText: "重复申报" }).tap();
  await second.getByTestId("review-reject-confirm").tap();
  await expect(reviewer.getByTestId("review-said")).toHaveText("已退回：赵大山「门前三包、庭院整洁」");

  await page.goto("/claims");
  const mine = page.getByTestId("claim-item");
  await expect(mine.first().getByTestId("claim-reason")).toHaveText("原因：重复申报");
  await expect(mine.nth(1).getByTestId("claim-status")).toHaveText("已通过 +2");
  await expect(mine.nth(1)).toContainText("1 张照片");
  // The points reach the balance, and the village board shows who (masked), for what, and
  // who approved it.
  await page.getByTestId("tab-home").tap();
  await expect(page.getByTestId("balance-value")).toHaveText("2");
  await page.getByTestId("action-board").tap();
  const movement = page.getByTestId("board-movement").filter({ hasText: "垃圾分类" });
  await expect(movement).toHaveCount(1);
  await expect(movement.getByTestId("board-name")).toHaveText("赵*山");
  await expect(movement).toContainText("+2");
  // Its time is the API's UTC instant on the county's clock (Asia/Shanghai).
  const village = new URL(page.url()).pathname.split("/")[2];
  const board = await (await page.request.get(`/api/v1/public/villages/${village}/board`)).json();
  const at = board.movements.find((m: { reason: string }) => m.reason === "垃圾分类").created_at;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone: "Asia/Shanghai", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  await expect(movement).toContainText(`${parts.month}月${parts.day}日 ${parts.hour}:${parts.minute}`);
  expect(errors).toEqual([]);
});
