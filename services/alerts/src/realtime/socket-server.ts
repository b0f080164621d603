import type { Server as HttpServer } from "node:http";
import { Server, type Socket } from "socket.io";
import { z } from "zod";
import { ROLE_ORDER, roleAtLeast, type ClientToServerEvents, type ServerToClientEvents, type UserRole } from "@vigil/contracts";
import type { Logger } from "@vigil/contracts/node";
import type { AuthService, Session } from "../auth/auth-service.js";
import type { AlertService } from "../alerting/alert-service.js";
import { AlertTransitionError } from "../alerting/alert-service.js";
import type { AuditRepository } from "../storage/audit-repository.js";
import type { AlertsMetrics } from "../metrics.js";
import { credentialsOf } from "../api/auth-hooks.js";
import type { AlertsRepository } from "../storage/alerts-repository.js";
import type { UnitService } from "../units/unit-service.js";
import { alertInScope, type UnitScope } from "../units/unit-scope.js";

interface SocketData {
  session: Session;
}
type VigilSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const ackRequest = z.object({ id: z.uuid(), note: z.string().max(2000).optional() });
const roomOf = (role: UserRole) => `role:${role}`;
/**
 * Pushes about a camera go to its unit's room. A socket whose scope is a subtree joins the room of
 * every unit in it; one that sees everything joins ALL_UNITS_ROOM instead, which every such push
 * also names (so a unit created after it connected is covered without re-joining).
 */
const unitRoom = (unitId: string) => `unit:${unitId}`;
const ALL_UNITS_ROOM = "units:all";
const scopeRooms = (scope: UnitScope): Set<string> => (scope.all ? new Set([ALL_UNITS_ROOM]) : new Set([...scope.unitIds].map(unitRoom)));

/**
 * Socket.IO on the API's HTTP server. The handshake needs a session (cookie or `auth: { token }`);
 * each socket joins one room per role it holds, and every push names the least role that may see it.
 */
