import { existsSync } from "node:fs";
import { resolve } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyBaseLogger, FastifyInstance, FastifyTypeProvider, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from "fastify";

/** The command that builds the console (what `npm start` runs for you on a fresh checkout). */
export const CONSOLE_BUILD_COMMAND = "npm run build -w @vigil/web-console";

/**
 * What a browser gets for the console's pages when CONSOLE_DIR has no build (`npm run start:alerts`
 * on a fresh checkout): a page that says how to build it, rather than a bare JSON 404. Vietnamese
 * first, like the console.
 */
export function consoleNotBuiltPage(consoleDir: string): string {
  const dir = escapeHtml(consoleDir);
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Vigil — chưa dựng giao diện</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 42rem; margin: 3rem auto; line-height: 1.5">
<h1>Giao diện điều hành chưa được dựng</h1>
<p>Dịch vụ cảnh báo đang chạy, nhưng thư mục <code>${dir}</code> chưa có bản dựng của giao diện. Chạy lệnh sau, khởi động lại dịch vụ cảnh báo rồi tải lại trang:</p>
<pre>${CONSOLE_BUILD_COMMAND}</pre>
<p>(<code>npm start</code> tự dựng giao diện khi cần.)</p>
<hr>
<p lang="en">The web console is not built: <code>${dir}</code> has no <code>index.html</code>. Run <code>${CONSOLE_BUILD_COMMAND}</code>, restart the alert service, then reload. The API is up at <code>/api/v1</code>.</p>
</body></html>
`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Serves the console from `consoleDir` (null: no console) and answers everything else: unknown
 * non-API GETs get the console's index.html (SPA routes), or the "not built" page with status 503
 * when there is no build; API and media misses a JSON 404. Needs @fastify/static's reply decorator
 * registered on `app` already (the /media root).
 */
export async function serveConsole<Log extends FastifyBaseLogger, Provider extends FastifyTypeProvider>(
  app: FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, Log, Provider>,
  consoleDir: string | null,
): Promise<void> {
  const root = consoleDir ? resolve(consoleDir) : null;
  // Looked at once, on start: the static root is registered with the build's files or not at all.
  const built = root !== null && existsSync(resolve(root, "index.html"));
  if (built) await app.register(fastifyStatic, { root: root!, prefix: "/", decorateReply: false, wildcard: false, index: ["index.html"] });
  app.setNotFoundHandler((req, reply) => {
    const url = req.url.split("?")[0] ?? "";
    const isApi = url.startsWith("/api/") || url.startsWith("/media/") || url.startsWith("/socket.io/") || url.startsWith("/tiles/");
    if (req.method === "GET" && !isApi && root !== null) {
      if (built) return reply.type("text/html").sendFile("index.html", root);
      return reply.code(503).type("text/html; charset=utf-8").send(consoleNotBuiltPage(consoleDir!));
    }
    return reply.code(404).send({ error: "not_found", message: `no route ${req.method} ${url}` });
  });
}
