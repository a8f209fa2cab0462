import { createHash, randomBytes } from 'node:crypto';

const TOKEN_PREFIX = 'sst_';

/**
 * A new instance token: 32 random bytes. It is shown once; the cloud keeps
 * only its SHA-256. A slow password hash buys nothing for a secret this
 * random, and a fast one keeps every request's lookup cheap.
 */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
