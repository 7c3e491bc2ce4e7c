// 审计日志 (小微权力监督): 恼里村's admin creates a grid; the township admin of 恼里镇 opens
// 管理 → 审计日志, finds the action with who and where, narrows it by action family, by the
// actor's name (nothing for a stranger's) and to the village (只看这里), is told when the dates
// are the wrong way round, and downloads the CSV. 恼里镇 is touched only here.
import { passwordSignIn } from "./sign-in";
import { expect, test } from "./fixtures";
import fs from "node:fs";

const artifacts = "artifacts";
const villageAdmin = "13700137040";
const townshipAdmin = "13700137041";

test("a township admin finds a village admin's action in 审计日志, filters it and exports it", async ({ browser }) => {
  test.setTimeout(90_000);
  const village = await browser.newPage();
  await passwordSignIn(village, villageAdmin);
  await village.goto("/admin/grids");
  await village.getByLabel("网格名称").fill("审计网格");
  await village.getByRole("button", { name: "新建网格" }).tap();
  await expect(village.getByText("已新建「审计网格」")).toBeVisible();
  await village.close();

  const page = await browser.newPage({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: "zh-CN" });
  await passwordSignIn(page, townshipAdmin);
  await page.goto("/admin");
  await page.getByRole("link", { name: "审计日志" }).tap();
  await expect(page).toHaveURL(/\/admin\/audit$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("审计日志");
  const entries = page.getByTestId("audit-entry");
  const grid = entries.filter({ hasText: "新建网格" });
  await expect(grid).toHaveCount(1);
  await expect(grid).toContainText("恼里村主任");
  await expect(grid).toContainText("恼里村委会");
  await expect(grid).toContainText("名称：审计网格");
  await page.screenshot({ path: `${artifacts}/audit-01-list.png` });

  // By action family: only grids. The filters fold away; the line under them says what they keep.
  await expect(page.getByTestId("audit-summary")).toHaveText("全部事项 · 全部日期");
  await page.getByTestId("audit-filter-toggle").tap();
  await page.getByTestId("audit-action").selectOption({ label: "网格" });
  await page.getByTestId("audit-search").tap();
  await expect(entries).toHaveCount(1);
  await expect(entries.first()).toContainText("新建网格");
  await expect(page.getByTestId("audit-summary")).toHaveText("网格 · 全部日期");
  // By the actor's name: a stranger's finds nothing, said plainly.
  await page.getByTestId("audit-filter-toggle").tap();
  await page.getByTestId("audit-actor").fill("不存在的人");
  await page.getByTestId("audit-search").tap();
  await expect(page.getByText("没有符合条件的记录")).toBeVisible();
  await page.getByTestId("audit-filter-toggle").tap();
  await page.getByTestId("audit-actor").fill("恼里村");
  await page.getByTestId("audit-search").tap();
  await expect(entries).toHaveCount(1);
  await expect(page.getByTestId("audit-summary")).toHaveText("网格 · 操作人含「恼里村」 · 全部日期");
  await page.screenshot({ path: `${artifacts}/audit-02-filtered.png` });

  // The dates the wrong way round: said before asking, the form left open.
  await page.getByTestId("audit-filter-toggle").tap();
  await page.getByTestId("audit-from").fill("2026-12-02");
  await page.getByTestId("audit-to").fill("2026-12-01");
  await page.getByTestId("audit-search").tap();
  await expect(page.getByText("结束日期不能早于开始日期").first()).toBeVisible();
  await page.screenshot({ path: `${artifacts}/audit-02b-bad-dates.png` });
  await page.getByTestId("audit-from").fill("");
  await page.getByTestId("audit-to").fill("");
  await page.getByTestId("audit-search").tap();

  // 只看这里: the village's entries, and the way back to every place.
  await entries.first().getByRole("link", { name: "只看这里" }).tap();
  await expect(page).toHaveURL(/\/admin\/audit\?region=410783102201$/);
  await expect(entries.first()).toContainText("恼里村委会");
  await expect(page.getByRole("link", { name: "看全部地区" })).toBeVisible();

  // The CSV: what the filters keep, for Excel.
  const download = page.waitForEvent("download");
  await page.getByTestId("audit-export").tap();
  const file = await (await download).path();
  const csv = fs.readFileSync(file!, "utf8");
  expect(csv.charCodeAt(0)).toBe(0xfeff);
  expect(csv).toContain("grid.create");
  expect(csv).toContain("恼里村主任");
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scroll).toBeLessThanOrEqual(360);
  await page.screenshot({ path: `${artifacts}/audit-03-village.png` });

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto("/admin/audit");
  await expect(grid).toHaveCount(1);
  await page.screenshot({ path: `${artifacts}/audit-04-wide.png`, fullPage: true });
});
