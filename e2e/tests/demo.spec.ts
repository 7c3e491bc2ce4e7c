// The demo county (jifen seed-demo, 2 villages, then 2 simulated days through the API; see
// serve-demo.sh) on a 360×640 phone: the county admin signs in with an SMS code and starts on
// 数据概览, which shows the county's non-zero figures and its townships compared; tapping
// 樊相镇 drills down to its villages; a table downloads as CSV. 樊东村's admin (the demo
// password, over the API) awards a villager 孝老爱亲 (5 points) on top of what the simulated
// days gave, and the villager's 首页 shows exactly that. The screenshots land in artifacts/
// (demo-*.png); the README shows copies of them from docs/screenshots/.
import { expect, test } from "./fixtures";
import fs from "node:fs";
import { signIn } from "./sign-in";

const port = Number(process.env.JIFEN_E2E_PORT ?? 18765) + 2;
const log = "test-results/demo-server.log";
const shots = "artifacts";
test.use({ baseURL: `http://127.0.0.1:${port}` });

/** The raw number a figure of the overview carries. */
async function figure(page: import("@playwright/test").Page, id: string): Promise<number> {
  const raw = await page.getByTestId(id).getAttribute("data-value");
  return Number(raw);
}

test("the county admin of the demo county sees two simulated days' figures on 数据概览", async ({ page }) => {
  fs.mkdirSync(shots, { recursive: true });
  await signIn(page, "10000000001", log);
  await page.goto("/");
  await expect(page).toHaveURL(/\/admin\/overview$/);
  const overview = page.getByTestId("overview");
  await expect(overview).toHaveAttribute("data-region", "410783");
  await expect(page.getByTestId("tab-overview")).toHaveAttribute("aria-current", "page");
  expect(await figure(page, "overview-issued")).toBeGreaterThan(0);
  expect(await figure(page, "overview-outstanding")).toBeGreaterThan(0);
  expect(await figure(page, "overview-participation")).toBeGreaterThan(0);
  // The townships compared: all 19, 樊相镇 among them with its figures.
  await expect(page.getByTestId("overview-region")).toHaveCount(19);
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scroll).toBeLessThanOrEqual(360);
  await page.screenshot({ path: `${shots}/demo-overview-county.png` });

  // A table as CSV, for Excel (a byte-order mark first).
  const download = page.waitForEvent("download");
  await page.getByTestId("export-regions").tap();
  const file = await (await download).path();
  const csv = fs.readFileSync(file!, "utf8");
  expect(csv.charCodeAt(0)).toBe(0xfeff);
  expect(csv).toContain("樊相镇");

  // Drill down to 樊相镇: its villages, 樊东村 with people.
  await page.locator('[data-testid=overview-region][data-region="410783101"]').tap();
  await expect(overview).toHaveAttribute("data-region", "410783101");
  expect(await figure(page, "overview-issued")).toBeGreaterThan(0);
  await expect(page.locator('[data-testid=overview-region][data-region="410783101201"]')).toBeVisible();
  await page.getByText("好差评").scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${shots}/demo-overview-township.png` });
});

test("a villager of the demo county sees what they earned", async ({ page, request }) => {
  const password = await request.post("/api/v1/auth/password", {
    data: { phone: "10002069001", password: "changyuan-2026" },
  });
  expect(password.status()).toBe(200);
  const admin = { authorization: `Bearer ${(await password.json()).access_token}` };
  const people = await request.get("/api/v1/admin/people?region_code=410783101201&phone=10002060001", { headers: admin });
  expect(people.status()).toBe(200);
  const [villager] = (await people.json()).items;
  const rules = await request.get("/api/v1/rules?village_code=410783101201", { headers: admin });
  const rule = (await rules.json()).find((r: { code: string }) => r.code === "filial_piety");
  expect(rule.name).toBe("孝老爱亲");

  await signIn(page, "10002060001", log);
  await page.goto("/");
  const before = Number(await page.getByTestId("balance-value").textContent());
  const award = await request.post("/api/v1/admin/awards", {
    headers: { ...admin, "idempotency-key": `e2e-demo-award-${Date.now()}` },
    data: { user_ids: [villager.id], rule_id: rule.id },
  });
  expect(award.status()).toBe(201);
  await page.reload();
  await expect(page.getByTestId("balance-value")).toHaveText(String(before + rule.points));
  await page.screenshot({ path: `${shots}/demo-villager-home.png` });
});
