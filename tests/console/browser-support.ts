/**
 * The browser tests' tools: Debian's Chromium driven by playwright-core (never a downloaded browser), the sandbox as
 * a child process, axe-core's check, and the screenshots the README shows.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type Page, chromium } from 'playwright-core';
import { expect } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Signs in on the console's sign-in page with `key`, as an operator types it. */
export async function signIn(page: Page, gatewayUrl: string, key: string): Promise<void> {
  await page.goto(`${gatewayUrl}/admin/login`);
  await page.getByLabel('Khóa vận hành').fill(key);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
}

/** No serious or critical accessibility violation on the page, as axe-core finds them. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const grave = violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  expect(
    grave.map((violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`),
    `accessibility of ${what}`,
  ).toEqual([]);
}

/** Saves a full-page screenshot under tests/artifacts/ (ignored by git). */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = `${ARTIFACTS}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Reloads `page` until `probe` holds: the console shows the store's state, the test waits for the worker. */
export async function reloadUntil(page: Page, what: string, probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the page says:\n${await page.locator('main').innerText()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    await page.reload();
  }
}
