// 评分/扣分: 碱场村's admin awards its five villagers 夜间巡逻 at once (ticked from the list),
// previews, confirms, and a retried confirm does not award twice; then deducts 乱堆乱放 from
// two of them, one of whom holds less than that: the preview shows the shortfall before
// anything is sent. Then the county lets grid workers award (20 a day, 4 to one villager) and
// 碱场村's grid worker awards the five villagers of their grid 夜间巡逻 at once from 审核 →
// 给网格村民评分, until the limit says no.
// 碱场村 and its villagers are touched only here.
import { expect, test, type APIRequestContext } from "./fixtures";
import { passwordSignIn, signIn } from "./sign-in";

const artifacts = "artifacts";
const admin = "13700137042";

test("a village admin awards five villagers 夜间巡逻 at once, then deducts with a shortfall shown first", async ({ page }) => {
  test.setTimeout(90_000);
  await passwordSignIn(page, admin);
  await page.goto("/admin");
  await page.getByRole("link", { name: "评分/扣分" }).tap();
  await expect(page).toHaveURL(/\/admin\/awards$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("评分/扣分");

  // Nobody ticked: said, nothing sent.
  await page.getByTestId("award-rule").selectOption({ label: "夜间巡逻（平安守护队）（+3）" });
  await page.getByTestId("award-preview").tap();
  await expect(page.getByText("请先勾选村民")).toBeVisible();

  const people = page.getByTestId("award-people").locator("li");
  // The village's five villagers (staff without a village are not listed).
  await expect(people).toHaveCount(5);
  await page.getByTestId("award-tick-all").tap();
  await expect(page.getByTestId("award-chosen").locator("button")).toHaveCount(5);
  await expect(page.getByTestId("award-preview")).toHaveText("预览（已选 5 人）");
  await page.screenshot({ path: `${artifacts}/awards-01-chosen.png` });
  await page.getByTestId("award-preview").tap();
  const card = page.getByTestId("award-preview-card");
  await expect(card).toContainText("给 5 人奖励 3 积分「夜间巡逻（平安守护队）」");
  await expect(card.getByTestId("award-line")).toHaveCount(5);
  await expect(card.getByTestId("award-line").first()).toContainText("现有 0 → 3");
  await page.screenshot({ path: `${artifacts}/awards-02-preview.png` });

  // Confirm; the request is sent twice (a retry after a timeout): one award.
  let sent = 0;
  await page.route("**/api/v1/admin/awards", async (route) => {
    sent += 1;
    const first = await route.fetch();
    const again = await route.fetch();
    expect(again.status()).toBe(first.status());
    await route.fulfill({ response: again });
  });
  await page.getByTestId("award-confirm").tap();
  await expect(page.getByTestId("award-done")).toContainText("已为 5 人奖励 3 积分「夜间巡逻（平安守护队）」");
  expect(sent).toBe(1);
  await page.unroute("**/api/v1/admin/awards");
  await page.screenshot({ path: `${artifacts}/awards-03-done.png` });

  // A deduction of 5 (乱堆乱放) from 碱一 (3 points) and 碱二 (3): both short by 2, said first.
  await page.getByRole("button", { name: "再评一批" }).tap();
  await page.getByTestId("award-minus").tap();
  await page.getByTestId("award-rule").selectOption({ label: "乱堆乱放（-5）" });
  await page.getByTestId("award-people").getByText("碱一").tap();
  await page.getByTestId("award-people").getByText("碱二").tap();
  await page.getByTestId("award-preview").tap();
  await expect(card).toContainText("给 2 人扣 5 积分「乱堆乱放」");
  await expect(card).toContainText("2 人积分不够扣，只扣到 0");
  await expect(card.getByTestId("award-line").first()).toContainText("现有 3 → 0（差 2）");
  await page.screenshot({ path: `${artifacts}/awards-04-shortfall.png` });
  await page.getByTestId("award-confirm").tap();
  await expect(page.getByTestId("award-done")).toContainText("已为 2 人扣 5 积分「乱堆乱放」");

  // A free amount needs a reason and a number in range, said before sending. The last batch's
  // choice stays (扣分, 乱堆乱放) for the next one.
  await page.getByRole("button", { name: "再评一批" }).tap();
  await expect(page.getByTestId("award-rule")).toHaveValue(/\d+/);
  await page.getByTestId("award-rule").selectOption({ label: "自定分值" });
  await page.getByTestId("award-people").getByText("碱三").tap();
  await page.getByTestId("award-amount").fill("1001");
  await page.getByTestId("award-preview").tap();
  await expect(page.getByText("分值请填 1 到 1000 之间的整数")).toBeVisible();
  await page.getByTestId("award-amount").fill("2");
  await page.getByTestId("award-preview").tap();
  await expect(page.getByText("请填写理由")).toBeVisible();
  await page.screenshot({ path: `${artifacts}/awards-05-form-errors.png` });

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: `${artifacts}/awards-06-wide.png`, fullPage: true });
});

