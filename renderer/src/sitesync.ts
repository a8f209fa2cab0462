import type { SiteSyncApi } from '../../src/contract/ipc-client';
import type { CallError, CallOutcome } from '../../src/contract/ipc';
import { connectBridge } from './bridge-client';

declare global {
  interface Window {
    /** Set by Electron's preload; absent in a plain browser, where the bridge client stands in. */
    sitesync?: SiteSyncApi;
  }
}

// In a plain browser the bridge client provides the same window.sitesync as Electron's preload.
window.sitesync ??= connectBridge(window.location.href);

/** The one way this renderer reaches the core. */
export const sitesync: SiteSyncApi = window.sitesync;

/** A refused call, with the fields it names, so a form can show each message beside its field. */
export class CallFailure extends Error {
  constructor(readonly error: CallError) {
    super(error.message);
    this.name = 'CallFailure';
  }

  /** The message for one field, matching `fields.mac` as well as `mac`. */
  issueFor(field: string): string | null {
    return this.error.issues?.find((i) => i.field === field || i.field.endsWith(`.${field}`))?.message ?? null;
  }
}

export async function unwrap<T>(outcome: Promise<CallOutcome<T>>): Promise<T> {
  const result = await outcome;
  if (!result.ok) throw new CallFailure(result.error);
  return result.value;
}
