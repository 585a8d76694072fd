import { chromium, type Browser, type BrowserContext } from 'playwright-core';

/** Debian's chromium, headless, with nothing reaching outside the machine; Playwright gives each launch a fresh --user-data-dir. */
export const chromiumPath = '/usr/bin/chromium';

export interface TestBrowser {
  readonly browser: Browser;
  newContext(options?: Parameters<Browser['newContext']>[0]): Promise<BrowserContext>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    browser,
    newContext: (options) => browser.newContext(options),
    async close() {
      await browser.close();
    },
  };
}
