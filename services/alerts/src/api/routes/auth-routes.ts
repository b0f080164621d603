import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { errorResponseSchema, loginBodySchema, loginResponseSchema, meResponseSchema, ROOT_UNIT_ID } from "@vigil/contracts";
import { requireRole, SESSION_COOKIE } from "../auth-hooks.js";
import { audit, type RouteDeps } from "../route-deps.js";

/**
 * Runs the login attempts of one account one after another (per instance). The limit check reads the
 * failures already written, so attempts checked side by side would all see the same count: 30 parallel
 * guesses got 30 password checks past a limit of 8. In turn, each sees the failures before it.
 */
export function perAccountQueue(): <T>(username: string, run: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return async (username, run) => {
    const key = username.toLowerCase();
    const before = tails.get(key) ?? Promise.resolve();
    const mine = before.then(run, run);
    const tail = mine.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await mine;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}

export function authRoutes(deps: RouteDeps): FastifyPluginAsyncZod {
  const inTurn = perAccountQueue();
  return async (app) => {
    app.post("/api/v1/auth/login", {
      // Per client address and username, so one console's operators do not lock each other out.
      config: {
        rateLimit: {
          max: deps.loginRateLimitPerMin,
          timeWindow: "1 minute",
          hook: "preValidation", // after body parsing, so the key can include the username
          keyGenerator: (req) => `${req.ip}|${String((req.body as { username?: unknown } | undefined)?.username ?? "").toLowerCase().slice(0, 64)}`,
        },
      },
      schema: { tags: ["auth"], summary: "Log in; sets the HttpOnly session cookie and returns a bearer token", body: loginBodySchema, response: { 200: loginResponseSchema, 401: errorResponseSchema, 429: errorResponseSchema } },
    }, (req, reply) => inTurn(req.body.username, async () => {
      // Per account, whatever the address (the per-IP limit above does not stop a distributed guess):
      // past the limit the account is locked until its failures of the last hour fall below it, and
      // before that each further guess waits longer.
      const failures = await deps.audit.recentLoginFailures(req.body.username, 3_600_000);
      if (failures >= deps.loginFailuresPerHour) {
        deps.metrics.loginFailures.inc();
        return reply.code(429).send({ error: "account_locked", message: "too many failed logins for this account in the last hour; try again later or ask an administrator" });
      }
      await new Promise((r) => setTimeout(r, loginDelayMs(failures)));
      const result = await deps.auth.login(req.body.username, req.body.password);
      if (!result) {
        deps.metrics.loginFailures.inc();
        await deps.audit.write({ username: req.body.username, action: "auth.login_failed", ip: req.ip });
        // ≥, not ===: another instance's failures may have come in between (raiseSystemAlert keeps one open alert per account).
        if (failures + 1 >= deps.loginFailuresPerHour) {
          req.log.warn({ username: req.body.username }, "account locked after too many failed logins");
          await deps.audit.write({ username: req.body.username, action: "auth.account_locked", ip: req.ip, details: { failuresLastHour: failures + 1 } });
          // Administrators must hear of it (a guessing attack, or a colleague who cannot work) — for
          // real accounts only: guesses at made-up names must not be able to fill the admins' queue.
          if (await deps.auth.accountExists(req.body.username)) await deps.alerts
            .raiseSystemAlert({
              code: "account_locked",
              severity: "high",
              subject: req.body.username.slice(0, 64),
              reason: `${failures + 1} failed logins in the last hour from ${req.ip}`,
            })
            .catch((err: unknown) => req.log.warn({ err }, "raising the account-locked alert failed"));
        }
        return reply.code(401).send({ error: "unauthorized", message: "wrong username or password" });
      }
      await deps.audit.write({ username: result.session.user.username, action: "auth.login", ip: req.ip, unitId: result.session.user.unitId ?? ROOT_UNIT_ID });
      reply.setCookie(SESSION_COOKIE, result.token, {
        httpOnly: true,
        sameSite: "strict",
        secure: deps.cookieSecure,
        path: "/",
        maxAge: Math.floor(deps.sessionTtlMs / 1000),
      });
      return { token: result.token, user: result.session.user, csrfToken: result.session.csrfToken, expiresAt: result.session.expiresAt };
    }));

    app.post("/api/v1/auth/logout", {
      onRequest: requireRole(deps.auth, "operator"),
      schema: { tags: ["auth"], summary: "End this session", response: { 204: z.null() } },
    }, async (req, reply) => {
      await deps.auth.logout(req.session!.tokenHash);
      await audit(deps, req, "auth.logout", null);
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return reply.code(204).send(null);
    });

    app.get("/api/v1/me", {
      onRequest: requireRole(deps.auth, "operator"),
      schema: { tags: ["auth"], summary: "The current user and the CSRF token for cookie sessions", response: { 200: meResponseSchema } },
    }, async (req) => ({ user: req.session!.user, csrfToken: req.session!.csrfToken }));
  };
}

/** Progressive delay before checking a password: none for the first 5 failures of the hour, then doubling from 250 ms up to 8 s. */
export function loginDelayMs(failuresLastHour: number): number {
  if (failuresLastHour < 5) return 0;
  return Math.min(8_000, 250 * 2 ** Math.floor((failuresLastHour - 5) / 5));
}

