import { z } from 'zod';
import { closedObject } from './closed-object';
import { normalizeIp } from './ip';
import { normalizeMac } from './mac';
import { SYNC_FIELDS, type DeviceFields, type SyncField } from './device';
import { ValidationError, type FieldIssue } from './validation-error';

export const DEVICE_STATUSES = ['active', 'spare', 'maintenance', 'retired', 'lost'] as const;

const HOSTNAME_RE = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
// Control characters break one-line displays and CSV exports; they are refused, not stripped.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS_RE = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS_EXCEPT_NEWLINES_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

// Half of a character (a UTF-16 surrogate without its pair), e.g. from text cut in the middle. It has no UTF-8
// form, so storage either corrupts it silently or refuses it (PostgreSQL's json does, failing a whole push).
const LONE_SURROGATE_RE = /\p{Surrogate}/u;

/** Trimmed text; the empty string means "no value". */
export function optionalText(maxLength: number, allowNewlines = false) {
  const forbidden = allowNewlines ? CONTROL_CHARS_EXCEPT_NEWLINES_RE : CONTROL_CHARS_RE;
  const form = `text of at most ${maxLength} characters${allowNewlines ? '' : ' on one line'}`;
  const characters = allowNewlines ? 'without control characters (line breaks are fine)' : 'without tabs, line breaks or other control characters';
  return z
    .string({ error: `expected ${form}` })
    .trim()
    .refine((v) => v.length <= maxLength, { error: `expected ${form}`, abort: true })
    .refine((v) => !forbidden.test(v), { error: `expected ${form}, ${characters}` })
    .refine((v) => !LONE_SURROGATE_RE.test(v), { error: 'expected well-formed Unicode text: this holds a lone UTF-16 surrogate (half of a character)' })
    .transform((v) => (v === '' ? null : v));
}

function normalized(normalize: (v: string) => string | null, form: string) {
  return z
    .string({ error: `expected ${form}` })
    .trim()
    .refine((v) => v === '' || normalize(v) !== null, { error: `expected ${form}` })
    .transform((v) => (v === '' ? null : normalize(v)));
}

/** One rule per synced field, shared by the UI, CLI, IPC and the cloud. */
export const deviceFieldSchemas = {
  hostname: optionalText(253).refine((v) => v === null || HOSTNAME_RE.test(v), {
    error: 'expected a host name of letters, digits, hyphens and dots, like sw-core-01.example.lan',
  }),
  mac: normalized(normalizeMac, 'a MAC address like aa:bb:cc:dd:ee:ff, AA-BB-CC-DD-EE-FF, aabb.ccdd.eeff or aabbccddeeff'),
  ip: normalized(normalizeIp, 'an IPv4 address like 192.168.1.20 (no leading zeros) or an IPv6 address like 2001:db8::1'),
  assetTag: optionalText(64),
  serial: optionalText(128),
  model: optionalText(128),
  vendor: optionalText(128),
  location: optionalText(200),
  notes: optionalText(4000, true),
  status: z
    .string({ error: `expected one of ${DEVICE_STATUSES.join(', ')}` })
    .trim()
    .toLowerCase()
    .refine((v) => v === '' || (DEVICE_STATUSES as readonly string[]).includes(v), {
      error: `expected one of ${DEVICE_STATUSES.join(', ')}`,
    })
    .transform((v) => (v === '' ? null : v)),
} satisfies Record<SyncField, z.ZodType<string | null, string>>;

const nullableFieldSchemas = Object.fromEntries(
  SYNC_FIELDS.map((f) => [f, deviceFieldSchemas[f].nullable().optional()]),
) as { [F in SyncField]: z.ZodOptional<z.ZodNullable<(typeof deviceFieldSchemas)[F]>> };

/** A patch of synced fields: each optional, null or '' clears it. Unknown keys are refused. */
export const deviceFieldsPatchSchema = closedObject(nullableFieldSchemas);

export type DeviceFieldsPatch = Partial<DeviceFields>;

/** Each zod issue as the field it concerns and its message; `root` names the whole value (the body, the query). */
export function issuesOf(error: z.ZodError, root = '(body)'): FieldIssue[] {
  return error.issues.map((issue) => ({ field: issue.path.length ? issue.path.join('.') : root, message: issue.message }));
}

/** Validates and normalises a patch of synced fields, or throws a ValidationError naming each bad field. */
export function validateFieldsPatch(input: unknown): DeviceFieldsPatch {
  const result = deviceFieldsPatchSchema.safeParse(input);
  if (!result.success) throw new ValidationError(issuesOf(result.error));
  const patch: DeviceFieldsPatch = {};
  for (const f of SYNC_FIELDS) if (result.data[f] !== undefined) patch[f] = result.data[f] ?? null;
  return patch;
}

/** A device must be recognisable without its uuid: by MAC address or by asset tag. */
export function requireIdentity(fields: DeviceFields): void {
  if (fields.mac === null && fields.assetTag === null) {
    throw new ValidationError([{ field: 'mac', message: 'expected a MAC address or an asset tag (at least one is required)' }]);
  }
}
