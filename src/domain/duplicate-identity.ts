import { ValidationError } from './validation-error';

/**
 * A MAC address or asset tag another live device of the site already has,
 * in the same words wherever it is refused (a local add or edit, a conflict
 * resolution, a cloud-side edit). `holder` names that device as a person
 * finds it: its host name where it has one, and its uuid.
 */
export function duplicateIdentity(field: 'mac' | 'assetTag', value: string | null, holder: string): ValidationError {
  const label = field === 'mac' ? 'a MAC address' : 'an asset tag';
  return new ValidationError([{ field, message: `expected ${label} no other device of this site uses; ${holder} has ${value}` }]);
}
