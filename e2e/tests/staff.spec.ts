// The staff screens on a 360×640 phone: a village admin imports the villager register (with
// bad rows, and a dropped connection on the way) and creates grids; another adds villagers to a
// grid and appoints (then removes) its grid worker; a person holding two roles switches between
// them on 我的. The accounts are made by serve.sh with `jifen create-admin`.
import { expect, test, type Page } from "./fixtures";
import { signIn } from "./sign-in";

const artifacts = "artifacts";

/** Nothing wider than the phone, and no script error on the way. */
async function fitsThePhone(page: Page) {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth).toBeLessThanOrEqual(360);
}

// Line 1 is the header. Lines 2, 3 are new people, line 10 updates 张三 (fixtures); lines 4–9
// are refused, one stable code each.
const register = [
  "name,phone,village_code,grid_code,household,tags",
  "王五,13600136001,410783101230,,0201,党员",
  "赵六,13600136002,410783101230,,0202,",
  ",13600136003,410783101230,,0203,", // empty_name
  "孙七,12345,410783101230,,0204,", // invalid_phone
  "周八,13600136005,999999999999,,0205,", // unknown_village
  "吴九,13600136001,410783101230,,0206,", // duplicate_phone (line 2)
  "郑十,13600136007,410783101202,,0207,", // outside_region (冯寨村, not 留村)
  "李四,13700137003,410783101230,,0102,党员", // staff_account
  "张三,13800138000,410783101230,,0101,党员",
].join("\n");

test("a village admin imports the register and sees the counts and every bad line", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await signIn(page, "13700137001");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("留村管理员");
  // The role shows its place by name, and the top bar shows the role.
  await expect(page.locator(".role-place")).toHaveText("留村村委会");
  await expect(page.locator(".role-chip")).toHaveText("村管理员");
  await page.getByRole("link", { name: "导入村民名册" }).tap();
  await expect(page).toHaveURL(/\/admin\/import$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("导入村民名册");
  // The columns are explained one tap away, so the upload stays within thumb reach.
  const columns = page.getByRole("rowheader", { name: "village_code" });
  await expect(columns).toBeHidden();
  await expect(page.getByRole("button", { name: "上传并导入" })).toBeInViewport();
  await page.getByText("各列怎么填").tap();
  await expect(columns).toBeVisible();
  const sample = page.getByRole("link", { name: "下载样例文件" });
  await expect(sample).toHaveAttribute("download", "村民名册样例.csv");
  const href = (await sample.getAttribute("href"))!;
  expect(href.startsWith("data:text/csv")).toBe(true);
  const sampleCsv = decodeURIComponent(href.slice(href.indexOf(",") + 1));
  expect(sampleCsv).toContain("name,phone,village_code,grid_code,household,tags");
  expect(sampleCsv).toContain(",410783101230,");
  const upload = page.getByRole("button", { name: "上传并导入" });
  await expect(upload).toBeDisabled();
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/09-import-start.png`, fullPage: true });

  await page.getByLabel("选择 CSV 文件").setInputFiles({
    name: "留村名册.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(register),
  });
  await expect(page.getByText(/^留村名册\.csv · \d/)).toBeVisible();

  // The connection drops: a plain sentence, the file still chosen, a retry.
  await page.route("**/api/v1/admin/villagers/import", (route) => route.abort("internetdisconnected"));
  await upload.tap();
  await expect(page.getByText("网络不好，上传没有完成。文件还在，点「重试」再传一次。")).toBeVisible();
  await expect(page.getByText(/^留村名册\.csv · /)).toBeVisible();
  await page.screenshot({ path: `${artifacts}/10-import-network-failed.png`, fullPage: true });
  await page.unroute("**/api/v1/admin/villagers/import");

  const sent = page.waitForRequest("**/api/v1/admin/villagers/import");
  await page.getByRole("button", { name: "重试" }).tap();
  const request = await sent;
  expect(request.headers()["content-type"]).toBe("text/csv");
  expect(request.headers()["authorization"]).toMatch(/^Bearer /);
  await expect(page.getByRole("heading", { name: "导入完成" })).toBeVisible();
  const stat = (label: string) => page.locator(".stat", { hasText: label }).locator(".stat-number");
  await expect(stat("新增")).toHaveText("2");
  await expect(stat("更新")).toHaveText("1");
  await expect(stat("无变化")).toHaveText("0");
  await expect(stat("有问题")).toHaveText("6");
  await expect(page.locator(".line-no")).toHaveText(["第 4 行", "第 5 行", "第 6 行", "第 7 行", "第 8 行", "第 9 行"]);
  const problems = page.locator(".problem-text");
  await expect(problems).toHaveText([
    "没有填姓名",
    "手机号不对：要 11 位手机号",
    "没有这个村：请检查村代码",
    "这个手机号在前面已经出现过（保留前面那一行）",
    "不在您管理的范围内",
    "这是工作人员账号的手机号，不能用导入修改",
  ]);
  // The server's own words stay as the detail.
  await expect(page.locator(".row-error", { hasText: "第 7 行" }).locator(".detail")).toContainText("line 2");
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/11-import-report.png`, fullPage: true });

  // The same file again changes nothing.
  await upload.tap();
  await expect(stat("无变化")).toHaveText("3");
  await expect(stat("新增")).toHaveText("0");
  expect(errors).toEqual([]);
});

