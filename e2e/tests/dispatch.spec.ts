// 派单 by the grid worker on a 360×640 phone: 秦庄村's villager orders 代办跑腿 and nobody takes it
// within the SLA; the grid worker finds it on 审核 → 待派单 (with its count), dispatches it in two
// taps to the volunteer who holds no other order, and the volunteer finds it in 我的任务.
//
// The order escalates without waiting 24 hours: the journey runs `jifen sweep --at` a day
// ahead against the journeys' database (as an operator could). That escalates every order open
// at that moment: the journeys run one at a time, and no journey before this one (by file
// name) leaves an order open. 秦庄村 (410783101208) and its people are touched only here.
import { expect, test, type APIRequestContext, type Page } from "./fixtures";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { codeFor, signIn } from "./sign-in";

const artifacts = "artifacts";
const village = "410783101208"; // 秦庄村委会
const admin = "13700137070"; // 秦庄管理员 (serve.sh)
const worker = "13700137071"; // 秦网格员, a villager made the grid's worker here
const orderer = "13500135920";
const volunteer = "13500135921";
const busyVolunteer = "13500135922";
const description = "帮忙把煤气罐扛上三楼";

/** Nothing wider than the phone. */
async function fitsThePhone(page: Page) {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth).toBeLessThanOrEqual(360);
}

/** A villager's access token through the API, with the SMS code from the server's log. */
async function villagerToken(request: APIRequestContext, phone: string): Promise<string> {
  expect((await request.post("/api/v1/auth/otp/send", { data: { phone } })).status()).toBe(202);
  const code = await codeFor(`+86${phone}`);
  const answer = await request.post("/api/v1/auth/otp/verify", { data: { phone, code } });
  expect(answer.status()).toBe(200);
  return (await answer.json()).access_token;
}

/** Orders 代办跑腿 as the villager of `token`; the order's id. */
async function order(request: APIRequestContext, token: string, text: string): Promise<number> {
  const headers = { authorization: `Bearer ${token}` };
  const types = await (await request.get(`/api/v1/services/types?region_code=${village}`)).json();
  const errand = types.find((t: { name: string }) => t.name === "代办跑腿");
  const answer = await request.post("/api/v1/services/orders", { headers, data: { type_id: errand.id, description: text, photo_ids: [] } });
  expect(answer.status()).toBe(201);
  return (await answer.json()).id;
}

/** `jifen sweep --at` a day and an hour ahead (the SLA is 24 hours), on the database serve.sh
 * made; what it printed. */
function sweepTomorrow(): string {
  const bin = process.env.JIFEN_BIN ?? path.join(process.env.CARGO_TARGET_DIR ?? "../target", "debug/jifen");
  const env: NodeJS.ProcessEnv = { ...process.env, JIFEN_DATA_DIR: "test-results/server-data" };
  delete env.JIFEN_DATABASE_URL;
  delete env.JIFEN_CONFIG;
  delete env.JIFEN_SERVICE_SLA_HOURS;
  const at = new Date(Date.now() + 25 * 3_600_000).toISOString();
  return execFileSync(bin, ["sweep", "--at", at], { env, encoding: "utf8" });
}

test.beforeAll(async ({ request }) => {
  test.setTimeout(60_000);
  // 秦庄村's admin: a grid, the villagers, two volunteers and the grid's worker.
  const signedIn = await request.post("/api/v1/auth/password", { data: { phone: admin, password: "e2e-password-123" } });
  expect(signedIn.status()).toBe(200);
  const headers = { authorization: `Bearer ${(await signedIn.json()).access_token}` };
  const grid = await request.post("/api/v1/admin/grids", { headers, data: { village_code: village, name: "秦庄一网格" } });
  expect(grid.status()).toBe(201);
  const gridCode = (await grid.json()).code;
  const csv = [
    "name,phone,village_code,grid_code,household",
    `秦大娘,${orderer},${village},${gridCode},0801`,
    `秦志愿,${volunteer},${village},,0802`,
    `白志愿,${busyVolunteer},${village},,0803`,
    `秦网格员,${worker},${village},${gridCode},0804`,
  ].join("\n");
  const imported = await request.post("/api/v1/admin/villagers/import", { headers: { ...headers, "content-type": "text/csv" }, data: csv });
  expect((await imported.json()).errors).toEqual([]);
  const people = await (await request.get(`/api/v1/admin/people?region_code=${village}&limit=50`, { headers })).json();
  const id = (name: string) => people.items.find((p: { name: string }) => p.name === name).id;
  for (const [name, role, region] of [["秦志愿", "volunteer", village], ["白志愿", "volunteer", village], ["秦网格员", "grid_worker", gridCode]]) {
    const granted = await request.post(`/api/v1/admin/users/${id(name)}/roles`, { headers, data: { role, region_code: region } });
    expect(granted.status()).toBe(200);
  }
  // 秦大娘 orders twice; 白志愿 takes the other order at once, the first waits a day.
  const ordererToken = await villagerToken(request, orderer);
  await order(request, ordererToken, description);
  const taken = await order(request, ordererToken, "帮忙去镇上取快递");
  const busy = await villagerToken(request, busyVolunteer);
  expect((await request.post(`/api/v1/services/orders/${taken}/claim`, { headers: { authorization: `Bearer ${busy}` } })).status()).toBe(200);
  expect(sweepTomorrow()).toContain("1 orders escalated");
});

