// A villager signs in with an SMS code (the `log` provider writes it to the server log).
import { expect, test } from "./fixtures";
import { codeFor } from "./sign-in";

const artifacts = "artifacts";

test("a villager signs in with an SMS code and sees their name", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "登录" }).tap();
  await expect(page).toHaveURL(/\/login$/);
  // Outside WeChat's browser there is no WeChat button, even with WeChat sign-in configured.
  await expect(page.getByRole("link", { name: "微信一键登录" })).toHaveCount(0);
  await page.getByLabel("手机号").fill("138 0013 8000");
  await page.getByRole("button", { name: "获取验证码" }).tap();
  await expect(page.getByText("验证码已发送，请查看短信")).toBeVisible();
  await expect(page.getByRole("button", { name: /秒后重发/ })).toBeDisabled();
  await page.screenshot({ path: `${artifacts}/06-login-code-sent.png` });

  // A wrong code first: a clear sentence, no sign-in.
  const code = await codeFor("+8613800138000");
  const wrong = code === "000000" ? "111111" : "000000";
  await page.getByLabel("验证码").fill(wrong);
  await page.getByRole("button", { name: "登录", exact: true }).tap();
  await expect(page.getByText("验证码不对或已过期，请重新获取")).toBeVisible();
  await page.screenshot({ path: `${artifacts}/07-login-wrong-code.png` });

  await page.getByLabel("验证码").fill(code);
  await page.getByRole("button", { name: "登录", exact: true }).tap();
  await expect(page).toHaveURL(/\/me$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("张三");
  await expect(page.getByText("138****8000")).toBeVisible();
  await expect(page.locator(".me-line")).toContainText("留村村委会");
  // One role, over their village by name; the top bar shows it.
  await expect(page.locator(".role-row .row-name")).toHaveText("村民");
  await expect(page.locator(".role-row .role-place")).toHaveText("留村村委会");
  await expect(page.locator(".role-chip")).toHaveText("村民");
  await page.screenshot({ path: `${artifacts}/08-me.png` });

  // A reload keeps the session (the refresh cookie), and no script can read that cookie.
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("张三");
  expect(await page.evaluate(() => document.cookie)).not.toContain("jifen_refresh");

  await page.getByRole("button", { name: "退出登录" }).tap();
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/me");
  await expect(page).toHaveURL(/\/login$/);
});

test("an unregistered number is told to ask the village", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("手机号").fill("13900139000");
  await page.getByRole("button", { name: "获取验证码" }).tap();
  await expect(page.getByText("验证码已发送，请查看短信")).toBeVisible();
  await page.getByLabel("验证码").fill("123456");
  await page.getByRole("button", { name: "登录", exact: true }).tap();
  await expect(page.getByText("这个号码还没有登记，请联系村委会")).toBeVisible();
  await page.getByLabel("手机号").fill("12345");
  await page.getByRole("button", { name: /获取验证码|秒后重发/ }).tap({ force: true });
});
