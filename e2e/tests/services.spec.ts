// Service orders (五单) and ratings (好差评) on a 360×640 phone: a villager of 谷寨村 orders
// 代办跑腿 from 首页 → 服务 with a photo (shrunk in the browser, kept in the draft) and sees it
// 待接单 in 我的订单; two volunteers of the village (villagers
// given the volunteer role through the API) open 接单 on their phones; the first takes it, the
// second's tap says 已被其他志愿者接单; the first completes it with a note and a photo; the
// villager sees the unread badge on the bell, reads the messages, opens the order with its
// photo and timeline and rates it 5 stars with a comment; the volunteer's 首页 shows the 5
// points earned.
// The villagers are imported through the API with the village admin's password token; the admin
// (13700137005, 谷寨管理员) is made by serve.sh.
import { expect, test, type APIRequestContext, type Page } from "./fixtures";
import { signIn } from "./sign-in";

const artifacts = "artifacts";
const village = "410783101204"; // 谷寨村委会
const admin = { phone: "13700137005", password: "e2e-password-123" };
// One phone per journey (a phone gets one SMS code a minute), none shared with points.spec.ts.
const orderer = "13600136301";
const volunteer = "13600136302";
const lateVolunteer = "13600136303";
// The admin's journey (派单, 差评整改).
const elder = "13600136311";
const dispatched = "13600136312";
const otherVolunteer = "13600136313";
const villagers = [
  "name,phone,village_code,grid_code,household,tags",
  `孙大娘,${orderer},${village},,0601,`,
  `周志愿,${volunteer},${village},,0602,`,
  `吴志愿,${lateVolunteer},${village},,0603,`,
  `郑大爷,${elder},${village},,0611,`,
  `冯志愿,${dispatched},${village},,0612,`,
  `陈志愿,${otherVolunteer},${village},,0613,`,
].join("\n");

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

/** Signs the village admin in on `page` with the password (the refresh cookie lands in the
 * page's context, so the PWA's silent sign-in picks it up): the admin's phone may have had an
 * SMS code less than a minute ago in another journey. */
async function signInAdmin(page: Page): Promise<void> {
  const response = await page.request.post("/api/v1/auth/password", { data: admin });
  expect(response.status()).toBe(200);
  await page.goto("/me");
  await expect(page.locator(".role-chip")).toHaveText("村管理员");
}

/** A JPEG as a phone takes it (2400×1800 px), of the prescription, drawn in the page's own canvas. */
async function prescription(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = 2400;
    canvas.height = 1800;
    const g = canvas.getContext("2d")!;
    g.fillStyle = "#f4efe6";
    g.fillRect(0, 0, 2400, 1800);
    g.fillStyle = "#333";
    g.font = "200px sans-serif";
    g.fillText("降压药 处方", 400, 950);
    return canvas.toDataURL("image/jpeg", 0.9).split(",")[1];
  });
  return Buffer.from(base64, "base64");
}

/** A small photo of the finished errand, drawn in the page's own canvas. */
async function photoOf(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = 800;
    canvas.height = 600;
    const g = canvas.getContext("2d")!;
    g.fillStyle = "#2a5d9f";
    g.fillRect(0, 0, 800, 600);
    g.fillStyle = "#fff";
    g.font = "90px sans-serif";
    g.fillText("已送达", 200, 330);
    return canvas.toDataURL("image/png").split(",")[1];
  });
  return Buffer.from(base64, "base64");
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ request }) => {
  const headers = { authorization: `Bearer ${await adminToken(request)}` };
  const imported = await request.post("/api/v1/admin/villagers/import", {
    headers: { ...headers, "content-type": "text/csv" },
    data: villagers,
  });
  expect(imported.status()).toBe(200);
  expect((await imported.json()).errors).toEqual([]);
  for (const phone of [volunteer, lateVolunteer, dispatched, otherVolunteer]) {
    const found = await request.get(`/api/v1/admin/people?region_code=${village}&phone=${phone}`, { headers });
    const [person] = (await found.json()).items;
    const granted = await request.post(`/api/v1/admin/users/${person.id}/roles`, {
      headers,
      data: { role: "volunteer", region_code: village },
    });
    expect(granted.status()).toBe(200);
  }
});

