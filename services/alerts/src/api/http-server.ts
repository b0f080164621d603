import { existsSync } from "node:fs";
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
import { adminRoutes } from "./routes/admin-routes.js";
import { healthRoutes } from "./routes/health-routes.js";
import { internalRoutes } from "./routes/internal-routes.js";

/** The alert service's HTTP API, OpenAPI docs, evidence media and the console's static files. */
export async function buildHttpServer(deps: RouteDeps, logger: Logger) {
  const app = Fastify({ loggerInstance: logger.child({ module: "http" }), bodyLimit: 1024 * 1024, trustProxy: false, logController: new LogController({ disableRequestLogging: true }) }).withTypeProvider<ZodTypeProvider>();
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
        imgSrc: ["'self'", "data:", "blob:", "https://*.tile.openstreetmap.org"],
        connectSrc: ["'self'", "ws:", "wss:"],
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
  await app.register(plateRoutes(deps));
  await app.register(watchlistRoutes(deps));
  await app.register(alertRoutes(deps));
  await app.register(adminRoutes(deps));
  if (deps.ingestApiToken) await app.register(internalRoutes({ cameras: deps.cameras, token: deps.ingestApiToken }));

  const consoleDir = deps.consoleDir ? resolve(deps.consoleDir) : null;
  if (consoleDir && existsSync(resolve(consoleDir, "index.html"))) {
    await app.register(fastifyStatic, { root: consoleDir, prefix: "/", decorateReply: false, wildcard: false, index: ["index.html"] });
  }
  // SPA fallback: unknown non-API GETs get the console's index.html; everything else a JSON 404.
  app.setNotFoundHandler((req, reply) => {
    const url = req.url.split("?")[0] ?? "";
    const isApi = url.startsWith("/api/") || url.startsWith("/media/") || url.startsWith("/socket.io/");
    if (req.method === "GET" && !isApi && consoleDir && existsSync(resolve(consoleDir, "index.html"))) {
      return reply.type("text/html").sendFile("index.html", consoleDir);
    }
    return reply.code(404).send({ error: "not_found", message: `no route ${req.method} ${url}` });
  });
  return app;
}
export type AlertsHttpServer = Awaited<ReturnType<typeof buildHttpServer>>;