test("the grid worker dispatches an order nobody took in time, and the volunteer finds it in 我的任务", async ({ page, browser }) => {
  test.setTimeout(90_000);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));

  // 审核: the grid worker's first tab says one order waits to be dispatched.
  await signIn(page, worker);
  await page.getByTestId("tab-review").tap();
  await expect(page).toHaveURL(/\/review$/);
  const tab = page.getByTestId("review-tab-dispatch");
  await expect(tab.getByTestId("dispatch-count")).toHaveText("1");
  expect((await tab.boundingBox())!.height).toBeGreaterThanOrEqual(48);
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/dispatch-01-review-count.png` });

  // 待派单: the order, still waiting for a volunteer.
  await tab.tap();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("待派单");
  const row = page.getByTestId("admin-order").filter({ hasText: description });
  await expect(row).toHaveCount(1);
  await expect(page.getByTestId("admin-order")).toHaveCount(1);
  await expect(row.getByTestId("order-status")).toHaveText("待接单");
  await expect(row).toContainText("秦*娘");
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/dispatch-02-to-dispatch.png` });

  // Tap one: 派单 lists the village's volunteers, the free one first.
  const dispatch = row.getByTestId("dispatch-order");
  expect((await dispatch.boundingBox())!.height).toBeGreaterThanOrEqual(48);
  await dispatch.tap();
  const choices = row.getByTestId("dispatch-volunteer");
  await expect(choices).toHaveCount(2);
  await expect(choices.nth(0)).toContainText("秦志愿");
  await expect(choices.nth(0)).toContainText("135****5921");
  await expect(choices.nth(0).getByTestId("volunteer-tasks")).toHaveText("空闲");
  await expect(choices.nth(1)).toContainText("白志愿");
  await expect(choices.nth(1).getByTestId("volunteer-tasks")).toHaveText("进行中 1 单");
  expect((await choices.first().boundingBox())!.height).toBeGreaterThanOrEqual(48);
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/dispatch-03-picker.png` });

  // Tap two: sent. The card says to whom; nothing waits any more.
  await choices.nth(0).tap();
  await expect(row.getByTestId("dispatch-said")).toHaveText("已派给 秦志愿");
  await expect(row.getByTestId("order-status")).toHaveText("已接单");
  await expect(row.getByTestId("dispatch-order")).toHaveCount(0);
  await expect(tab.getByTestId("dispatch-count")).toHaveCount(0);
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/dispatch-04-dispatched.png` });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: `${artifacts}/dispatch-05-wide.png` });

  // 秦志愿: 我的任务 has it, taken.
  const helper = await (await browser.newContext()).newPage();
  helper.on("pageerror", (e) => errors.push(String(e)));
  await signIn(helper, volunteer);
  await helper.getByTestId("tab-tasks").tap();
  const task = helper.getByTestId("task-item").filter({ hasText: description });
  await expect(task.getByTestId("order-status")).toHaveText("已接单");
  await task.scrollIntoViewIfNeeded();
  await fitsThePhone(helper);
  await helper.screenshot({ path: `${artifacts}/dispatch-06-volunteer-task.png` });
  expect(errors).toEqual([]);
});