test("a villager orders 代办跑腿, a volunteer takes and completes it, the villager rates 5 stars, the volunteer earns 5 points", async ({ page, browser }) => {
  test.setTimeout(150_000);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));

  // 首页 → 服务: the county's services with the volunteer's reward.
  await signIn(page, orderer);
  await expect(page.getByTestId("inbox-bell")).toBeVisible();
  await expect(page.getByTestId("inbox-unread")).toHaveCount(0);
  await page.getByTestId("tab-home").tap();
  expect((await page.getByTestId("action-services").boundingBox())!.height).toBeGreaterThanOrEqual(48);
  await page.getByTestId("action-services").tap();
  await expect(page).toHaveURL(/\/services$/);
  const errand = page.getByTestId("service-type").filter({ hasText: "代办跑腿" });
  await expect(errand).toContainText("志愿者可得 5 积分");
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/50-services.png` });

  // 点单: what is needed, 我家 by default; the draft survives a reload.
  await errand.tap();
  await expect(page).toHaveURL(/\/services\/new\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("代办跑腿");
  const description = "帮忙去镇卫生院取降压药";
  await page.getByTestId("order-description").fill(description);
  await expect(page.getByText("草稿已自动保存在这台手机上")).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("order-description")).toHaveValue(description);
  await expect(page.getByTestId("address-home")).toHaveAttribute("aria-checked", "true");
  // A photo of the prescription: shrunk to 1600 px, uploaded, and kept in the draft.
  const uploaded = page.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith("/api/v1/media"));
  await page.getByTestId("photo-input").setInputFiles({ name: "IMG_0100.jpg", mimeType: "image/jpeg", buffer: await prescription(page) });
  const media = await uploaded;
  expect(media.status()).toBe(201);
  const photoId: number = (await media.json()).id;
  expect(Math.max((await media.json()).width, (await media.json()).height)).toBeLessThanOrEqual(1600);
  const slot = page.getByTestId("photo-slot");
  await expect(slot).toHaveAttribute("data-state", "done");
  await page.reload();
  await expect(slot).toHaveCount(1);
  await expect(slot).toHaveAttribute("data-state", "done");
  await expect(slot.locator("img")).toBeVisible();
  await expect(page.getByTestId("order-description")).toHaveValue(description);
  await fitsThePhone(page);
  await slot.evaluate((e) => e.scrollIntoView({ block: "center" }));
  await page.screenshot({ path: `${artifacts}/51-order-form.png` });

  // The connection drops on 提交订单; 重试 sends the same Idempotency-Key: one order.
  const keys: string[] = [];
  await page.route("**/api/v1/services/orders", (route) => {
    keys.push(route.request().headers()["idempotency-key"]);
    return route.abort("internetdisconnected");
  });
  await page.getByTestId("order-submit").tap();
  await expect(page.getByTestId("order-error")).toContainText("网络不好");
  await page.unroute("**/api/v1/services/orders");
  const sent = page.waitForRequest((r) => r.method() === "POST" && r.url().endsWith("/api/v1/services/orders"));
  await page.getByRole("button", { name: "重试" }).tap();
  const request = await sent;
  expect(keys).toHaveLength(1);
  expect(keys[0]).toMatch(/^order-[0-9a-f]{32}$/);
  expect(request.headers()["idempotency-key"]).toBe(keys[0]);
  expect(request.postDataJSON()).toEqual({ type_id: expect.any(Number), description, address: null, photo_ids: [photoId] });
  const success = page.getByTestId("order-success");
  await expect(success).toBeVisible();
  await expect(success.getByTestId("order-status")).toHaveText("待接单");
  await page.screenshot({ path: `${artifacts}/52-order-sent.png` });

  // 我的订单: 待接单.
  await page.getByTestId("see-my-orders").tap();
  await expect(page).toHaveURL(/\/services\/orders$/);
  const mine = page.getByTestId("order-item");
  await expect(mine).toHaveCount(1);
  await expect(mine.first()).toContainText(description);
  await expect(mine.first().getByTestId("order-status")).toHaveText("待接单");
  const orderId = await mine.first().getAttribute("data-order");
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/53-my-orders.png` });

  // Two volunteers open 接单 on their phones: their first tab.
  const late = await (await browser.newContext()).newPage();
  late.on("pageerror", (e) => errors.push(String(e)));
  await signIn(late, lateVolunteer);
  await late.getByTestId("tab-tasks").tap();
  await expect(late.getByTestId("available-order").filter({ hasText: description })).toBeVisible();

  const helper = await (await browser.newContext()).newPage();
  helper.on("pageerror", (e) => errors.push(String(e)));
  await signIn(helper, volunteer);
  await expect(helper.getByTestId("tab-tasks")).toBeVisible();
  await helper.getByTestId("tab-tasks").tap();
  await expect(helper).toHaveURL(/\/tasks$/);
  await expect(helper.getByRole("heading", { level: 1 })).toHaveText("可接的订单");
  const card = helper.getByTestId("available-order").filter({ hasText: description });
  await expect(card).toContainText("代办跑腿");
  await expect(card).toContainText("志愿者可得 5 积分");
  await expect(card).toContainText("我家");
  const claim = card.getByTestId("claim-order");
  expect((await claim.boundingBox())!.height).toBeGreaterThanOrEqual(48);
  await fitsThePhone(helper);
  await helper.screenshot({ path: `${artifacts}/54-tasks-available.png` });
  await claim.tap();
  await expect(helper.getByTestId("task-said")).toHaveText("接单成功，请尽快联系点单人");
  await expect(helper.getByTestId("available-order").filter({ hasText: description })).toHaveCount(0);
  const task = helper.getByTestId("task-item").filter({ hasText: description });
  await expect(task.getByTestId("order-status")).toHaveText("已接单");

  // The second volunteer taps 接单 too late: a plain sentence, and the order leaves the list.
  await late.getByTestId("available-order").filter({ hasText: description }).getByTestId("claim-order").tap();
  await expect(late.getByTestId("task-error")).toHaveText("已被其他志愿者接单");
  await expect(late.getByTestId("available-order").filter({ hasText: description })).toHaveCount(0);
  await fitsThePhone(late);
  await late.screenshot({ path: `${artifacts}/55-tasks-already-claimed.png` });

  // The volunteer completes it with a note and a photo.
  await task.tap();
  await expect(helper).toHaveURL(new RegExp(`/services/orders/${orderId}$`));
  await expect(helper.getByTestId("order-detail").getByTestId("order-status")).toHaveText("已接单");
  await expect(helper.getByTestId("order-detail")).toContainText("孙大娘");
  // The villager's photo is on the order, fetched with the volunteer's token.
  await expect(helper.getByTestId("order-detail").getByTestId("order-photo")).toHaveCount(1);
  await expect(helper.getByTestId("order-detail").getByTestId("order-photo").locator("img")).toBeVisible();
  const note = "药已取回，送到孙大娘家";
  await helper.getByTestId("complete-note").fill(note);
  await helper.getByTestId("complete-photo-input").setInputFiles({ name: "done.png", mimeType: "image/png", buffer: await photoOf(helper) });
  await expect(helper.getByTestId("complete-photo")).toHaveAttribute("data-state", "done");
  await fitsThePhone(helper);
  await helper.screenshot({ path: `${artifacts}/56-complete-form.png` });
  await helper.getByTestId("complete-submit").tap();
  await expect(helper.getByTestId("order-detail").getByTestId("order-status")).toHaveText("已完成");
  await expect(helper.getByTestId("order-detail")).toContainText(note);
  await expect(helper.getByTestId("complete-form")).toHaveCount(0);

  // The villager: the bell shows the unread messages (接单, 完成); opening them reads them.
  await page.reload();
  await expect(page.getByTestId("inbox-unread")).toHaveText("2");
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/57-unread-badge.png` });
  await page.getByTestId("inbox-bell").tap();
  await expect(page).toHaveURL(/\/inbox$/);
  await expect(page.getByTestId("inbox-item")).toHaveCount(2);
  await expect(page.getByTestId("inbox-unread")).toHaveCount(0);
  await page.screenshot({ path: `${artifacts}/58-inbox.png` });

  // The order: its timeline on the county's clock, then five big stars.
  await page.getByTestId("inbox-item").filter({ hasText: /完成/ }).first().tap();
  await expect(page).toHaveURL(new RegExp(`/services/orders/${orderId}$`));
  const steps = page.getByTestId("timeline-step");
  await expect(steps).toHaveCount(3);
  await expect(steps.nth(0)).toHaveAttribute("data-kind", "ordered");
  await expect(steps.nth(1)).toHaveAttribute("data-kind", "claimed");
  await expect(steps.nth(1)).toContainText("周志愿");
  await expect(steps.nth(2)).toHaveAttribute("data-kind", "completed");
  await expect(steps.nth(2)).toContainText(note);
  await expect(steps.nth(0)).toContainText(/\d+月\d+日 \d{2}:\d{2}/);
  // The villager's photo, fetched with the token; a tap shows it full-screen.
  const shown = page.getByTestId("order-detail").getByTestId("order-photo");
  await expect(shown).toHaveCount(1);
  await expect(shown.locator("img")).toBeVisible();
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/58-order-photo.png`, fullPage: true });
  await shown.tap();
  await expect(page.getByTestId("photo-zoom").locator("img")).toBeVisible();
  await page.getByRole("button", { name: "关闭" }).tap();
  await expect(page.getByTestId("photo-zoom")).toHaveCount(0);
  // The volunteer's photo of the work done, too.
  await expect(page.getByTestId("order-detail").getByTestId("completion-photo").locator("img")).toBeVisible();
  for (let n = 1; n <= 5; n++) {
    const star = (await page.getByTestId(`star-${n}`).boundingBox())!;
    expect(star.height).toBeGreaterThanOrEqual(44);
    expect(star.width).toBeGreaterThanOrEqual(44);
  }
  await page.getByTestId("star-2").tap();
  await expect(page.getByTestId("star-grade")).toHaveText("差评");
  await page.getByTestId("star-5").tap();
  await expect(page.getByTestId("star-grade")).toHaveText("好评");
  const comment = "小周跑得快，药没拿错，谢谢！";
  await page.getByTestId("rate-comment").fill(comment);
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/59-rate.png` });
  await page.getByTestId("rate-submit").tap();
  const rating = page.getByTestId("order-rating");
  await expect(rating.getByTestId("rating-grade")).toHaveText("好评");
  await expect(rating).toContainText(comment);
  await expect(page.getByTestId("rate-form")).toHaveCount(0);
  await expect(page.locator('[data-testid="timeline-step"][data-kind="paid"]')).toContainText("+5");
  await page.screenshot({ path: `${artifacts}/60-rated.png` });

  // The volunteer's 首页: the reward is in the balance; 我的任务 says so too.
  await helper.getByTestId("tab-home").tap();
  await expect(helper).toHaveURL(/\/$/);
  await expect(helper.getByTestId("balance-value")).toHaveText("5");
  await fitsThePhone(helper);
  await helper.screenshot({ path: `${artifacts}/61-volunteer-home.png` });
  await helper.getByTestId("tab-tasks").tap();
  await expect(helper.getByTestId("task-item").filter({ hasText: description }).getByTestId("task-reward")).toHaveText("已得 +5 积分");

  expect(errors).toEqual([]);
});

test("the village admin dispatches an order to a named volunteer, closes the 差评 it earned with a follow-up, and the villager rates again", async ({ page, browser }) => {
  test.setTimeout(150_000);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));

  // 郑大爷 orders 代办跑腿.
  await signIn(page, elder);
  await page.goto("/services");
  await page.getByTestId("service-type").filter({ hasText: "代办跑腿" }).tap();
  const description = "帮忙买一袋面粉送到家";
  await page.getByTestId("order-description").fill(description);
  await page.getByTestId("order-submit").tap();
  await expect(page.getByTestId("order-success")).toBeVisible();

  // 谷寨管理员: 我的 → 服务订单; the open order is dispatched (派单) to 冯志愿 by name.
  const admin = await (await browser.newContext()).newPage();
  admin.on("pageerror", (e) => errors.push(String(e)));
  await signInAdmin(admin);
  await admin.getByRole("link", { name: "服务订单" }).tap();
  await expect(admin).toHaveURL(/\/admin\/services$/);
  await expect(admin.getByRole("heading", { level: 1 })).toHaveText("服务订单");
  const row = admin.getByTestId("admin-order").filter({ hasText: description });
  await expect(row.getByTestId("order-status")).toHaveText("待接单");
  await expect(row).toContainText("郑大爷");
  const orderId = await row.getAttribute("data-order");
  await fitsThePhone(admin);
  await admin.screenshot({ path: `${artifacts}/70-admin-orders.png` });
  const dispatch = row.getByTestId("dispatch-order");
  expect((await dispatch.boundingBox())!.height).toBeGreaterThanOrEqual(48);
  await dispatch.tap();
  const choices = row.getByTestId("dispatch-volunteer");
  await expect(choices.filter({ hasText: "陈志愿" })).toHaveCount(1);
  await expect(choices.filter({ hasText: "郑大爷" })).toHaveCount(0);
  expect((await choices.first().boundingBox())!.height).toBeGreaterThanOrEqual(48);
  await fitsThePhone(admin);
  await admin.screenshot({ path: `${artifacts}/71-admin-dispatch.png` });
  await choices.filter({ hasText: "冯志愿" }).tap();
  await expect(row.getByTestId("dispatch-said")).toContainText("冯志愿");
  await expect(row.getByTestId("order-status")).toHaveText("已接单");
  await expect(row.getByTestId("dispatch-order")).toHaveCount(0);
  await fitsThePhone(admin);
  await admin.screenshot({ path: `${artifacts}/72-admin-dispatched.png` });

  // 冯志愿 finds it in 我的任务 and completes it.
  const helper = await (await browser.newContext()).newPage();
  helper.on("pageerror", (e) => errors.push(String(e)));
  await signIn(helper, dispatched);
  await helper.getByTestId("tab-tasks").tap();
  await expect(helper.getByTestId("available-order").filter({ hasText: description })).toHaveCount(0);
  const task = helper.getByTestId("task-item").filter({ hasText: description });
  await expect(task.getByTestId("order-status")).toHaveText("已接单");
  await task.tap();
  await expect(helper).toHaveURL(new RegExp(`/services/orders/${orderId}$`));
  await expect(helper.locator('[data-testid="timeline-step"][data-kind="dispatched"]')).toHaveCount(1);
  await helper.getByTestId("complete-note").fill("面粉已送到");
  await helper.getByTestId("complete-submit").tap();
  await expect(helper.getByTestId("order-detail").getByTestId("order-status")).toHaveText("已完成");

  // 郑大爷 rates it 1 star (差评): no points for the volunteer, the village is told to fix it.
  await page.goto(`/services/orders/${orderId}`);
  await page.getByTestId("star-1").tap();
  await expect(page.getByTestId("star-grade")).toHaveText("差评");
  await page.getByTestId("rate-comment").fill("面粉买错了牌子");
  await page.getByTestId("rate-submit").tap();
  await expect(page.getByTestId("order-rating").getByTestId("rating-grade")).toHaveText("差评");
  await expect(page.getByTestId("rectification-open")).toHaveText("差评已转村里整改");
  await expect(page.getByTestId("rate-form")).toHaveCount(0);
  await expect(page.locator('[data-testid="timeline-step"][data-kind="paid"]')).toHaveCount(0);

  // The admin sees the 差评整改 case and closes it with what was done.
  await admin.reload();
  const item = admin.getByTestId("rectification").filter({ has: admin.locator(`a[href="/services/orders/${orderId}"]`) });
  await expect(item).toHaveCount(1);
  await expect(item.getByTestId("rectification-order")).toContainText(description);
  await expect(item.getByTestId("rectification-rating")).toContainText("差评 · 面粉买错了牌子");
  await expect(item).toContainText("冯志愿");
  await item.scrollIntoViewIfNeeded();
  await fitsThePhone(admin);
  await admin.screenshot({ path: `${artifacts}/73-admin-rectification.png` });
  await item.getByTestId("close-rectification").tap();
  await expect(item.getByRole("alert")).toBeVisible();
  const followUp = "已联系郑大爷，换了他常用的牌子";
  await item.getByTestId("follow-up").fill(followUp);
  await item.getByTestId("close-rectification").tap();
  await expect(item).toContainText("已整改");
  await admin.screenshot({ path: `${artifacts}/74-admin-rectified.png` });

  // 郑大爷 reads the follow-up and rates once more: 4 stars (好评) pays the volunteer.
  await page.reload();
  await expect(page.getByTestId("rectified")).toContainText("村里已整改，您可以重新评价");
  await expect(page.getByTestId("rectified")).toContainText(followUp);
  await page.getByTestId("star-4").tap();
  await expect(page.getByTestId("star-grade")).toHaveText("好评");
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/75-rate-again.png` });
  await page.getByTestId("rate-submit").tap();
  await expect(page.getByTestId("order-rating").getByTestId("rating-grade")).toHaveText("好评");
  await expect(page.getByTestId("rate-form")).toHaveCount(0);
  await expect(page.locator('[data-testid="timeline-step"][data-kind="paid"]')).toContainText("+5");

  // 冯志愿's 首页 shows the reward.
  await helper.getByTestId("tab-home").tap();
  await expect(helper.getByTestId("balance-value")).toHaveText("5");
  await helper.screenshot({ path: `${artifacts}/76-dispatched-volunteer-home.png` });
  expect(errors).toEqual([]);
});
