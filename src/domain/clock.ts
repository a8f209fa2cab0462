/** Where "now" comes from; injected so tests can run an instance whose clock is days off. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

export function isoNow(clock: Clock): string {
  return clock().toISOString();
}
