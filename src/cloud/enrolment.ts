import { randomUUID } from 'node:crypto';
import { optionalText } from '../domain/validation';
import { ValidationError } from '../domain/validation-error';
import { NotFoundError } from '../domain/not-found-error';
import type { CloudDatabase } from '../db/cloud/cloud-database';
import { ConnectedSiteEntity } from '../db/cloud/entities/connected-site.entity';
import { SiteEntity } from '../db/cloud/entities/site.entity';
import { generateToken, hashToken } from './tokens';

export const SITE_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface Enrolment {
  instanceId: string;
  siteId: string;
  token: string;
}

/** A new instance of `siteId` (the site is created on first use). The token exists only in the answer. */
export async function enrollInstance(db: CloudDatabase, siteId: string, name: string | null, now: string): Promise<Enrolment> {
  if (!SITE_ID_RE.test(siteId)) {
    throw new ValidationError([{ field: 'site', message: 'expected 1-64 letters, digits, dots, hyphens or underscores, starting with a letter or digit' }]);
  }
  // Shown in `cloud sites`, one row per instance: the rules of a device's one-line text.
  const parsedName = optionalText(200).safeParse(name ?? '');
  if (!parsedName.success) throw new ValidationError([{ field: 'name', message: parsedName.error.issues[0].message }]);
  const token = generateToken();
  const instanceId = randomUUID();
  await db.transaction(async (tx) => {
    await tx.getRepository(SiteEntity).createQueryBuilder().insert().values({ siteId, lastVersion: 0, createdAt: now }).orIgnore().execute();
    await tx.getRepository(ConnectedSiteEntity).insert({ instanceId, siteId, name: parsedName.data, tokenHash: hashToken(token), createdAt: now });
  });
  return { instanceId, siteId, token };
}

/** The token stops working with the next request. */
export async function revokeInstance(db: CloudDatabase, instanceId: string, now: string): Promise<{ instanceId: string; revokedAt: string }> {
  return db.transaction(async (tx) => {
    const repo = tx.getRepository(ConnectedSiteEntity);
    const instance = await repo.findOneBy({ instanceId });
    if (!instance) throw new NotFoundError(`no instance with id ${instanceId}`);
    const revokedAt = instance.revokedAt ?? now;
    await repo.update({ instanceId }, { revokedAt });
    return { instanceId, revokedAt };
  });
}
