import type { z } from "zod";

/** An API failure with the server's `{ error, message }` when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The server's `details`, when it sent any (e.g. who took an alert already). */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export type Query = Record<string, string | number | undefined | null>;

export interface ApiClientOptions {
  baseUrl?: string;
  /** Called on 401 so the shell can show the login screen again (session expired, logged out elsewhere). */
  onUnauthorized?: () => void;
  fetchImpl?: typeof fetch;
}

/**
 * The console's only door to the alert service. Browsers authenticate with the HttpOnly session
 * cookie; unsafe methods also carry `x-csrf-token`, which the server handed over at login or /me.
 * Responses are checked against the shared zod schemas, so a server/console drift shows as a clear
 * error instead of `undefined` on screen.
 */
export class ApiClient {
  private csrfToken: string | null = null;
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: ApiClientOptions = {}) {
    this.baseUrl = options.baseUrl ?? "";
    this.fetchImpl = options.fetchImpl ?? ((input, init) => fetch(input, init));
  }

  setCsrfToken(token: string | null | undefined): void {
    this.csrfToken = token ?? null;
  }

  url(path: string, query?: Query): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
    const qs = params.toString();
    return `${this.baseUrl}${path}${qs ? `?${qs}` : ""}`;
  }

  /**
   * A file the server builds (a CSV export): the body as a Blob with the name from Content-Disposition.
   * Fetched rather than followed as a link, so an error (a missing reason, an ended session) is shown
   * to the operator instead of being saved as the file.
   */
  async download(path: string, query?: Query): Promise<{ blob: Blob; filename: string | null; headers: Headers }> {
    let res: Response;
    try {
      res = await this.fetchImpl(this.url(path, query), { method: "GET", credentials: "same-origin" });
    } catch (err) {
      throw new ApiError(0, "network", `network error: ${(err as Error).message}`);
    }
    if (!res.ok) throw this.failure(res, parseJson(await res.text()), path);
    const filename = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? null;
    return { blob: await res.blob(), filename, headers: res.headers };
  }

  private failure(res: Response, json: unknown, path: string): ApiError {
    if (res.status === 401 && !path.startsWith("/api/v1/auth/login")) this.options.onUnauthorized?.();
    const e = (json ?? {}) as { error?: unknown; message?: unknown; details?: unknown };
    const message = typeof e.message === "string" ? e.message : typeof e.error === "string" ? e.error : `${res.status} ${res.statusText}`;
    return new ApiError(res.status, typeof e.error === "string" ? e.error : String(res.status), message, e.details);
  }

  get<S extends z.ZodType>(path: string, schema: S, query?: Query): Promise<z.output<S>> {
    return this.request("GET", path, schema, undefined, query);
  }

  post<S extends z.ZodType>(path: string, schema: S, body?: unknown): Promise<z.output<S>> {
    return this.request("POST", path, schema, body ?? {});
  }

  patch<S extends z.ZodType>(path: string, schema: S, body: unknown): Promise<z.output<S>> {
    return this.request("PATCH", path, schema, body);
  }

  delete<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
    return this.request("DELETE", path, schema);
  }

  private async request<S extends z.ZodType>(method: string, path: string, schema: S, body?: unknown, query?: Query): Promise<z.output<S>> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (method !== "GET" && this.csrfToken) headers["x-csrf-token"] = this.csrfToken;
    let res: Response;
    try {
      res = await this.fetchImpl(this.url(path, query), {
        method,
        headers,
        credentials: "same-origin",
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new ApiError(0, "network", `network error: ${(err as Error).message}`);
    }
    const text = await res.text();
    const json = parseJson(text);
    if (!res.ok) throw this.failure(res, json, path);
    const parsed = schema.safeParse(json ?? {});
    if (!parsed.success) {
      throw new ApiError(res.status, "bad_response", `unexpected response from ${method} ${path}: ${parsed.error.issues[0]?.message ?? "invalid"}`);
    }
    return parsed.data;
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
