import { z } from 'zod';
import type { CallOutcome, IpcEvent } from './ipc';

/** The WebSocket protocol of `sitesync ui`: the contract's calls and events as JSON messages. */
export const bridgeCallSchema = z.strictObject({
  id: z.number().int().nonnegative(),
  channel: z.string().max(100),
  input: z.unknown(),
});
export type BridgeCall = z.infer<typeof bridgeCallSchema>;

export type BridgeMessage = { id: number; outcome: CallOutcome<unknown> } | { event: IpcEvent; payload: unknown };

/** Where the bridge listens for WebSocket upgrades, below the secret path of the page. */
export const BRIDGE_SOCKET_PATH = 'bridge';

/** The largest message a page may send; calls are small, only answers (device lists) are large. */
export const MAX_BRIDGE_CALL_BYTES = 1024 * 1024;
