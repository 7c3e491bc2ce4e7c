// Inside WeChat's browser: "微信一键登录" through WeChat's authorisation page (routed to the
// fake WeChat of fake-wechat.mjs), binding the WeChat account with an SMS code the first time,
// and one tap the next time; a callback link carrying someone else's code does nothing.
import { expect, test, type Page } from "@playwright/test";
import { codeFor } from "./sign-in";

const artifacts = "artifacts";
const wechatPort = Number(process.env.JIFEN_E2E_PORT ?? 18765) + 1;
const openid = "oE2EWangWu000000000000000001";

// WeChat's in-app browser on Android, as WeChat's JS-SDK documentation recognises it.
const insideWechat =
  "Mozilla/5.0 (Linux; Android 12; M2006C3LC) AppleWebKit/537.36 (KHTML, like Gecko) " +
  "Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20240301 MicroMessenger/8.0.48.2580(0x28003036) WeChat/arm64 Weixin NetType/4G Language/zh_CN ABI/arm64";
test.use({ userAgent: insideWechat });

/// WeChat's authorisation page is open.weixin.qq.com; here the fake plays it for `who`.
async function wechatAs(page: Page, who: string) {
  await page.route("https://open.weixin.qq.com/**", (route) => {
    const url = new URL(route.request().url());
    url.searchParams.set("openid", who);
    return route.fulfill({
      status: 302,
      headers: { location: `http://127.0.0.1:${wechatPort}${url.pathname}${url.search}` },
    });
  });
}

test("inside WeChat, a villager binds once with an SMS code, then signs in with one tap", async ({ page }) => {
  await wechatAs(page, openid);
  await page.goto("/login");
  const wechat = page.getByRole("button", { name: "微信一键登录" });
  await expect(wechat).toBeVisible();
  await expect(page.getByText("或用手机号登录")).toBeVisible();
  await page.screenshot({ path: `${artifacts}/16-login-inside-wechat.png` });
  await wechat.tap();

  // First time: WeChat does not know this villager yet: they confirm it was they who started
  // it, then confirm the phone once. The code is gone from the address bar at once.
  await expect(page).toHaveURL(/\/login\/wechat$/);
  await expect(page.getByText(/请确认：是您本人刚刚在这部手机的微信里点了/)).toBeVisible();
  await page.screenshot({ path: `${artifacts}/17a-wechat-bind-confirm.png` });
  await page.getByRole("button", { name: "是我本人，继续" }).tap();
  await expect(page.getByText("第一次用微信登录：请验证一次手机号，以后点微信即可登录")).toBeVisible();
  await page.getByLabel("手机号").fill("13800138005");
  await page.getByRole("button", { name: "获取验证码" }).tap();
  await expect(page.getByText("验证码已发送，请查看短信")).toBeVisible();
  await page.screenshot({ path: `${artifacts}/17-wechat-bind.png` });
  await page.getByLabel("验证码").fill(await codeFor("+8613800138005"));
  await page.getByRole("button", { name: "登录", exact: true }).tap();
  await expect(page).toHaveURL(/\/me$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("王五");

  // Next time: one tap, no code.
  await page.getByRole("button", { name: "退出登录" }).tap();
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/login");
  await page.getByRole("button", { name: "微信一键登录" }).tap();
  await expect(page).toHaveURL(/\/me$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("王五");

  // Going back to a used callback URL does not sign in again: the page says so plainly.
  await page.goto("/login/wechat?code=0123456789abcdef0123456789abcdef&state=jifen");
  await expect(page.getByText(/这个微信登录不是在本机发起的，或已过期/)).toBeVisible();
  await expect(page.getByRole("link", { name: "返回登录" })).toBeVisible();
});

test("a callback link with someone else's WeChat code does nothing in another browser", async ({ browser, page, baseURL }) => {
  // The attacker starts a sign-in with their own WeChat and stops at the redirect back.
  const attacker = await browser.newContext({ userAgent: insideWechat, baseURL });
  const theirs = await attacker.newPage();
  let link = "";
  await theirs.route("https://open.weixin.qq.com/**", async (route) => {
    const url = new URL(route.request().url());
    url.searchParams.set("openid", "oE2EAttacker0000000000000001");
    const answer = await route.fetch({
      url: `http://127.0.0.1:${wechatPort}${url.pathname}${url.search}`,
      maxRedirects: 0,
    });
    link = answer.headers()["location"];
    return route.fulfill({ status: 200, contentType: "text/plain", body: "stopped here" });
  });
  await theirs.goto("/login");
  await theirs.getByRole("button", { name: "微信一键登录" }).tap();
  await expect.poll(() => link).toContain("code=");
  await attacker.close();

  // The villager opens the link (sent in a chat): no code is sent to the server, no bind
  // form appears, only what to do.
  const exchanges: string[] = [];
  page.on("request", (r) => {
    if (r.url().endsWith("/api/v1/auth/wechat")) exchanges.push(r.url());
  });
  await page.goto(link.replace(/^https?:\/\/[^/]+/, ""));
  await expect(page.getByText(/这个微信登录不是在本机发起的，或已过期/)).toBeVisible();
  await expect(page.getByLabel("手机号")).toHaveCount(0);
  await page.screenshot({ path: `${artifacts}/17b-wechat-foreign-link.png` });
  expect(exchanges).toEqual([]);
});
