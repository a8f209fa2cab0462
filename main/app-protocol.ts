import { existsSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { net, protocol } from 'electron';

/** The renderer's origin: a privileged custom scheme instead of file://, so 'self' in the CSP means only our files. */
export const APP_SCHEME = 'sitesync';
export const APP_ORIGIN = `${APP_SCHEME}://app`;
export const RENDERER_URL = `${APP_ORIGIN}/index.html`;

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** True for a frame showing our renderer, and nothing else (not a page it was navigated to, not a subframe's origin). */
export function isAppUrl(url: string | null): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === 'app';
  } catch {
    return false;
  }
}

/** The file a URL path names inside `dir`, or null: outside it, or not a path at all (a `%` that escapes nothing). */
function fileUnder(dir: string, pathname: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  const file = normalize(join(dir, path));
  return file.startsWith(dir + sep) ? file : null;
}

/** Serves the built renderer from `rendererDir`, with the strict CSP as a header too. */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = fileUnder(rendererDir, url.pathname);
    if (url.host !== 'app' || file === null || !existsSync(file) || !statSync(file).isFile()) {
      return new Response('not found', { status: 404 });
    }
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set('content-security-policy', CSP);
    headers.set('x-content-type-options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
}
