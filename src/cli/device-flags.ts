import type { Command } from 'commander';
import type { SyncField } from '../domain/device';

/** The device field flags shared by `device add`, `device edit` and `cloud device edit`. */
const FLAGS: [SyncField, string, string][] = [
  ['mac', '--mac <mac>', 'MAC address (aa:bb:cc:dd:ee:ff, AA-BB-CC-DD-EE-FF, aabb.ccdd.eeff, aabbccddeeff)'],
  ['ip', '--ip <ip>', 'IPv4 or IPv6 address'],
  ['assetTag', '--asset-tag <tag>', 'asset tag'],
  ['hostname', '--hostname <name>', 'host name'],
  ['serial', '--serial <serial>', 'serial number'],
  ['model', '--model <model>', 'model'],
  ['vendor', '--vendor <vendor>', 'vendor'],
  ['location', '--location <where>', 'location (room, rack, ...)'],
  ['notes', '--notes <text>', 'free text'],
  ['status', '--status <status>', 'active, spare, maintenance, retired or lost'],
];

/** Adds the field flags; on an edit, an empty value clears the field (a new device has nothing to clear). */
export function withDeviceFlags(command: Command, { edits }: { edits: boolean }): Command {
  for (const [, flag, description] of FLAGS) command.option(flag, edits ? `${description}; "" clears it` : description);
  return command;
}

/** The fields named on the command line, and only those. */
export function fieldsFromFlags(options: Record<string, unknown>): Partial<Record<SyncField, string>> {
  const fields: Partial<Record<SyncField, string>> = {};
  for (const [field] of FLAGS) if (typeof options[field] === 'string') fields[field] = options[field] as string;
  return fields;
}
