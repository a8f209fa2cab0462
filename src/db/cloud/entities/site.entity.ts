import { EntitySchema } from 'typeorm';
import { bigintAsNumber } from './bigint-as-number';

export interface Site {
  siteId: string;
  lastVersion: number;
  /** The newest version whose tombstone was purged: a pull from before it is answered 410. */
  purgedVersion: number;
  createdAt: string;
}

export const SiteEntity = new EntitySchema<Site>({
  name: 'Site',
  tableName: 'sites',
  columns: {
    siteId: { name: 'site_id', type: 'varchar', length: 64, primary: true },
    lastVersion: { name: 'last_version', type: 'bigint', default: 0, transformer: bigintAsNumber },
    purgedVersion: { name: 'purged_version', type: 'bigint', default: 0, transformer: bigintAsNumber },
    createdAt: { name: 'created_at', type: 'varchar', length: 30 },
  },
});
