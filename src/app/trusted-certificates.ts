import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The file in a data dir that holds a private CA's certificates (PEM), trusted besides the usual roots. */
export const CA_FILE = 'ca.pem';

/**
 * A cloud behind a company's own CA: its certificate in `<dataDir>/ca.pem`.
 * A file and not NODE_EXTRA_CA_CERTS, which the packaged app ignores (its
 * nodeOptions fuse is off, decision 55). Read at each use, so a file put
 * there takes effect without a restart; undefined when there is none.
 */
export function extraCertificates(dataDir: string): string | undefined {
  const file = join(dataDir, CA_FILE);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}
