// Renders assets/icon.svg to the 512x512 assets/icon.png that electron-builder turns into
// every platform's icon (ico, icns, png sizes). Run after editing the SVG: node scripts/render-icon.mjs
import { readFileSync } from 'node:fs';
import { URL, fileURLToPath } from 'node:url';
import { chromium } from 'playwright';

const svg = readFileSync(fileURLToPath(new URL('../assets/icon.svg', import.meta.url)), 'utf8');
const browser = await chromium.launch({ executablePath: process.env.SITESYNC_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 512, height: 512 } });
await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace('<svg ', '<svg width="512" height="512" ')}</body></html>`);
await page.screenshot({ path: fileURLToPath(new URL('../assets/icon.png', import.meta.url)), omitBackground: true });
await browser.close();
