import type { SiteSyncApi } from '../../../src/contract/ipc-client';

declare global {
  interface Window {
    /** The contract as the page sees it (preload or bridge client). */
    sitesync?: SiteSyncApi;
  }
}
