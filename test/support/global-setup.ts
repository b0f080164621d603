import { connect } from "node:net";

// Integration tests need the real local services; fail fast with a clear message instead of timeouts.
function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1");
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

export default async function setup(): Promise<void> {
  const missing: string[] = [];
  if (!(await reachable(5432))) missing.push("PostgreSQL on 127.0.0.1:5432 (pg_ctlcluster 15 main start)");
  if (!(await reachable(1883))) missing.push("Mosquitto on 127.0.0.1:1883 (mosquitto -d -c /etc/mosquitto/mosquitto.conf)");
  if (missing.length) throw new Error(`integration tests need: ${missing.join(", ")}`);
}
