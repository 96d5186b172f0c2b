/**
 * telegraf's Bot API client with a bound on every call: telegraf itself has no request timeout,
 * so a Telegram (or proxy) that accepts the connection and never answers would hold a send, and
 * the conversation's egress drain behind it, for ever. Every call gets an abort signal: the
 * caller's (shutdown) combined with a deadline — `timeoutMs`, plus the long-poll wait for
 * getUpdates. A call cut off this way is a transient failure (send.ts: try again).
 */
import { Telegram } from "telegraf";

type CallApi = Telegram["callApi"];

export class BoundedTelegram extends Telegram {
  constructor(
    token: string,
    options: ConstructorParameters<typeof Telegram>[1],
    private readonly timeoutMs: number,
  ) {
    super(token, options);
  }

  override callApi: CallApi = (method, payload, options = {}) => {
    const longPollSeconds =
      method === "getUpdates" ? Number((payload as { timeout?: number }).timeout ?? 0) : 0;
    const deadline = AbortSignal.timeout(this.timeoutMs + longPollSeconds * 1000);
    const signal = options.signal
      ? AbortSignal.any([options.signal as unknown as AbortSignal, deadline])
      : deadline;
    return super.callApi(method, payload, { signal: signal as never });
  };
}
