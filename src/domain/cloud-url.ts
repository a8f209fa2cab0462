import ipaddr from 'ipaddr.js';
import { ValidationError } from './validation-error';

/** This machine itself: a token sent there in clear text never crosses a network. */
function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost') return true;
  if (!ipaddr.isValid(host)) return false;
  const address = ipaddr.process(host);
  return address.range() === 'loopback';
}

/**
 * Why a token must not go to this address, or null: plain http:// to
 * another machine would carry the token and the inventory across the
 * network in clear text.
 */
export function clearTextProblem(url: URL): string | null {
  if (url.protocol !== 'http:' || isLoopback(url.hostname)) return null;
  return `plain http:// only to this PC itself (127.0.0.1, ::1, localhost): to ${url.hostname} the token would cross the network in clear text (operations.md, TLS)`;
}

/**
 * A cloud address as enrolment takes it: https://, or plain http:// only to
 * this PC itself (the demo cloud, a cloud on the same machine). Trailing
 * slashes go, so one cloud has one spelling.
 */
export function validCloudUrl(value: string): string {
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  // undefined: not an http(s) URL at all; null: a usable one; text: plain http to another machine.
  const problem = url && (url.protocol === 'https:' || url.protocol === 'http:') ? clearTextProblem(url) : undefined;
  if (url && problem === null) return url.toString().replace(/\/+$/, '');
  throw new ValidationError([{ field: 'cloud', message: `expected an https:// URL like https://sitesync.example.com${problem ? `; ${problem}` : ''}` }]);
}
