/**
 * The admins' users page (issue 14 item 8, issue 15 finding 8) in Debian chromium against the real
 * alert service: create an account, see a weak password refused in Vietnamese, disable the account
 * (its open console falls back to the login at once), reset a password, revoke sessions. Screenshots
 * at 1600×900, 1024×768 and 800×600 go to /tmp/users-shots/ (or VIGIL_USERS_SHOTS) and are checked
 * for overflow: "Đăng xuất" stays on screen, nothing is wider than the window or the side panel.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { en } from "../web-console/src/i18n/en.js";
import { vi } from "../web-console/src/i18n/vi.js";
import { api } from "./alerts-harness.js";
import { launchChromium, loginPage, pageErrors, startConsoleEnv, type ConsoleEnv } from "./console-harness.js";

const SHOTS = process.env.VIGIL_USERS_SHOTS ?? "/tmp/users-shots";
const NEW_USER = "can.bo.tuan";
const NEW_PASSWORD = "ca trực đêm Quận 1";

let env: ConsoleEnv;
let browser: Browser;
let admin: Page;

const poll = <T>(fn: () => T | Promise<T>, timeout = 5_000) => expect.poll(fn, { timeout });
const row = (page: Page, username: string) => page.locator(`.users-panel tr[data-username="${username}"]`);
const status = (page: Page) => page.locator(".users-panel .form-status");

/** English texts of the users page and the top bar that must not be on a Vietnamese screen. */
const englishOnly = (Object.keys(en) as (keyof typeof en)[])
  .filter((k) => /^(users|nav|role|app|live|sound)\./.test(k) && !en[k].includes("{") && en[k] !== vi[k] && en[k].length >= 4)
  .map((k) => en[k]);

async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    if (document.documentElement.scrollWidth > vw) problems.push(`page ${document.documentElement.scrollWidth}px wide in a ${vw}px window`);
    const logout = document.querySelector("[data-action=logout]")!.getBoundingClientRect();
    if (logout.right > vw || logout.bottom > vh || logout.width === 0) problems.push(`"log out" at ${Math.round(logout.left)}–${Math.round(logout.right)}px, outside ${vw}px`);
    for (const el of Array.from(document.querySelectorAll<HTMLElement>(".topbar > *, .topbar-tools > *"))) {
      const r = el.getBoundingClientRect();
      if (r.right > vw + 0.5) problems.push(`top bar item ${el.className} ends at ${Math.round(r.right)}px`);
    }
    const side = document.querySelector<HTMLElement>(".side")!;
    if (side.scrollWidth > side.clientWidth + 1) problems.push(`side panel content ${side.scrollWidth}px in ${side.clientWidth}px`);
    const sideBox = side.getBoundingClientRect();
    if (sideBox.right > vw + 0.5) problems.push(`side panel ends at ${Math.round(sideBox.right)}px`);
    return problems;
  });
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  env = await startConsoleEnv("console-users");
  browser = await launchChromium();
  ({ page: admin } = await loginPage(browser, env.base, "admin"));
  admin.on("dialog", (d) => void d.accept());
});

afterAll(async () => {
  await browser?.close();
  await env?.close();
});

