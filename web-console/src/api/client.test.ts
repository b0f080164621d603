import { meResponseSchema } from "@vigil/contracts";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ApiClient, ApiError } from "./client.js";

interface Seen {
  url: string;
  init: RequestInit;
}

/** A stand-in for the browser's fetch that records requests and answers from a script. */
function scripted(answer: (url: string, init: RequestInit) => Response) {
  const seen: Seen[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    seen.push({ url: String(input), init: init ?? {} });
    return answer(String(input), init ?? {});
  }) as typeof fetch;
  return { seen, fetchImpl };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const headersOf = (s: Seen) => s.init.headers as Record<string, string>;

describe("ApiClient", () => {
  it("sends the CSRF token on unsafe methods only", async () => {
    const { seen, fetchImpl } = scripted(() => json(200, { ok: true }));
    const api = new ApiClient({ fetchImpl });
    api.setCsrfToken("csrf-1");
    await api.get("/api/v1/alerts", z.unknown());
    await api.post("/api/v1/alerts/x/ack", z.unknown(), { note: "n" });
    await api.delete("/api/v1/watchlist/x", z.unknown());
    expect(headersOf(seen[0]!)["x-csrf-token"]).toBeUndefined();
    expect(headersOf(seen[1]!)["x-csrf-token"]).toBe("csrf-1");
    expect(headersOf(seen[2]!)["x-csrf-token"]).toBe("csrf-1");
    expect(seen[1]!.init.body).toBe('{"note":"n"}');
    expect(seen[1]!.init.credentials).toBe("same-origin");
    // No JSON content type without a body: the server would reject an empty JSON body.
    expect(headersOf(seen[2]!)["content-type"]).toBeUndefined();
  });

  it("builds query strings without empty values", () => {
    const api = new ApiClient();
    expect(api.url("/api/v1/plates", { q: "51F12345", from: undefined, cameraId: "", limit: 50, reason: "vụ việc 1" })).toBe(
      "/api/v1/plates?q=51F12345&limit=50&reason=v%E1%BB%A5+vi%E1%BB%87c+1",
    );
  });

  it("validates responses against the shared schema", async () => {
    const { fetchImpl } = scripted(() => json(200, { user: { username: "op", role: "operator" }, csrfToken: "c" }));
    const me = await new ApiClient({ fetchImpl }).get("/api/v1/me", meResponseSchema);
    expect(me.user.role).toBe("operator");
    const bad = scripted(() => json(200, { user: { username: "op", role: "root" } }));
    await expect(new ApiClient({ fetchImpl: bad.fetchImpl }).get("/api/v1/me", meResponseSchema)).rejects.toMatchObject({ code: "bad_response" });
  });

  it("turns error replies into ApiError with the server's message, and reports 401 once signed in", async () => {
    let unauthorized = 0;
    const { fetchImpl } = scripted((url) =>
      url.includes("/me") ? json(401, { error: "unauthorized", message: "session expired" }) : json(403, { error: "forbidden", message: "needs supervisor" }),
    );
    const api = new ApiClient({ fetchImpl, onUnauthorized: () => unauthorized++ });
    const e401 = await api.get("/api/v1/me", z.unknown()).catch((e: unknown) => e);
    expect(e401).toBeInstanceOf(ApiError);
    expect(e401).toMatchObject({ status: 401, message: "session expired" });
    expect(unauthorized).toBe(1);
    await expect(api.post("/api/v1/watchlist", z.unknown(), {})).rejects.toMatchObject({ status: 403, code: "forbidden", message: "needs supervisor" });
    expect(unauthorized).toBe(1);
  });

  it("reports network failures as status 0", async () => {
    const fetchImpl = (async () => {
      throw new TypeError("Failed to fetch");
    }) as typeof fetch;
    await expect(new ApiClient({ fetchImpl }).get("/api/v1/me", z.unknown())).rejects.toMatchObject({ status: 0, code: "network" });
  });
});
