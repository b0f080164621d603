import { resolve } from "node:path";
import Fastify, { LogController } from "fastify";
import fastifyCookie from "@fastify/cookie";
import fastifyHelmet from "@fastify/helmet";
import fastifyRateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import type { Logger } from "@vigil/contracts/node";
import { requireRole } from "./auth-hooks.js";
import type { RouteDeps } from "./route-deps.js";
import { authRoutes } from "./routes/auth-routes.js";
import { usersRoutes } from "./routes/users-routes.js";
import { cameraRoutes } from "./routes/camera-routes.js";
import { plateRoutes } from "./routes/plate-routes.js";
import { watchlistRoutes } from "./routes/watchlist-routes.js";
import { alertRoutes } from "./routes/alert-routes.js";
import { unitRoutes } from "./routes/unit-routes.js";
import { adminRoutes } from "./routes/admin-routes.js";
import { integrityRoutes } from "./routes/integrity-routes.js";
import { webhookRoutes } from "../webhooks/webhook-routes.js";
import { healthRoutes } from "./routes/health-routes.js";
import { internalRoutes } from "./routes/internal-routes.js";
import { tileRoutes } from "./routes/tile-routes.js";
import { liveRoutes } from "./routes/live-routes.js";
import { reportRoutes } from "./routes/report-routes.js";
import { serveConsole } from "./console-site.js";

/** The alert service's HTTP API, OpenAPI docs, evidence media and the console's static files. */
export async function buildHttpServer(deps: RouteDeps, logger: Logger) {
  // A hop count is valid too; the cast only gets past Fastify's overloads, which reject the union.
  const trustProxy = (deps.trustProxy ?? false) as boolean | string[];
  const app = Fastify({ loggerInstance: logger.child({ module: "http" }), bodyLimit: 1024 * 1024, trustProxy, logController: new LogController({ disableRequestLogging: true }) }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest("session", null);

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      return reply.code(400).send({
        error: "bad_request",
        message: err.validation.map((v) => `${v.instancePath || err.validationContext || "request"}: ${v.message}`).join("; "),
        details: err.validation.map((v) => ({ path: v.instancePath, message: v.message })),
      });
    }
    // PostgreSQL "data exception" (SQLSTATE class 22: a NUL byte in text, a value out of range) means the
    // client sent something the schema let through but the database cannot hold: a 400, not a 500.
    if (typeof err.code === "string" && /^22[0-9A-Z]{3}$/.test(err.code) && !err.statusCode) {
      // The database's own text stays in the log: it names tables and columns, which clients do not need.
      req.log.info({ err }, "database rejected a request value");
      return reply.code(400).send({ error: "bad_request", message: "the request holds a value the database cannot store (e.g. a NUL byte, or a number out of range)" });
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) req.log.error({ err }, "request failed");
    return reply.code(status).send({
      error: status === 429 ? "rate_limited" : status === 500 ? "internal" : (err.code ?? "bad_request").toLowerCase(),
      message: status === 500 ? "internal error" : err.message,
    });
  });

  // Plate reads, alerts and audit rows must not linger in browser or proxy caches after a logout.
  app.addHook("onSend", async (req, reply) => {
    if (req.url.startsWith("/api/") && !reply.hasHeader("cache-control")) reply.header("cache-control", "no-store");
  });

  await app.register(fastifyCookie);
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:", "blob:", "https://*.tile.openstreetmap.org", ...tileServerOrigin(deps.mapTiles)],
        connectSrc: ["'self'", "ws:", "wss:"],
        // Live view plays through MediaSource (a blob: URL); clips are /media/ files.
        mediaSrc: ["'self'", "blob:"],
        workerSrc: ["'self'", "blob:"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: "Vigil alert service", version: "1.0.0", description: "Plate history, watchlists, alerts, cameras and users. Log in, then send the session cookie (with x-csrf-token on unsafe methods) or Authorization: Bearer <token>." },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" }, cookie: { type: "apiKey", in: "cookie", name: "vigil_session" } } },
      security: [{ bearer: [] }, { cookie: [] }],
    },
    transform: jsonSchemaTransform,
  });
  // The API's map is for people with an account (the JSON too): log in first, the cookie carries it.
  await app.register(fastifySwaggerUi, { routePrefix: "/api/docs", staticCSP: true, uiHooks: { onRequest: requireRole(deps.auth, "operator") } });
  // sendFile for /media; the console's files are served below with their own root.
  await app.register(fastifyStatic, { root: resolve(deps.mediaDir), serve: false });

  await app.register(healthRoutes(deps));
  await app.register(authRoutes(deps));
  await app.register(usersRoutes(deps));
  await app.register(cameraRoutes(deps));
  await app.register(liveRoutes(deps));
  await app.register(plateRoutes(deps));
  await app.register(watchlistRoutes(deps));
  await app.register(alertRoutes(deps));
  await app.register(unitRoutes(deps));
  await app.register(adminRoutes(deps));
  await app.register(integrityRoutes(deps));
  if (deps.webhooks) await app.register(webhookRoutes(deps, deps.webhooks));
  if (deps.shiftReports) await app.register(reportRoutes(deps, deps.shiftReports));
  await app.register(tileRoutes({ auth: deps.auth, mapTiles: deps.mapTiles ?? { kind: "none" } }));
  if (deps.ingestApiToken) await app.register(internalRoutes({ cameras: deps.cameras, token: deps.ingestApiToken }));

  // The console's files, its SPA fallback, the "not built" hint and the JSON 404 for the rest.
  await serveConsole(app, deps.consoleDir);
  return app;
}
export type AlertsHttpServer = Awaited<ReturnType<typeof buildHttpServer>>;

/** MAP_TILES_URL's origin, for the CSP's img-src (`{s}` subdomains become a wildcard). */
function tileServerOrigin(tiles: RouteDeps["mapTiles"]): string[] {
  if (tiles?.kind !== "url") return [];
  const m = /^(https?:\/\/[^/]+)/.exec(tiles.url);
  return m?.[1] ? [m[1].replace(/\{[a-z]\}/g, "*")] : [];
}
