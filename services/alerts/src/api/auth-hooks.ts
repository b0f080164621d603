import "@fastify/cookie";
import type { FastifyReply, FastifyRequest } from "fastify";
import { roleAtLeast, type UserRole } from "@vigil/contracts";
import type { AuthService, Session } from "../auth/auth-service.js";
import { csrfOk } from "../auth/tokens.js";

export const SESSION_COOKIE = "vigil_session";

export interface RequestSession extends Session {
  via: "cookie" | "bearer";
}

declare module "fastify" {
  interface FastifyRequest {
    session: RequestSession | null;
  }
}

/** The bearer token, else the session cookie. */
export function credentialsOf(headers: { authorization?: string | undefined; cookie?: string | undefined }, cookies?: Record<string, string | undefined>): { token: string; via: "cookie" | "bearer" } | null {
  const auth = headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    return m ? { token: m[1]!, via: "bearer" } : null;
  }
  const fromCookie = cookies?.[SESSION_COOKIE] ?? parseCookieHeader(headers.cookie)[SESSION_COOKIE];
  return fromCookie ? { token: fromCookie, via: "cookie" } : null;
}

export function parseCookieHeader(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0) {
      try {
        out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        // a malformed cookie is ignored, not fatal
      }
    }
  }
  return out;
}

/**
 * onRequest hook factory: authenticates (cookie or bearer), enforces CSRF on cookie-authenticated
 * unsafe methods, then the minimum role. 401 without a valid session, 403 for a missing right.
 */
export function requireRole(auth: AuthService, role: UserRole) {
  return async function checkRole(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const creds = credentialsOf(req.headers, req.cookies);
    const session = creds ? await auth.authenticate(creds.token) : null;
    if (!creds || !session) {
      return void reply.code(401).send({ error: "unauthorized", message: "a valid session is required (log in, or send Authorization: Bearer <token>)" });
    }
    const csrfHeader = req.headers["x-csrf-token"];
    if (!csrfOk(req.method, creds.via, session.csrfToken, typeof csrfHeader === "string" ? csrfHeader : undefined)) {
      return void reply.code(403).send({ error: "csrf", message: "missing or wrong x-csrf-token header for a cookie-authenticated request" });
    }
    if (!roleAtLeast(session.user.role, role)) {
      return void reply.code(403).send({ error: "forbidden", message: `this needs the ${role} role; you are ${session.user.role}` });
    }
    req.session = { ...session, via: creds.via };
  };
}
