// Staff passwords in the PWA: a village admin signs in with a password on 密码登录, changes it
// on 我的 → 修改密码; after the county admin resets it (through the API here: the reset
// screen comes with the 人员 pages), the one-time password signs in once and every screen
// leads to 修改密码 until the admin sets their own.
import { expect, test, type Page } from "@playwright/test";

const artifacts = "artifacts";
const phone = "13700137007";

async function passwordSignIn(page: Page, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByRole("tab", { name: "密码登录" }).tap();
  await page.getByLabel("手机号").fill(phone);
  await page.getByLabel("密码", { exact: true }).fill(password);
  await page.getByRole("button", { name: "登录", exact: true }).tap();
}

test("a village admin signs in with a password, changes it, and replaces a reset one", async ({ page, request }) => {
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
  await page.getByRole("button", { name: "退出登录" }).tap();
  await expect(page).toHaveURL(/\/$/);

  // The county admin resets it (a 10-character one-time password).
  const county = await request.post("/api/v1/auth/password", { data: { phone: "13700137006", password: "e2e-password-123" } });
  expect(county.status()).toBe(200);
  const headers = { authorization: `Bearer ${(await county.json()).access_token}` };
  const me = await (await request.post("/api/v1/auth/password", { data: { phone, password: "冯寨的新密码-2026" } })).json();
  const reset = await request.post(`/api/v1/admin/users/${me.user.id}/password/reset`, { headers });
  expect(reset.status()).toBe(200);
  const oneTime: string = (await reset.json()).one_time_password;
  expect(oneTime).toMatch(/^[A-HJKMNP-Z2-9]{10}$/);

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
