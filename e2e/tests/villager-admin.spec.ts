// One villager on 人员 → the person → 编辑: the village admin of 韩寨村 changes a villager's 户号,
// groups and grid, gives them a new number (asked once), and marks another villager 去世 — the
// question says where the 30 points go (to 韩小伯 of the same household), the summary says
// where they went, and the closed villager is no longer listed. At 360×640 and 1280 px.
import { expect, test, type APIRequestContext, type Page } from "./fixtures";

const artifacts = "artifacts";
const admin = { phone: "13700137030", password: "e2e-password-123" };
const village = "410783101209"; // 韩寨村委会
const villagers = [
  "name,phone,village_code,household,tags",
  `韩大伯,13600136701,${village},0901,村民`,
  `韩小伯,13600136702,${village},0901,`,
  `韩二叔,13600136703,${village},0902,党员;种粮大户`,
  `韩三婶,13600136704,${village},0903,`,
].join("\n");

/** Nothing wider than the phone. */
async function fitsThePhone(page: Page) {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth).toBeLessThanOrEqual(360);
}

async function adminHeaders(request: APIRequestContext): Promise<Record<string, string>> {
  const response = await request.post("/api/v1/auth/password", { data: admin });
  expect(response.status()).toBe(200);
  return { authorization: `Bearer ${(await response.json()).access_token}` };
}

test.beforeAll(async ({ request }) => {
  const headers = await adminHeaders(request);
  for (const name of ["东头网格", "西头网格"]) {
    const grid = await request.post("/api/v1/admin/grids", { headers, data: { village_code: village, name } });
    expect(grid.status()).toBe(201);
  }
  const imported = await request.post("/api/v1/admin/villagers/import", {
    headers: { ...headers, "content-type": "text/csv" },
    data: villagers,
  });
  expect(imported.status()).toBe(200);
  expect((await imported.json()).errors).toEqual([]);
  const found = await request.get(`/api/v1/admin/people?region_code=${village}&phone=13600136701`, { headers });
  const [elder] = (await found.json()).items;
  const award = await request.post("/api/v1/admin/awards", {
    headers: { ...headers, "idempotency-key": "villager-admin-award" },
    data: { user_ids: [elder.id], points: 30, reason: "好人好事" },
  });
  expect(award.status()).toBe(201);
});

async function openPerson(page: Page, name: string) {
  await page.goto("/admin/people");
  await page.getByLabel("姓名或手机号").fill(name);
  await page.getByRole("button", { name: "查找" }).tap();
  await expect(page.getByTestId("people-list").locator("li")).toHaveCount(1);
  await page.getByTestId("people-list").getByRole("link", { name: new RegExp(name) }).tap();
  await expect(page.getByTestId("person").getByRole("heading", { level: 1 })).toHaveText(name);
}

