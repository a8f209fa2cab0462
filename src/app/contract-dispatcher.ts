import type { z } from 'zod';
import { callSpec, type CallError, type CallOutcome } from '../contract/ipc';
import { describeError } from './describe-error';
import type { ContractHandlers } from './contract-handlers';

function inputIssues(error: z.ZodError): CallError['issues'] {
  return error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.join('.') : '(input)',
    message: issue.code === 'unrecognized_keys' ? `unexpected field(s) ${issue.keys.join(', ')}` : issue.message,
  }));
}

/**
 * The gate every renderer call passes, over Electron IPC or the browser
 * bridge alike: a trusted sender, a known channel, arguments that parse with
 * the contract's zod schema, then the handler. It answers with an envelope
 * and never throws, so no stack trace reaches the page.
 */
export class ContractDispatcher {
  constructor(
    private readonly handlers: ContractHandlers,
    /** Whether the frame (Electron) or page origin (bridge) that sent a call is our own renderer. */
    private readonly isTrustedSender: (senderUrl: string | null) => boolean,
    private readonly log: (message: string) => void = () => {},
  ) {}

  async dispatch(channel: string, input: unknown, senderUrl: string | null): Promise<CallOutcome<unknown>> {
    if (!this.isTrustedSender(senderUrl)) {
      this.log(`refused ${channel} from untrusted sender ${senderUrl ?? '(none)'}`);
      return { ok: false, error: { code: 'forbidden', message: 'this window may not call SiteSync' } };
    }
    const spec = callSpec(channel);
    if (!spec) return { ok: false, error: { code: 'unknown_channel', message: `no channel ${channel}` } };
    const parsed = spec.input.safeParse(input);
    if (!parsed.success) {
      const issues = inputIssues(parsed.error);
      return { ok: false, error: { code: 'invalid', message: issues!.map((i) => `${i.field}: ${i.message}`).join('; '), issues } };
    }
    const [area, name] = channel.split('.');
    const handler = (this.handlers as unknown as Record<string, Record<string, (input: unknown) => Promise<unknown>>>)[area][name];
    try {
      return { ok: true, value: await handler(parsed.data) };
    } catch (error) {
      return { ok: false, error: describeError(error) };
    }
  }
}
