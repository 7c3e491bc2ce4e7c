// 评分/扣分: 碱场村's admin awards its five villagers 夜间巡逻 at once (ticked from the list),
// previews, confirms, and a retried confirm does not award twice; then deducts 乱堆乱放 from
// two of them, one of whom holds less than that: the preview shows the shortfall before
// anything is sent. 碱场村 and its villagers are touched only here.
import { expect, test, type Page } from "@playwright/test";

const artifacts = "artifacts";
const admin = "13700137042";

async function passwordSignIn(page: Page, phone: string): Promise<void> {
  await page.goto("/login");
  await page.getByRole("tab", { name: "密码登录" }).tap();
  await page.getByLabel("手机号").fill(phone);
  await page.getByLabel("密码", { exact: true }).fill("e2e-password-123");
  await page.getByRole("button", { name: "登录", exact: true }).tap();
  await expect(page).not.toHaveURL(/\/login/);
}

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
