import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { admin, signIn } from './fixtures/sign-in';

// The console's HTTP layer in Chromium: every page runs under its Content-Security-Policy with
// no violation, every response carries the security headers, and the server sends a visitor
// without a session to the sign-in page before any of the console renders.

/** Every page under app/(console), a dynamic segment filled with an id that does not exist. */
function consolePages(): string[] {
  const root = path.resolve(import.meta.dirname, '../app/(console)');
  const pages: string[] = [];
  const walk = (dir: string, route: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        const segment = entry.name.startsWith('[') ? '00000000-0000-4000-8000-000000000000' : entry.name;
        walk(path.join(dir, entry.name), `${route}/${segment}`);
      } else if (entry.name === 'page.tsx') pages.push(route);
    }
  };
  walk(root, '');
  return pages.sort();
}

function expectSecurityHeaders(headers: Record<string, string>, what: string) {
  const policy = headers['content-security-policy'] ?? '';
  expect(policy, what).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(policy, what).toContain("frame-ancestors 'none'");
  expect(policy, what).toContain("object-src 'none'");
  expect(headers['x-frame-options'], what).toBe('DENY');
  expect(headers['x-content-type-options'], what).toBe('nosniff');
  expect(headers['referrer-policy'], what).toBe('strict-origin-when-cross-origin');
}

/** Collects CSP violations (the DOM event, from the first script on) and the console's CSP errors. */
async function recordViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.exposeFunction('__reportCspViolation', (v: string) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { __reportCspViolation: (v: string) => void })
        .__reportCspViolation;
      report(
        `${location.pathname}: ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`,
      );
    });
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text()))
      violations.push(`${new URL(page.url()).pathname}: ${msg.text()}`);
  });
  return violations;
}

test('every console page runs under its Content-Security-Policy without a violation', async ({ page }) => {
  test.setTimeout(180_000);
  const violations = await recordViolations(page);
  await signIn(page);
  const pages = consolePages();
  expect(pages).toContain('/data');
  for (const route of ['/login', ...pages]) {
    const response = await page.goto(route);
    expect(response, route).not.toBeNull();
    expectSecurityHeaders(response!.headers(), route);
    if (route !== '/login') await expect(page.getByTestId('current-user'), route).toBeVisible();
    // Charts, subscriptions and polling start after the first render.
    await page.waitForTimeout(1_500);
  }
  expect(violations).toEqual([]);
});

test('the security headers are on the assets and the sign-in page too', async ({ page, request }) => {
  const assets: string[] = [];
  page.on('response', (r) => {
    if (new URL(r.url()).pathname.startsWith('/_next/static/')) assets.push(r.url());
  });
  const login = await page.goto('/login');
  expectSecurityHeaders(login!.headers(), '/login');
  expect(assets.length).toBeGreaterThan(0);
  const asset = await request.get(assets[0]!);
  expect(asset.status()).toBe(200);
  expectSecurityHeaders(asset.headers(), assets[0]!);
});

test('without a session the server redirects to the sign-in page before any console renders', async ({
  request,
}) => {
  for (const route of consolePages()) {
    const response = await request.get(route, { maxRedirects: 0 });
    expect(response.status(), route).toBe(307);
    expect(response.headers()['location'], route).toBe('/login');
    expect(await response.text(), route).not.toContain('Sign out');
  }
  const forged = await request.get('/data', {
    maxRedirects: 0,
    headers: { cookie: 'tp_session=forged-session-token' },
  });
  expect(forged.status()).toBe(307);
  expect(forged.headers()['location']).toBe('/login');
});

test('a signed-in user who opens the sign-in page is sent on to the console', async ({ page }) => {
  await signIn(page, admin);
  const response = await page.request.get('/login', { maxRedirects: 0 });
  expect(response.status()).toBe(307);
  expect(response.headers()['location']).toBe('/data');
  await page.goto('/login');
  await expect(page).toHaveURL(/\/data/);
});
