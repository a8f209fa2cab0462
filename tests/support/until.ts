import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';

/** Polls `condition` every 25 ms for up to `attempts` tries, then fails naming `what`. */
export async function until(condition: () => Promise<boolean>, what: string, attempts = 200): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await condition()) return;
    await delay(25);
  }
  assert.fail(`timed out waiting until ${what}`);
}
