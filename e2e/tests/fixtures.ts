// Every journey imports `test` and `expect` from here: Playwright's own, with one automatic
// check added — no page of the test's browser context may meet a Content-Security-Policy
// violation (server/src/pwa.rs). Chromium logs a refused script, style or image as a console
// error ("Refused to … Content Security Policy …"), and each page also reports the DOM's
// `securitypolicyviolation` events to the console, so nothing refused goes unnoticed.
import { test as base, type ConsoleMessage } from "@playwright/test";

export * from "@playwright/test";

export const test = base.extend<{ cspViolations: string[] }>({
  cspViolations: [
    async ({ context }, use) => {
      const violations: string[] = [];
      await context.addInitScript(() => {
        document.addEventListener("securitypolicyviolation", (e) => {
          console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
        });
      });
      const watch = (message: ConsoleMessage) => {
        const text = message.text();
        if (/Content Security Policy|CSP violation/.test(text)) violations.push(`${message.location().url}: ${text}`);
      };
      context.on("console", watch);
      await use(violations);
      context.off("console", watch);
      if (violations.length > 0) throw new Error(`Content-Security-Policy violations:\n${violations.join("\n")}`);
    },
    { auto: true },
  ],
});
