import { createServer } from "node:net";

// Ports this test process has handed out. The kernel may give a port that was just freed to the
// next bind(0), so two tests asking at nearly the same time (describe.concurrent) could get the
// same one, and one server would find it taken; a port is never handed out twice here.
const handedOut = new Set<number>();

/** A TCP port that was free a moment ago on 127.0.0.1, and not handed out before in this process. */
export async function getFreePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.unref();
      srv.on("error", reject);
      srv.listen(0, "127.0.0.1", () => {
        const addr = srv.address();
        const found = typeof addr === "object" && addr ? addr.port : 0;
        srv.close(() => resolve(found));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}
