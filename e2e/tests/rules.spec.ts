// 积分事项 from the console: 留村's admin (a password sign-in) switches the shipped 垃圾分类 off
// for the village on 管理 → 积分事项 (asked once), and a villager of 留村 no longer sees it on
// 挣积分; the admin adds the village's own rule 清理河道, which the villager then sees; the
// rule's history says who did what.
import { expect, test } from "./fixtures";
import { passwordSignIn, signIn } from "./sign-in";

const artifacts = "artifacts";

test("a village admin switches 垃圾分类 off for the village and adds its own rule", async ({ page, browser }) => {
  // 王五 of 留村 sees 垃圾分类 on 挣积分.
  await signIn(page, "13800138005");
  await page.getByTestId("tab-earn").tap();
  const garbage = page.getByTestId("rule-item").filter({ hasText: "垃圾分类" });
  await expect(garbage).toBeVisible();

  // The admin, on a phone: 管理 → 积分事项 → 垃圾分类.
  const admin = await (await browser.newContext({ viewport: { width: 360, height: 640 } })).newPage();
  await passwordSignIn(admin, "13700137008");
  await expect(admin).toHaveURL(/\/me$/);
  await admin.getByTestId("tab-manage").tap();
  await expect(admin).toHaveURL(/\/admin$/);
  await admin.screenshot({ path: `${artifacts}/50-manage-tab.png` });
  await admin.getByRole("link", { name: "积分事项" }).tap();
  await expect(admin.getByRole("heading", { level: 1 })).toHaveText("积分事项");
  await expect(admin.getByTestId("admin-rule").first()).toBeVisible();
  await admin.screenshot({ path: `${artifacts}/51-rules-list.png` });
  await admin.getByTestId("admin-rule").filter({ hasText: "垃圾分类" }).tap();
  await expect(admin.getByRole("heading", { level: 1 })).toHaveText("垃圾分类");
  await expect(admin.getByTestId("rule-points")).toHaveText("+2");
  await admin.getByRole("button", { name: "在本村停用" }).tap();
  await expect(admin.getByText("停用后本村村民不能再申报这一项")).toBeVisible();
  await admin.screenshot({ path: `${artifacts}/52-rule-switch-off-confirm.png` });
  await admin.getByTestId("confirm-rule").tap();
  await expect(admin.getByTestId("rule-status")).toHaveText("本地已停用");
  await expect(admin.getByRole("button", { name: "重新启用" })).toBeVisible();
  await expect(admin.getByTestId("rule-history")).toContainText("本村停用");
  await expect(admin.getByTestId("rule-history")).toContainText("留村主任");
  await admin.screenshot({ path: `${artifacts}/53-rule-switched-off.png` });
  await admin.setViewportSize({ width: 1280, height: 800 });
  await admin.screenshot({ path: `${artifacts}/54-rule-switched-off-wide.png` });
  await admin.setViewportSize({ width: 360, height: 640 });

  // The villager no longer sees it.
  await page.reload();
  await expect(page.getByTestId("rule-item").first()).toBeVisible();
  await expect(garbage).toHaveCount(0);
  await page.screenshot({ path: `${artifacts}/55-earn-without-garbage.png` });

  // The village's own rule: a bad number is said before sending, then it is added.
  await admin.getByRole("link", { name: /积分事项/ }).tap();
  await admin.getByTestId("new-rule").tap();
  await admin.getByLabel("事项名称").fill("清理河道");
  await admin.getByLabel("分值").fill("0");
  await admin.getByTestId("create-rule").tap();
  await expect(admin.getByText("分值请填 1 到 1000 的整数")).toBeVisible();
  await admin.getByLabel("分值").fill("3");
  await admin.getByLabel("每人每天最多次数").fill("1");
  await admin.screenshot({ path: `${artifacts}/56-rule-new.png` });
  await admin.getByTestId("create-rule").tap();
  await expect(admin.getByRole("heading", { level: 1 })).toHaveText("清理河道");
  await expect(admin.getByTestId("rule-points")).toHaveText("+3");
  await expect(admin.getByTestId("rule-history")).toContainText("新增");
  // The owner changes its points, asked once.
  await admin.getByLabel("分值").fill("4");
  await admin.getByTestId("save-rule").tap();
  await expect(admin.getByText("积分由 3 改为 4")).toBeVisible();
  await admin.getByTestId("confirm-rule").tap();
  await expect(admin.getByTestId("rule-points")).toHaveText("+4");
  await expect(admin.getByTestId("rule-history")).toContainText("积分 3 → 4");
  await admin.screenshot({ path: `${artifacts}/57-rule-owner-edited.png` });

  await page.reload();
  await expect(page.getByTestId("rule-item").filter({ hasText: "清理河道" })).toContainText("+4");
});
