import { EntitySchema } from 'typeorm';

/** The one row naming this cloud (migration 0005): the same id at every address the cloud answers on. */
export interface CloudIdentity {
  cloudId: string;
  createdAt: string;
}

export const CloudIdentityEntity = new EntitySchema<CloudIdentity>({
  name: 'CloudIdentity',
  tableName: 'cloud_identity',
  columns: {
    cloudId: { name: 'cloud_id', type: 'varchar', length: 36, primary: true },
    createdAt: { name: 'created_at', type: 'varchar', length: 30 },
  },
});