test("a village admin edits a villager, changes the number, and closes another's account", async ({ page }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto("/login");
  await page.getByRole("tab", { name: "密码登录" }).tap();
  await page.getByLabel("手机号").fill(admin.phone);
  await page.getByLabel("密码", { exact: true }).fill(admin.password);
  await page.getByRole("button", { name: "登录", exact: true }).tap();
  await expect(page).toHaveURL(/\/me$/);

  // 编辑 from the person's page: 户号, groups (the county's, checkboxes; 种粮大户 is kept), grid.
  await openPerson(page, "韩二叔");
  await page.getByTestId("edit-person").tap();
  await expect(page).toHaveURL(/\/admin\/people\/\d+\/edit$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("编辑村民信息");
  await expect(page.getByLabel("姓名")).toHaveValue("韩二叔");
  await expect(page.getByLabel("户号")).toHaveValue("0902");
  await expect(page.getByRole("checkbox", { name: "党员" })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: "村民代表" })).not.toBeChecked();
  await expect(page.getByText("种粮大户")).toBeVisible();
  await expect(page.getByRole("radio", { name: "不分网格" })).toHaveAttribute("aria-checked", "true");
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/60-person-edit.png`, fullPage: true });
  // A form the server would refuse is refused here first.
  await page.getByLabel("姓名").fill("  ");
  await page.getByTestId("save-person").tap();
  await expect(page.getByText("请填写姓名（最多 50 个字）")).toBeVisible();
  await page.getByLabel("姓名").fill("韩二叔");
  await page.getByLabel("户号").fill("0903");
  await page.getByRole("checkbox", { name: "村民代表" }).check();
  await page.getByRole("radio", { name: "东头网格" }).tap();
  await page.getByTestId("save-person").tap();
  await expect(page.getByTestId("person-saved")).toHaveText("已保存");
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${artifacts}/61-person-edit-saved.png`, fullPage: true });

  // 更换手机号: a wrong number is refused, a taken one with the server's reason, then asked once.
  await page.getByLabel("新手机号").fill("136 0013");
  await page.getByTestId("change-phone").tap();
  await expect(page.getByText("请输入正确的 11 位手机号")).toBeVisible();
  await page.getByLabel("新手机号").fill("136 0013 6704");
  await page.getByTestId("change-phone").tap();
  await page.getByTestId("confirm-phone").tap();
  await expect(page.getByText("这个手机号已被其他人使用")).toBeVisible();
  await page.getByLabel("新手机号").fill("136 0013 6799");
  await page.getByTestId("change-phone").tap();
  await expect(page.getByText("确定把手机号改为 136 0013 6799 吗？")).toBeVisible();
  await page.getByTestId("phone-card").scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${artifacts}/62-person-phone-confirm.png` });
  await page.getByTestId("confirm-phone").tap();
  await expect(page.getByTestId("phone-changed")).toHaveText("手机号已更换：136 0013 6799");

  // The person's page shows it all.
  await page.getByRole("link", { name: "‹ 韩二叔" }).tap();
  const person = page.getByTestId("person");
  await expect(person).toContainText("136 0013 6799");
  await expect(person).toContainText("0903");
  await expect(person).toContainText("村民代表");
  await expect(person).toContainText("种粮大户");
  await expect(person).toContainText("东头网格");

  // 去世: the question says where the 30 points go; the summary where they went.
  await openPerson(page, "韩大伯");
  await page.getByTestId("edit-person").tap();
  await page.getByTestId("close-next").tap();
  await expect(page.getByText("请先选择迁出或去世")).toBeVisible();
  await page.getByRole("radio", { name: "去世" }).tap();
  await page.getByTestId("close-next").tap();
  await expect(page.getByText("确定将韩大伯标记为去世并注销账户吗？剩余 30 积分将转给同户 韩小伯。")).toBeVisible();
  await page.getByTestId("close-card").scrollIntoViewIfNeeded();
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/63-person-close-confirm.png` });
  await page.getByTestId("confirm-close").tap();
  await expect(page.getByTestId("closed-summary")).toHaveText("已注销（去世）。30 积分已转给同户 韩小伯。");
  await expect(page.getByTestId("person-details")).toHaveCount(0);
  await expect(page.getByTestId("phone-card")).toHaveCount(0);
  await page.screenshot({ path: `${artifacts}/64-person-closed.png` });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: `${artifacts}/65-person-closed-wide.png` });

  // The closed account is no longer listed; its edit screen says it is closed.
  const editUrl = page.url();
  await page.goto("/admin/people");
  await page.getByLabel("姓名或手机号").fill("韩");
  await page.getByRole("button", { name: "查找" }).tap();
  // 韩小伯, 韩二叔, 韩三婶 and 韩寨管理员.
  await expect(page.getByTestId("people-list").locator("li")).toHaveCount(4);
  await expect(page.getByTestId("people-list")).toContainText("韩小伯");
  await expect(page.getByTestId("people-list")).not.toContainText("韩大伯");
  await page.goto(editUrl);
  await expect(page.getByTestId("person-closed")).toHaveText("此账户已注销，不能再修改（去世）");
  await openPerson(page, "韩二叔");
  await page.getByTestId("edit-person").tap();
  await page.screenshot({ path: `${artifacts}/66-person-edit-wide.png`, fullPage: true });
  expect(errors).toEqual([]);
});
