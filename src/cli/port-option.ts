import { InvalidArgumentError } from 'commander';

/** `--port`: 0 lets the OS pick a free port. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('expected a port from 0 to 65535');
  return port;
}