describe("users page", () => {
  it("lists the accounts for an admin, in Vietnamese", async () => {
    await admin.locator("[data-nav=users]").click();
    await poll(() => admin.locator("[data-nav=users]").textContent()).toBe("Người dùng");
    await row(admin, "operator1").waitFor();
    expect(await row(admin, "supervisor1").locator("select[name=role]").inputValue()).toBe("supervisor");
    expect(await row(admin, "admin").locator("td").first().textContent()).toContain("(bạn)");
    // An admin's own account can be neither disabled nor demoted from here (the server refuses it too).
    expect(await row(admin, "admin").locator("[data-action=toggle-disabled]").isDisabled()).toBe(true);
    expect(await row(admin, "admin").locator("select[name=role]").isDisabled()).toBe(true);
    expect(await row(admin, "operator1").locator(".user-state").textContent()).toBe("Đang hoạt động");
  });

  it("refuses a weak password with a Vietnamese explanation, then creates the account", async () => {
    const form = admin.locator(".users-form");
    await form.locator("input[name=username]").fill(NEW_USER);
    await form.locator("input[name=password]").fill("aaaaaaaaaa");
    await form.locator("select[name=role]").selectOption("supervisor");
    await form.locator("button[type=submit]").click();
    await poll(() => status(admin).textContent()).toBe(vi["users.error.password_repetitive"]);
    await form.locator("input[name=password]").fill(`${NEW_USER}-2024`);
    await form.locator("button[type=submit]").click();
    await poll(() => status(admin).textContent()).toBe(vi["users.error.password_contains_username"]);
    await form.locator("input[name=username]").fill("OPERATOR1");
    await form.locator("input[name=password]").fill(NEW_PASSWORD);
    await form.locator("button[type=submit]").click();
    await poll(() => status(admin).textContent()).toBe(vi["users.error.user_exists"]);
    await form.locator("input[name=username]").fill(NEW_USER);
    await form.locator("button[type=submit]").click();
    await poll(() => status(admin).textContent()).toBe(`Đã tạo tài khoản ${NEW_USER} (Chỉ huy ca)`);
    await row(admin, NEW_USER).waitFor();
    expect(await row(admin, NEW_USER).locator(".user-login").textContent()).toBe("Chưa đăng nhập");
  });

  it("disables the account: the row says so, and the user's open console returns to the login at once", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "vi-VN" });
    const theirs = await context.newPage();
    await theirs.goto(env.base);
    await theirs.locator("input[name=username]").fill(NEW_USER.toUpperCase()); // usernames ignore case
    await theirs.locator("input[name=password]").fill(NEW_PASSWORD);
    await theirs.locator("form.login-form button[type=submit]").click();
    await theirs.locator(".topbar .live:not(.off)").waitFor();
    expect(await theirs.locator("[data-nav=users]").count()).toBe(0); // supervisors do not see the page

    await row(admin, NEW_USER).locator("[data-action=toggle-disabled]").click();
    await poll(() => row(admin, NEW_USER).getAttribute("data-disabled")).toBe("true");
    expect(await row(admin, NEW_USER).locator(".user-state").textContent()).toBe("Đã vô hiệu hóa");
    expect(await row(admin, NEW_USER).locator("[data-action=toggle-disabled]").textContent()).toBe("Kích hoạt lại");
    expect(await status(admin).textContent()).toBe(`Đã vô hiệu hóa ${NEW_USER}; thu hồi 1 phiên đăng nhập`);
    await theirs.locator("form.login-form").waitFor({ timeout: 5_000 });
    await context.close();
    const list = await api(env.base, "GET", "/api/v1/users", { token: env.adminToken });
    expect(list.body.items.find((u: { username: string }) => u.username === NEW_USER)).toMatchObject({ disabled: true, lastLoginAt: expect.any(String) });
  });

  it("changes a role, resets a password and revokes sessions", async () => {
    await row(admin, NEW_USER).locator("[data-action=toggle-disabled]").click();
    await poll(() => row(admin, NEW_USER).getAttribute("data-disabled")).toBe("false");
    await row(admin, "operator1").locator("select[name=role]").selectOption("supervisor");
    await poll(() => status(admin).textContent()).toBe("Đã chuyển operator1 sang vai trò Chỉ huy ca");
    await row(admin, "operator1").locator("select[name=role]").selectOption("operator");
    await poll(() => status(admin).textContent()).toBe("Đã chuyển operator1 sang vai trò Trực ban");

    await row(admin, NEW_USER).locator("[data-action=reset-password]").click();
    const reset = admin.locator(`.users-panel tr.reset-row[data-reset-for="${NEW_USER}"]`);
    await reset.locator("input[name=newPassword]").fill("password1234");
    await reset.locator("button[type=submit]").click();
    await poll(() => status(admin).textContent()).toBe(vi["users.error.password_common"]);
    await reset.locator("input[name=newPassword]").fill("bàn giao ca lúc 6 giờ");
    await reset.locator("button[type=submit]").click();
    await poll(() => status(admin).textContent()).toBe(`Đã đặt lại mật khẩu cho ${NEW_USER}; thu hồi 0 phiên đăng nhập`);
    await reset.waitFor({ state: "detached" });
    expect((await api(env.base, "POST", "/api/v1/auth/login", { body: { username: NEW_USER, password: "bàn giao ca lúc 6 giờ" } })).status).toBe(200);

    await row(admin, NEW_USER).locator("[data-action=revoke-sessions]").click();
    await poll(() => status(admin).textContent()).toBe(`Đã thu hồi 1 phiên đăng nhập của ${NEW_USER}`);
  });

  it("fits at 1600×900, 1024×768 and 800×600 with no English left on the Vietnamese screen", async () => {
    // The reset row open too: the widest state of the page.
    await row(admin, "operator1").locator("[data-action=reset-password]").click();
    for (const [w, hgt] of [[1600, 900], [1024, 768], [800, 600]] as const) {
      await admin.setViewportSize({ width: w, height: hgt });
      await admin.waitForTimeout(300);
      const file = join(SHOTS, `users-${w}x${hgt}.png`);
      await admin.screenshot({ path: file });
      expect(await layoutProblems(admin), `${w}×${hgt}`).toEqual([]);
    }
    const text = await admin.locator(".app").innerText();
    expect(englishOnly.filter((s) => text.includes(s))).toEqual([]);
  });

  it("switches to English", async () => {
    await admin.setViewportSize({ width: 1600, height: 900 });
    await admin.locator("[data-lang=en]").click();
    await poll(() => admin.locator("[data-nav=users]").textContent()).toBe("Users");
    await admin.locator("[data-nav=users]").click();
    await poll(() => row(admin, NEW_USER).locator(".user-state").textContent()).toBe("Active");
    await admin.screenshot({ path: join(SHOTS, "users-1600x900-en.png") });
    await admin.locator("[data-lang=vi]").click();
    await poll(() => admin.locator("[data-nav=users]").textContent()).toBe("Người dùng");
  });

  it("raised no uncaught errors", () => {
    expect(pageErrors).toEqual([]);
  });
});
