import { EntitySchema } from 'typeorm';

export interface MetaRow {
  key: string;
  value: string;
}

/** Instance settings: site id, instance id, cloud URL and id, pull cursor, enrolment id. */
export const MetaEntity = new EntitySchema<MetaRow>({
  name: 'Meta',
  tableName: 'meta',
  columns: {
    key: { type: 'varchar', length: 64, primary: true },
    value: { type: 'text' },
  },
});
