import { redactCredentials } from "@vigil/contracts/node";

/** One POST's outcome: the status, or null when no response came (refused, reset, timed out). */
export interface SendResult {
  status: number | null;
  error: string | null;
}

export type WebhookSender = (url: string, body: string, headers: Record<string, string>) => Promise<SendResult>;

/**
 * The side effect of webhooks: one HTTP POST with a timeout, never following redirects (a receiver
 * moving would otherwise get the signed alert re-sent wherever it points). Errors are reported as text
 * that never carries the URL's query (a chat bot's token sits there).
 */
export function createFetchSender(opts: { timeoutMs: number; fetch?: typeof fetch }): WebhookSender {
  const doFetch = opts.fetch ?? fetch;
  return async (url, body, headers) => {
    try {
      const res = await doFetch(url, { method: "POST", body, headers: { "content-type": "application/json", "user-agent": "Vigil-Webhooks/1", ...headers }, redirect: "manual", signal: AbortSignal.timeout(opts.timeoutMs) });
      // The body is not needed; reading it frees the connection.
      await res.arrayBuffer().catch(() => undefined);
      return { status: res.status, error: res.ok ? null : `HTTP ${res.status}` };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      const reason = e.name === "TimeoutError" ? `no response within ${opts.timeoutMs} ms` : (e.cause?.code ?? e.message);
      return { status: null, error: `${reason} (${safeUrl(url)})`.slice(0, 500) };
    }
  };
}

/** The URL as logs and the admin list may show it: scheme, host, path — no credentials, no query. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}${u.search ? "?…" : ""}`;
  } catch {
    return redactCredentials(url);
  }
}