/** Signs in with a password through the API; the access token. */
async function token(request: APIRequestContext, phone: string): Promise<string> {
  const answer = await request.post("/api/v1/auth/password", { data: { phone, password: "e2e-password-123" } });
  expect(answer.status()).toBe(200);
  return (await answer.json()).access_token;
}

test("the county sets grid workers' limits and a grid worker awards their grid within them", async ({ page, request }) => {
  test.setTimeout(90_000);
  // 碱场村's admin registers 碱六, makes a grid of 碱一–碱四 and 碱六 and appoints 碱五 its grid
  // worker (API).
  const auth = { Authorization: `Bearer ${await token(request, admin)}` };
  const imported = await request.post("/api/v1/admin/villagers/import", {
    headers: { ...auth, "content-type": "text/csv" },
    data: "name,phone,village_code,household\n碱六,13500135906,410783102202,0206\n",
  });
  expect(imported.status()).toBe(200);
  const grid = await request.post("/api/v1/admin/grids", { headers: auth, data: { village_code: "410783102202", name: "碱场一网格" } });
  expect(grid.status()).toBe(201);
  const gridCode = (await grid.json()).code;
  const people = await (await request.get("/api/v1/admin/people?region_code=410783102202&limit=50", { headers: auth })).json();
  const id = (name: string) => people.items.find((p: { name: string }) => p.name === name).id;
  expect((await request.post(`/api/v1/admin/grids/${gridCode}/members`, { headers: auth, data: { person_ids: ["碱一", "碱二", "碱三", "碱四", "碱六"].map(id) } })).status()).toBe(200);
  expect((await request.post(`/api/v1/admin/users/${id("碱五")}/roles`, { headers: auth, data: { role: "grid_worker", region_code: gridCode } })).status()).toBe(200);

  // The county admin sets the limits on 评分/扣分.
  await passwordSignIn(page, "13700137043");
  await page.goto("/admin/awards");
  await page.getByTestId("award-limits-open").tap();
  await page.getByTestId("limit-daily").fill("20");
  await page.getByTestId("limit-villager").fill("40");
  await page.getByTestId("limit-save").tap();
  await expect(page.getByText("每天总分 0–10000，每人每天 0–1000，且不超过每天总分")).toBeVisible();
  await page.getByTestId("limit-villager").fill("4");
  await page.getByTestId("limit-save").tap();
  await expect(page.getByText("已保存")).toBeVisible();
  await page.screenshot({ path: `${artifacts}/awards-07-limits.png` });
  await page.evaluate(() => localStorage.clear());
  await page.context().clearCookies();

  // 碱五, now a grid worker, awards from 审核.
  await signIn(page, "13500135905");
  await page.goto("/review");
  await page.getByTestId("to-awards").tap();
  await expect(page).toHaveURL(/\/admin\/awards$/);
  await expect(page.getByTestId("award-limits")).toHaveText("今日已评 0 分（每天最多 20 分，每人每天最多 4 分）");
  await expect(page.getByTestId("award-minus")).toHaveCount(0);
  await expect(page.getByTestId("award-people").locator("li")).toHaveCount(5);
  await page.getByTestId("award-rule").selectOption({ label: "夜间巡逻（平安守护队）（+3）" });
  await page.getByTestId("award-tick-all").tap();
  await page.getByTestId("award-preview").tap();
  await expect(page.getByTestId("award-preview-card")).toContainText("给 5 人奖励 3 积分");
  await page.screenshot({ path: `${artifacts}/awards-08-grid-worker-preview.png` });
  await page.getByTestId("award-confirm").tap();
  await expect(page.getByTestId("award-done")).toContainText("已为 5 人奖励 3 积分");
  await expect(page.getByTestId("award-limits")).toHaveText("今日已评 15 分（每天最多 20 分，每人每天最多 4 分）");
  // 碱三 again: 6 would be over 4 to one villager; said at the preview.
  await page.getByRole("button", { name: "再评一批" }).tap();
  await page.getByTestId("award-people").getByText("碱三").tap();
  await page.getByTestId("award-preview").tap();
  await expect(page.getByText("超过了今天的评分限额，请少选几人或降低分值")).toBeVisible();
  await page.screenshot({ path: `${artifacts}/awards-09-grid-worker-limit.png` });
});
