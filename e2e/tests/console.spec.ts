// The operators' console (管理), part of it: the county admin changes a recycling rate on
// 回收品类 (asked once, since every later drop-off earns the new rate) and switches a service
// type off on 服务事项; a village admin, who may only look at those, opens a villager's page,
// grants them 志愿者 for the village, sees the role, and revokes it (asked once).
// The glass rate and 心理疏导 are touched only here (the journeys share one server).
import { passwordSignIn } from "./sign-in";
import { expect, test, type Page } from "./fixtures";

const artifacts = "artifacts";
const countyAdmin = "13700137020";
const villageAdmin = "13700137021";

async function wide(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${artifacts}/${name}`, fullPage: true });
  await page.setViewportSize({ width: 360, height: 640 });
}

test("a county admin changes a recycling rate and switches a service type off", async ({ page }) => {
  // Two screens, a person's page and three wide screenshots: more than the default 30 s on a
  // busy machine.
  test.setTimeout(90_000);
  await passwordSignIn(page, countyAdmin);
  await page.goto("/admin/recycling");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("回收品类");
  const glass = page.getByTestId("entry-glass");
  await expect(glass).toContainText("玻璃");
  await expect(glass).toContainText("每公斤 1 积分");
  await expect(glass).toContainText("默认");
  await expect(page.getByTestId("catalogue-read-only")).toHaveCount(0);
  await page.screenshot({ path: `${artifacts}/console-01-recycling.png` });

  // The form says what the server would refuse before sending.
  await glass.getByRole("button", { name: "修改" }).tap();
  await glass.getByLabel("每公斤积分").fill("1001");
  await glass.getByRole("button", { name: "保存" }).tap();
  await expect(glass.getByText("请填写 1 到 1000 之间的整数")).toBeVisible();
  await page.screenshot({ path: `${artifacts}/console-02-recycling-out-of-bounds.png` });
  await glass.getByLabel("每公斤积分").fill("2");
  await expect(glass.getByText("请填写 1 到 1000 之间的整数")).toHaveCount(0);
  await glass.getByRole("button", { name: "保存" }).tap();
  // A new rate is asked once: it moves the points of every later drop-off.
  await expect(glass.getByText("「玻璃」从每公斤 1 积分改为 2 积分")).toBeVisible();
  await page.screenshot({ path: `${artifacts}/console-02b-recycling-confirm.png` });
  await glass.getByRole("button", { name: "确定修改" }).tap();
  await expect(glass).toContainText("每公斤 2 积分");
  await expect(glass).toContainText("本县设定");
  await expect(glass.getByRole("button", { name: "修改" })).toBeVisible();
  // And it stays after a reload.
  await page.reload();
  await expect(page.getByTestId("entry-glass")).toContainText("每公斤 2 积分");
  await page.getByTestId("entry-glass").scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${artifacts}/console-03-recycling-changed.png` });
  await wide(page, "console-04-recycling-wide.png");

  // 服务事项: 心理疏导 switched off (no number changes: nothing to confirm).
  await page.goto("/admin/service-types");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("服务事项");
  const counselling = page.getByTestId("entry-counselling");
  await expect(counselling).toContainText("志愿者可得 5 积分");
  await counselling.getByRole("button", { name: "修改" }).tap();
  await counselling.getByTestId("entry-active").uncheck();
  await page.screenshot({ path: `${artifacts}/console-05-service-type-edit.png` });
  await counselling.getByRole("button", { name: "保存" }).tap();
  await expect(counselling.getByText("已停用")).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("entry-counselling")).toContainText("已停用");
  await page.getByTestId("entry-counselling").scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${artifacts}/console-06-service-type-off.png` });
  await wide(page, "console-07-service-types-wide.png");

  // On a villager's page the county admin's place picker starts at the villager's village,
  // walked down from the county; a grid worker needs a grid there, a village admin the village.
  await page.goto("/admin/people");
  await page.getByLabel("姓名或手机号").fill("张三");
  await page.getByRole("button", { name: "查找" }).tap();
  await page.getByTestId("people-list").getByRole("link", { name: /张三/ }).tap();
  const form = page.getByTestId("grant-role");
  // Waits for the person's page: the form is there once it loaded.
  await expect(form.getByTestId("grant-role-pick").locator("option"))
    .toHaveText(["请选择", "志愿者", "积分超市管理员", "代办员", "网格员", "村管理员", "乡镇管理员", "县管理员"]);
  await form.getByTestId("grant-role-pick").selectOption("grid_worker");
  await expect(form.getByTestId("place-0")).toHaveValue("410783101");
  await expect(form.getByTestId("place-1")).toHaveValue("410783101230");
  await expect(form.getByTestId("place-chosen")).toHaveText("留村村委会");
  await expect(form.getByTestId("grant")).toBeDisabled();
  await form.getByTestId("grant-role-pick").selectOption("village_admin");
  await expect(form.getByTestId("place-chosen")).toHaveText("留村村委会");
  await expect(form.getByTestId("grant")).toBeEnabled();
  await page.screenshot({ path: `${artifacts}/console-08-county-place-picker.png`, fullPage: true });
});

test("a village admin grants a villager 志愿者 for the village and revokes it", async ({ page }) => {
  test.setTimeout(90_000);
  await passwordSignIn(page, villageAdmin);
  // The catalogues are the county's: read-only here, with why.
  await page.goto("/admin/recycling");
  await expect(page.getByTestId("catalogue-read-only")).toContainText("只有县管理员可以修改");
  await expect(page.getByTestId("entry-paper")).toContainText("废纸");
  await expect(page.getByRole("button", { name: "修改" })).toHaveCount(0);
  await page.screenshot({ path: `${artifacts}/console-09-recycling-read-only.png` });

  await page.goto("/admin/people");
  await page.getByLabel("姓名或手机号").fill("王五");
  await page.getByRole("button", { name: "查找" }).tap();
  await page.getByTestId("people-list").getByRole("link", { name: /王五/ }).tap();
  await expect(page.getByTestId("person").getByRole("heading", { level: 1 })).toHaveText("王五");
  const roles = page.getByTestId("roles");
  await expect(roles).toContainText("村民");
  // The villager role is the register's: nothing to revoke.
  await expect(roles.getByRole("button", { name: "撤销" })).toHaveCount(0);

  // 授予角色: the roles a village admin may grant; the place is the village itself.
  const form = page.getByTestId("grant-role");
  await expect(form.getByTestId("grant-role-pick").locator("option"))
    .toHaveText(["请选择", "志愿者", "积分超市管理员", "代办员", "网格员"]);
  await expect(form.getByTestId("grant")).toBeDisabled();
  await form.getByTestId("grant-role-pick").selectOption("volunteer");
  await expect(form.getByTestId("grant")).toBeEnabled();
  await page.screenshot({ path: `${artifacts}/console-10-grant-role.png` });
  await form.getByTestId("grant").tap();
  await expect(form.getByText("确定授予 王五 志愿者（留村")).toBeVisible();
  await page.screenshot({ path: `${artifacts}/console-11-grant-confirm.png` });
  await form.getByRole("button", { name: "确定授予" }).tap();
  const volunteer = page.getByTestId("role-volunteer-410783101230");
  await expect(volunteer).toContainText("志愿者");
  await expect(volunteer).toContainText("留村");
  await page.screenshot({ path: `${artifacts}/console-12-granted.png` });
  // The page read again shows it too.
  await page.reload();
  await expect(page.getByTestId("role-volunteer-410783101230")).toBeVisible();
  await wide(page, "console-13-person-roles-wide.png");

  // 撤销, asked once.
  await page.getByTestId("role-volunteer-410783101230").getByRole("button", { name: "撤销" }).tap();
  await expect(page.getByText("确定撤销 王五 的志愿者")).toBeVisible();
  await page.screenshot({ path: `${artifacts}/console-14-revoke-confirm.png` });
  await page.getByRole("button", { name: "确定撤销" }).tap();
  await expect(page.getByTestId("role-volunteer-410783101230")).toHaveCount(0);
  await expect(page.getByTestId("roles")).toContainText("村民");
  await page.reload();
  await expect(page.getByTestId("roles")).toContainText("村民");
  await expect(page.getByTestId("role-volunteer-410783101230")).toHaveCount(0);
});
