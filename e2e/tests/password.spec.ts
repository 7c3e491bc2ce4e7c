// Staff passwords in the PWA: a village admin signs in with a password on 密码登录, changes it
// on 我的 → 修改密码; the county admin finds them on 我的 → 人员 and resets it on their page
// (asked once, the one-time password shown once); the one-time password signs in once and
// every screen leads to 修改密码 until the admin sets their own.
import { expect, test, type Page } from "./fixtures";

const artifacts = "artifacts";
const phone = "13700137007";

async function passwordSignIn(page: Page, password: string, who: string = phone): Promise<void> {
  await page.goto("/login");
  await page.getByRole("tab", { name: "密码登录" }).tap();
  await page.getByLabel("手机号").fill(who);
  await page.getByLabel("密码", { exact: true }).fill(password);
  await page.getByRole("button", { name: "登录", exact: true }).tap();
}

test("a village admin signs in with a password, changes it, and replaces a reset one", async ({ page }) => {
  // A wrong password: one sentence that does not say which of the two was wrong.
  await passwordSignIn(page, "not-the-password");
  await expect(page.getByText("手机号或密码不对")).toBeVisible();
  await page.screenshot({ path: `${artifacts}/40-password-sign-in-wrong.png` });
  await page.getByLabel("密码", { exact: true }).fill("e2e-password-123");
  await page.getByRole("button", { name: "登录", exact: true }).tap();
  await expect(page).toHaveURL(/\/me$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("冯寨管理员");

  // 修改密码 from 我的: the two new ones must agree, the current one must be right.
  await page.getByRole("link", { name: "修改密码" }).tap();
  await expect(page).toHaveURL(/\/me\/password$/);
  await page.getByLabel("当前密码").fill("e2e-password-123");
  await page.getByLabel("新密码", { exact: true }).fill("冯寨的新密码-2026");
  await page.getByLabel("再输一次新密码").fill("冯寨的新密码-2025");
  await page.getByRole("button", { name: "修改密码" }).tap();
  await expect(page.getByText("两次输入的新密码不一样")).toBeVisible();
  await page.getByLabel("再输一次新密码").fill("冯寨的新密码-2026");
  await page.screenshot({ path: `${artifacts}/41-change-password.png` });
  await page.getByRole("button", { name: "修改密码" }).tap();
  await expect(page).toHaveURL(/\/me\?changed=password$/);
  await expect(page.getByText("密码已修改")).toBeVisible();
  await expect(page.getByRole("link", { name: "人员", exact: true })).toBeVisible();
  await page.getByRole("button", { name: "退出登录" }).tap();
  await expect(page).toHaveURL(/\/$/);

  // The county admin signs in with a password, finds the village admin on 我的 → 人员 by
  // number (masked for the county) and resets the password on their page.
  await passwordSignIn(page, "e2e-password-123", "13700137006");
  await expect(page).not.toHaveURL(/\/login/);
  await page.goto("/me");
  await page.getByRole("link", { name: "人员", exact: true }).tap();
  await expect(page).toHaveURL(/\/admin\/people$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("人员");
  await expect(page.getByTestId("people-list").locator("li").first()).toBeVisible();
  // A villager's page: village, 户号 and tags; no password to reset.
  await page.getByLabel("姓名或手机号").fill("陈三");
  await page.getByRole("button", { name: "查找" }).tap();
  await expect(page.getByTestId("people-list").locator("li")).toHaveCount(1);
  await page.getByTestId("people-list").getByRole("link", { name: /陈三/ }).tap();
  const villager = page.getByTestId("person");
  await expect(villager.getByRole("heading", { level: 1 })).toHaveText("陈三");
  await expect(villager).toContainText("139****9103");
  await expect(villager).toContainText("胡庄村委会");
  await expect(villager).toContainText("0303");
  await expect(villager).toContainText("村民");
  await expect(page.getByRole("button", { name: "重置密码" })).toHaveCount(0);
  await page.screenshot({ path: `${artifacts}/43-person-villager.png` });
  await page.getByRole("link", { name: "人员" }).tap();
  await expect(page).toHaveURL(/\/admin\/people$/);
  await page.getByLabel("姓名或手机号").fill("1370013");
  await page.getByRole("button", { name: "查找" }).tap();
  await expect(page.getByText("请输入正确的 11 位手机号")).toBeVisible();
  await page.getByLabel("姓名或手机号").fill(phone);
  await page.getByRole("button", { name: "查找" }).tap();
  const row = page.getByTestId("people-list").getByRole("link", { name: /冯寨管理员/ });
  await expect(page.getByTestId("people-list").locator("li")).toHaveCount(1);
  await expect(row).toContainText("137****7007");
  await expect(row).toContainText("村管理员");
  await expect(row).toContainText("冯寨");
  await page.screenshot({ path: `${artifacts}/44-people-found.png` });
  await row.tap();
  await expect(page).toHaveURL(/\/admin\/people\/\d+$/);
  const person = page.getByTestId("person");
  await expect(person.getByRole("heading", { level: 1 })).toHaveText("冯寨管理员");
  await expect(person).toContainText("137****7007");
  await expect(page.getByText("冯寨村委会")).toBeVisible();
  await page.getByRole("button", { name: "重置密码" }).tap();
  await expect(page.getByText("确定重置此人的密码吗？")).toBeVisible();
  await page.screenshot({ path: `${artifacts}/45-person-reset-confirm.png` });
  await page.getByRole("button", { name: "确定重置" }).tap();
  const shown = page.getByTestId("one-time-password");
  await expect(shown).toBeVisible();
  await expect(page.getByText("请当面交给本人")).toBeVisible();
  const oneTime = (await shown.innerText()).trim();
  expect(oneTime).toMatch(/^[A-HJKMNP-Z2-9]{10}$/);
  await page.screenshot({ path: `${artifacts}/46-person-one-time-password.png` });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: `${artifacts}/47-person-one-time-password-wide.png` });
  await page.setViewportSize({ width: 360, height: 640 });
  await page.goto("/me");
  // The whole of 我的 first (the console's screens arrive with the session), so the tap does
  // not land on a button that is still moving.
  await expect(page.getByRole("link", { name: "人员", exact: true })).toBeVisible();
  await page.getByRole("button", { name: "退出登录" }).tap();
  await expect(page).toHaveURL(/\/$/);

  // The one-time password signs in and leads to 修改密码, with the reason; any other screen
  // leads back there.
  await passwordSignIn(page, oneTime);
  await expect(page).toHaveURL(/\/me\/password$/);
  await expect(page.getByText("您的密码已被重置，请先设置新密码")).toBeVisible();
  await page.screenshot({ path: `${artifacts}/42-password-must-change.png` });
  await page.goto("/admin/overview");
  await expect(page).toHaveURL(/\/me\/password$/);
  await page.getByLabel("当前密码").fill(oneTime);
  await page.getByLabel("新密码", { exact: true }).fill("冯寨自己的密码-2027");
  await page.getByLabel("再输一次新密码").fill("冯寨自己的密码-2027");
  await page.getByRole("button", { name: "修改密码" }).tap();
  await expect(page).toHaveURL(/\/me\?changed=password$/);
  await expect(page.getByText("密码已修改")).toBeVisible();
  await page.goto("/admin/overview");
  await expect(page).toHaveURL(/\/admin\/overview$/);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
});