test("a village admin creates grids and sees them listed", async ({ page }) => {
  await signIn(page, "13700137002");
  await page.getByRole("link", { name: "网格管理" }).tap();
  await expect(page).toHaveURL(/\/admin\/grids$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("樊东村委会");
  await expect(page.getByText("这里还没有划分网格")).toBeVisible();
  await expect(page.getByRole("heading", { name: "任命网格员" })).toBeVisible();
  await expect(page.getByText("点一个网格，查看它的村民，添加村民，任命网格员")).toBeVisible();

  const name = page.getByLabel("网格名称");
  const create = page.getByRole("button", { name: "新建网格" });
  await create.tap();
  await expect(page.getByText("请填写网格名称")).toBeVisible();
  await name.fill("第一网格");
  await create.tap();
  await expect(page.getByText("已新建「第一网格」")).toBeVisible();
  const rows = page.locator("ul.grids > li");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("第一网格");
  await expect(rows.first()).toContainText("410783101201-001");
  await expect(name).toHaveValue("");

  // The same name twice: refused in plain words, the list unchanged.
  await name.fill("第一网格");
  await create.tap();
  await expect(page.getByText("这个村已经有叫这个名字的网格了")).toBeVisible();
  await expect(rows).toHaveCount(1);
  await name.fill("第二网格");
  await create.tap();
  await expect(page.getByText("已新建「第二网格」")).toBeVisible();
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText("410783101201-002");
  const box = await create.boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(48);
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/12-grids-created.png`, fullPage: true });

  // The region browser shows them as well.
  await page.goto("/regions/410783101201");
  await expect(page.getByRole("link", { name: /第二网格/ })).toBeVisible();
});

test("a village admin adds villagers to a grid, appoints a grid worker and removes them", async ({ page }) => {
  test.setTimeout(60_000);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  // 胡庄村's admin (serve.sh); 刘一, 刘二 and 陈三 live in 胡庄村 (fixtures).
  await signIn(page, "13700137004");
  await page.getByRole("link", { name: "网格管理" }).tap();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("胡庄村委会");
  await page.getByLabel("网格名称").fill("东片网格");
  await page.getByRole("button", { name: "新建网格" }).tap();
  await expect(page.getByText("已新建「东片网格」")).toBeVisible();
  await page.getByRole("link", { name: /东片网格/ }).tap();
  await expect(page).toHaveURL(/\/admin\/grids\?region=410783101203-001$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("东片网格");
  await expect(page.getByText("这个网格还没有村民，请在下面添加")).toBeVisible();
  // A reload stays on the grid.
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("东片网格");
  await expect(page.getByRole("link", { name: "‹ 胡庄村委会" })).toBeVisible();
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/18-grid-empty.png`, fullPage: true });

  const find = page.getByLabel("姓名或手机号");
  const findButton = page.getByRole("button", { name: "查找" });
  const found = page.locator("ul.found > li");
  const add = page.locator("button.add");
  const members = page.locator("ul.people > li");

  // Too few digits for a number: said at once, nothing sent.
  await find.fill("1390013");
  await findButton.tap();
  await expect(page.getByText("请输入正确的 11 位手机号")).toBeVisible();

  // By part of the name: both 刘 of the village, numbers in full for their village admin.
  await find.fill("刘");
  const byName = page.waitForRequest((r) => r.url().includes("/api/v1/admin/people?") && r.url().includes("q="));
  await findButton.tap();
  const nameQuery = new URL((await byName).url()).searchParams;
  expect(nameQuery.get("region_code")).toBe("410783101203");
  expect(nameQuery.get("q")).toBe("刘");
  await expect(found).toHaveCount(2);
  await expect(found.first()).toContainText("刘一");
  await expect(found.first()).toContainText("139 0013 9101");
  await expect(add).toHaveText("请先勾选村民");
  await expect(add).toBeDisabled();
  await page.getByRole("checkbox", { name: /刘一/ }).check();
  await expect(add).toHaveText("加入本网格（1 人）");
  expect((await found.first().boundingBox())!.height).toBeGreaterThanOrEqual(48);
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/19-grid-add-picked.png`, fullPage: true });
  const joined = page.waitForRequest((r) => r.method() === "POST" && r.url().endsWith("/admin/grids/410783101203-001/members"));
  await add.tap();
  expect((await joined).postDataJSON().person_ids).toHaveLength(1);
  await expect(page.getByText("已加入 1 人")).toBeVisible();
  await expect(page.getByRole("checkbox", { name: /刘一/ })).toBeDisabled();
  await expect(found.first()).toContainText("已在本网格");
  await expect(members).toHaveCount(1);
  await expect(members.first()).toContainText("刘一");

  // By number, written the way people write it: 刘二 joins too.
  await find.fill("139 0013 9102");
  const byPhone = page.waitForRequest((r) => r.url().includes("/api/v1/admin/people?") && r.url().includes("phone="));
  await findButton.tap();
  expect(new URL((await byPhone).url()).searchParams.get("phone")).toBe("139 0013 9102");
  await expect(found).toHaveCount(1);
  await page.getByRole("checkbox", { name: /刘二/ }).check();
  await add.tap();
  await expect(page.getByText("已加入 1 人")).toBeVisible();
  await expect(members).toHaveCount(2);
  await expect(page.getByText("共 2 人")).toBeVisible();

  // Appointing 刘一: the connection drops first — a plain sentence and 重试 on the row.
  const liu = members.filter({ hasText: "刘一" });
  await page.route("**/api/v1/admin/users/*/roles", (route) => route.abort("internetdisconnected"));
  await liu.getByRole("button", { name: "任命网格员" }).tap();
  await expect(liu.getByText("网络不好，请检查网络后重试")).toBeVisible();
  await page.unroute("**/api/v1/admin/users/*/roles");
  const granted = page.waitForRequest((r) => r.method() === "POST" && r.url().includes("/api/v1/admin/users/"));
  await liu.getByRole("button", { name: "重试" }).tap();
  expect((await granted).postDataJSON()).toEqual({ role: "grid_worker", region_code: "410783101203-001" });
  await expect(liu.locator(".badge.worker")).toHaveText("网格员");
  await expect(page.getByText("已任命刘一为网格员")).toBeVisible();
  await expect(members.filter({ hasText: "刘二" }).locator(".badge.worker")).toHaveCount(0);
  const dismiss = liu.getByRole("button", { name: "免去" });
  expect((await dismiss.boundingBox())!.height).toBeGreaterThanOrEqual(48);
  await fitsThePhone(page);
  // From the top, so the sticky top bar sits where it belongs in the full-page picture.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${artifacts}/20-grid-worker.png`, fullPage: true });

  // The mark is the server's: it is there after a reload.
  await page.reload();
  await expect(liu.locator(".badge.worker")).toHaveText("网格员");

  // Removing asks first; 取消 keeps them.
  await dismiss.tap();
  await expect(liu.getByText("确定免去刘一的网格员吗？")).toBeVisible();
  await liu.getByRole("button", { name: "取消" }).tap();
  await expect(liu.getByText("确定免去刘一的网格员吗？")).toHaveCount(0);
  await expect(liu.locator(".badge.worker")).toHaveText("网格员");
  await dismiss.tap();
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/21-grid-dismiss-confirm.png`, fullPage: true });
  const revoked = page.waitForRequest((r) => r.method() === "DELETE");
  await liu.getByRole("button", { name: "确定免去" }).tap();
  expect((await revoked).url()).toMatch(/\/api\/v1\/admin\/users\/\d+\/roles\/grid_worker\/410783101203-001$/);
  await expect(page.getByText("已免去刘一的网格员")).toBeVisible();
  await expect(liu.locator(".badge.worker")).toHaveCount(0);
  await expect(liu.getByRole("button", { name: "任命网格员" })).toBeVisible();

  // English is one tap away.
  await page.getByRole("button", { name: "EN" }).tap();
  await expect(liu.getByRole("button", { name: "Make grid worker" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Add villagers to this grid" })).toBeVisible();
  await fitsThePhone(page);
  await page.getByRole("button", { name: "中文" }).tap();

  // Back goes to the village's grids.
  await page.goBack();
  await expect(page).toHaveURL(/\/admin\/grids$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("胡庄村委会");
  expect(errors).toEqual([]);
});

test("a person with two roles switches between them, and the choice is remembered", async ({ page }) => {
  await signIn(page, "13700137003");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("李四");
  const villager = page.getByRole("radio", { name: /村民/ });
  const township = page.getByRole("radio", { name: /乡镇管理员/ });
  await expect(villager).toContainText("留村村委会");
  await expect(township).toContainText("樊相镇");
  // Staff open the app to work: the senior role is current at first.
  await expect(township).toHaveAttribute("aria-checked", "true");
  await expect(villager).toHaveAttribute("aria-checked", "false");
  await expect(page.locator(".role-chip")).toHaveText("乡镇管理员");
  await expect(page.getByRole("link", { name: "网格管理" })).toBeVisible();
  expect((await villager.boundingBox())!.height).toBeGreaterThanOrEqual(48);
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/13-roles-township.png`, fullPage: true });

  await villager.tap();
  await expect(villager).toHaveAttribute("aria-checked", "true");
  await expect(township).toHaveAttribute("aria-checked", "false");
  await expect(page.locator(".role-chip")).toHaveText("村民");
  await expect(page.getByRole("link", { name: "网格管理" })).toHaveCount(0);
  await page.screenshot({ path: `${artifacts}/14-roles-villager.png`, fullPage: true });

  // Remembered on this phone across a reload.
  await page.reload();
  await expect(page.getByRole("radio", { name: /村民/ })).toHaveAttribute("aria-checked", "true");
  await expect(page.locator(".role-chip")).toHaveText("村民");

  // As a villager the admin screens say no, and point to 我的.
  await page.goto("/admin/grids");
  await expect(page.getByText(/^无权限/)).toBeVisible();
  await page.getByRole("link", { name: "去「我的」切换身份" }).tap();
  await expect(page).toHaveURL(/\/me$/);
  await page.getByRole("radio", { name: /乡镇管理员/ }).tap();
  await page.getByRole("link", { name: "网格管理" }).tap();

  // A township admin picks the village first.
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("樊相镇");
  await expect(page.getByText("选择村（社区）")).toBeVisible();
  await page.getByRole("searchbox").fill("留村");
  await expect(page.locator("ul.list > li")).toHaveCount(1);
  await fitsThePhone(page);
  await page.screenshot({ path: `${artifacts}/15-grids-pick-village.png`, fullPage: true });
  await page.getByRole("link", { name: /留村村委会/ }).tap();
  await expect(page).toHaveURL(/\/admin\/grids\?region=410783101230$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("留村村委会");
  await page.getByRole("link", { name: "‹ 樊相镇" }).tap();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("樊相镇");

  // English is one tap away here too.
  await page.getByRole("button", { name: "EN" }).tap();
  await expect(page.getByText("Choose a village or community")).toBeVisible();
  await expect(page.locator(".role-chip")).toHaveText("Township admin");
  await fitsThePhone(page);
  await page.getByRole("button", { name: "中文" }).tap();
});
