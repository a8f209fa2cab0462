import { z } from 'zod';
import { SYNC_FIELDS, type SyncField } from '../domain/device';

/**
 * An ISO-8601 UTC time, given in the one form every time is kept in: `toISOString()`'s, to the millisecond
 * (finer digits are dropped, never rounded up). ISO-8601 allows any number of fractional digits; one form
 * fits the columns (30 characters) and sorts as text, on SQLite and PostgreSQL alike.
 */
export const isoTime = z.iso
  .datetime({ offset: false, error: 'expected an ISO-8601 UTC time like 2026-01-31T12:00:00.000Z' })
  .transform((time) => new Date(time).toISOString());
export const uuidSchema = z.uuid({ error: 'expected a UUID like 0b6f3c52-9a8e-4c1e-8b7d-2f3a4b5c6d7e' });

/** Stored values travel as plain strings; the cloud re-validates them with the domain rules. */
const storedFieldsShape = Object.fromEntries(SYNC_FIELDS.map((f) => [f, z.string().max(4000).nullable()])) as Record<
  SyncField,
  z.ZodNullable<z.ZodString>
>;

/** The device JSON of CONTRACT.md: absent values are null, times ISO-8601 UTC. */
export const deviceSchema = z.object({
  uuid: uuidSchema,
  siteId: z.string(),
  ...storedFieldsShape,
  createdAt: isoTime,
  updatedAt: isoTime,
  deletedAt: isoTime.nullable(),
});

/** A device as the cloud holds it: with the site version of its latest change. */
export const remoteDeviceSchema = deviceSchema.extend({ version: z.number().int().positive() });

export type RemoteDevice = z.infer<typeof remoteDeviceSchema>;
