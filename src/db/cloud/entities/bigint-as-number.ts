import type { ValueTransformer } from 'typeorm';

/** PostgreSQL hands bigint back as a string; versions stay far below 2^53, so a number is exact. */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};
