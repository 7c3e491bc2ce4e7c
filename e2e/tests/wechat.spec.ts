// Inside WeChat's browser: "微信一键登录" through WeChat's authorisation page (routed to the
// fake WeChat of fake-wechat.mjs), binding the WeChat account with an SMS code the first time,
// and one tap the next time.
import { expect, test } from "./fixtures";
import { codeFor } from "./sign-in";

const artifacts = "artifacts";
const wechatPort = Number(process.env.JIFEN_E2E_PORT ?? 18765) + 1;
const openid = "oE2EWangWu000000000000000001";

test.use({
  // WeChat's in-app browser on Android, as WeChat's JS-SDK documentation recognises it.
  userAgent:
    "Mozilla/5.0 (Linux; Android 12; M2006C3LC) AppleWebKit/537.36 (KHTML, like Gecko) " +
    "Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20240301 MicroMessenger/8.0.48.2580(0x28003036) WeChat/arm64 Weixin NetType/4G Language/zh_CN ABI/arm64",
});

test("inside WeChat, a villager binds once with an SMS code, then signs in with one tap", async ({ page }) => {
  // WeChat's authorisation page is open.weixin.qq.com; here the fake plays it for 王五.
  await page.route("https://open.weixin.qq.com/**", (route) => {
    const url = new URL(route.request().url());
    url.searchParams.set("openid", openid);
    return route.fulfill({
      status: 302,
      headers: { location: `http://127.0.0.1:${wechatPort}${url.pathname}${url.search}` },
    });
  });

  await page.goto("/login");
  const wechat = page.getByRole("link", { name: "微信一键登录" });
  await expect(wechat).toBeVisible();
  await expect(page.getByText("或用手机号登录")).toBeVisible();
  await page.screenshot({ path: `${artifacts}/16-login-inside-wechat.png` });
  await wechat.tap();

  // First time: WeChat does not know this villager yet; confirm the phone once. The code is
  // gone from the address bar at once.
  await expect(page).toHaveURL(/\/login\/wechat$/);
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
  await page.getByRole("link", { name: "微信一键登录" }).tap();
  await expect(page).toHaveURL(/\/me$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("王五");

  // Going back to the used callback URL does not sign in again with a spent code: the page
  // says so plainly.
  await page.goto("/login/wechat?code=0123456789abcdef0123456789abcdef&state=jifen");
  await expect(page.getByText("微信授权已失效，请重新登录")).toBeVisible();
  await expect(page.getByRole("link", { name: "返回登录" })).toBeVisible();
});
