// Signing in as the journeys do: an SMS code that the `log` provider writes to the server log.
import { expect, type Page } from "@playwright/test";
import fs from "node:fs";

/** The newest code the server logged for this phone (E.164), waiting for it a little. */
export async function codeFor(phone: string, logFile = "test-results/server.log"): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const log = fs.readFileSync(logFile, "utf8");
    const codes = [...log.matchAll(new RegExp(`SMS code for \\${phone}: (\\d{6})`, "g"))];
    if (codes.length > 0) return codes[codes.length - 1][1];
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no code logged for ${phone}`);
}

/** Signs in on /login with an 11-digit mainland number and lands on 我的. A phone gets one
 * code a minute: use each phone once per run. */
export async function signIn(page: Page, phone: string, logFile?: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("手机号").fill(phone);
  await page.getByRole("button", { name: "获取验证码" }).tap();
  await expect(page.getByText("验证码已发送，请查看短信")).toBeVisible();
  await page.getByLabel("验证码").fill(await codeFor(`+86${phone}`, logFile));
  await page.getByRole("button", { name: "登录", exact: true }).tap();
  await expect(page).toHaveURL(/\/me$/);
}

/** Signs in on /login's 密码登录 tab with the journeys' staff password (e2e/serve.sh) and
 * leaves the login page. */
export async function passwordSignIn(page: Page, phone: string): Promise<void> {
  await page.goto("/login");
  await page.getByRole("tab", { name: "密码登录" }).tap();
  await page.getByLabel("手机号").fill(phone);
  await page.getByLabel("密码", { exact: true }).fill("e2e-password-123");
  await page.getByRole("button", { name: "登录", exact: true }).tap();
  await expect(page).not.toHaveURL(/\/login/);
}
