import { InvalidArgumentError } from 'commander';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A span like `90m`, `72h` or `180d`, in milliseconds. */
export function parseDuration(value: string): number {
  const match = /^(\d+)([mhd])$/.exec(value.trim());
  if (!match || Number(match[1]) === 0) throw new InvalidArgumentError('expected a positive whole number of minutes, hours or days, like 90m, 72h or 180d');
  return Number(match[1]) * UNIT_MS[match[2]];
}