export async function startSocketServer(deps: {
  httpServer: HttpServer;
  auth: AuthService;
  alerts: AlertService;
  audit: AuditRepository;
  metrics: AlertsMetrics;
  logger: Logger;
  /** Each socket's scope (unit rooms), and the alert look-ups an acknowledgement's scope check needs. */
  units: UnitService;
  alertsRepo: Pick<AlertsRepository, "get">;
  redisUrl?: string;
  /** Redis channel prefix: instances of one deployment share it (the MQTT topic prefix). */
  redisKey?: string;
  /**
   * Browser origins allowed to open a socket besides the console's own (same host). A handshake
   * without an Origin (a server-side client) is judged by its session alone.
   */
  allowedOrigins?: string[];
  /** How often every socket's session is checked again (revoked elsewhere, disabled user); default 30 s. */
  recheckMs?: number;
}) {
  const { auth, logger } = deps;
  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(deps.httpServer, {
    serveClient: false,
    cors: { origin: false },
    pingInterval: 20_000,
    // Cross-site WebSocket hijacking: a page on another site must not ride the operator's cookie.
    allowRequest: (req, callback) => callback(null, originAllowed(req.headers.origin, req.headers.host, deps.allowedOrigins ?? [])),
  });
  let redisClose: (() => Promise<void>) | null = null;
  if (deps.redisUrl) {
    const [{ createAdapter }, { Redis }] = await Promise.all([import("@socket.io/redis-adapter"), import("ioredis")]);
    const pub = new Redis(deps.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
    const sub = pub.duplicate();
    await Promise.all([pub.connect(), sub.connect()]);
    io.adapter(createAdapter(pub, sub, { key: `socket.io:${deps.redisKey ?? "vigil"}` }));
    redisClose = async () => void (await Promise.allSettled([pub.quit(), sub.quit()]));
    logger.info("Socket.IO uses the Redis adapter (several alert instances share pushes)");
  }

  io.use((socket, next) => {
    const token = typeof socket.handshake.auth?.token === "string" ? socket.handshake.auth.token : undefined;
    const creds = token ? { token } : credentialsOf({ cookie: socket.handshake.headers.cookie });
    if (!creds) return next(new Error("unauthorized"));
    auth.authenticate(creds.token).then(
      (session) => {
        if (!session) return next(new Error("unauthorized"));
        socket.data.session = session;
        // Bound to its session: dropped at logout (any instance, through the adapter) and at expiry.
        void socket.join(sessionRoom(session.tokenHash));
        next();
      },
      () => next(new Error("unavailable")),
    );
  });

  /** Puts a socket in exactly the unit rooms of its user's current scope. */
  const joinScope = async (socket: { rooms: Set<string>; join(room: string): unknown; leave(room: string): unknown; data: SocketData }): Promise<UnitScope> => {
    const scope = await deps.units.scopeFor(socket.data.session.user);
    const wanted = scopeRooms(scope);
    for (const room of socket.rooms) if ((room.startsWith("unit:") || room === ALL_UNITS_ROOM) && !wanted.has(room)) void socket.leave(room);
    for (const room of wanted) if (!socket.rooms.has(room)) void socket.join(room);
    return scope;
  };

  io.on("connection", (socket: VigilSocket) => {
    const { user } = socket.data.session;
    for (const r of ROLE_ORDER) if (roleAtLeast(user.role, r)) void socket.join(roomOf(r));
    // Until its rooms are joined (a moment) a socket gets no unit-scoped pushes, never too many.
    void joinScope(socket).catch((err: unknown) => {
      logger.warn({ err }, "loading a socket's unit scope failed; disconnecting it");
      socket.disconnect(true);
    });
    deps.metrics.socketClients.inc();
    const untilExpiry = Date.parse(socket.data.session.expiresAt) - Date.now();
    const expiry = setTimeout(() => socket.disconnect(true), Math.max(0, Math.min(untilExpiry, 2 ** 31 - 1)));
    socket.on("disconnect", () => {
      clearTimeout(expiry);
      deps.metrics.socketClients.dec();
    });
    socket.on("alert:ack", (request, reply) => {
      const respond = typeof reply === "function" ? reply : () => undefined;
      const parsed = ackRequest.safeParse(request);
      if (!parsed.success) return respond({ ok: false, error: "invalid request: needs { id: uuid, note? }" });
      void (async () => {
        // The session may have expired or been revoked (logout) since the handshake.
        const current = await auth.authenticateHash(socket.data.session.tokenHash).catch(() => null);
        if (!current) {
          respond({ ok: false, error: "session expired" });
          return void socket.disconnect(true);
        }
        // Another unit's alert does not exist for this user (as in the REST route).
        const stored = await deps.alertsRepo.get(parsed.data.id).catch(() => null);
        if (stored && !(await alertInScope(deps.units, current.user.role, await deps.units.scopeFor(current.user), stored))) {
          return respond({ ok: false, error: `no alert ${parsed.data.id}`, code: "not_found" });
        }
        try {
          const alert = await deps.alerts.acknowledge(parsed.data.id, user.username, parsed.data.note);
          await deps.audit.write({ username: user.username, action: "alert.ack", target: parsed.data.id, details: parsed.data.note ? { note: parsed.data.note, via: "socket" } : { via: "socket" }, ip: socket.handshake.address }).catch(() => undefined);
          respond({ ok: true, alert });
        } catch (err) {
          // A taken alert says by whom and when (the console shows it instead of a generic failure).
          if (err instanceof AlertTransitionError) return respond({ ok: false, error: err.message, code: err.code, ...(err.details ? { taken: err.details } : {}) });
          respond({ ok: false, error: "acknowledging failed" });
        }
      })();
    });
  });

  auth.onSessionEnded((tokenHash) => io.in(sessionRoom(tokenHash)).disconnectSockets(true));
  // Sessions also end where this instance is not told (another instance, an expired row, a disabled
  // user): every connection's session is checked again periodically.
  const recheck = setInterval(() => {
    void (async () => {
      for (const s of await io.local.fetchSockets()) {
        const current = await auth.authenticateHash(s.data.session.tokenHash).catch(() => undefined);
        if (current === null) s.disconnect(true);
        // A unit moved on another instance reaches this socket's rooms here.
        else await joinScope(s);
      }
    })().catch((err: unknown) => logger.warn({ err }, "socket session re-check failed"));
  }, deps.recheckMs ?? 30_000);
  recheck.unref();
  // A unit moved, added or removed here: every socket's rooms follow at once.
  deps.units.onChanged(() => {
    void (async () => {
      for (const s of await io.local.fetchSockets()) await joinScope(s);
    })().catch((err: unknown) => logger.warn({ err }, "re-joining unit rooms failed"));
  });

  return {
    io,
    emit<E extends keyof ServerToClientEvents>(event: E, minRole: UserRole, ...args: Parameters<ServerToClientEvents[E]>): void {
      io.to(roomOf(minRole)).emit(event, ...args);
    },
    /**
     * A push about data of these units (a camera's unit; a watchlist entry's): to the sockets whose
     * scope holds one of them, and to those that see everything. Each socket gets it once.
     */
    emitToUnits<E extends keyof ServerToClientEvents>(event: E, unitIds: readonly string[], ...args: Parameters<ServerToClientEvents[E]>): void {
      io.to([ALL_UNITS_ROOM, ...[...new Set(unitIds)].map(unitRoom)]).emit(event, ...args);
    },
    async close(): Promise<void> {
      // Not io.close(): that would also close the HTTP server, which fastify owns and closes itself.
      clearInterval(recheck);
      io.disconnectSockets(true);
      io.engine.close();
      await redisClose?.();
    },
  };
}
export type SocketServer = Awaited<ReturnType<typeof startSocketServer>>;

const sessionRoom = (tokenHash: string) => `session:${tokenHash}`;

/** Same host as the request (the console's own page), or listed; no Origin at all: not a browser page. */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (!origin) return true;
  if (allowed.includes(origin)) return true;
  try {
    return !!host && new URL(origin).host === host;
  } catch {
    return false;
  }
}

