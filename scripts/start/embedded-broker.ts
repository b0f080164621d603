import { createServer, type Server } from "node:net";
import { Aedes } from "aedes";

export interface EmbeddedBroker {
  url: string;
  close(): Promise<void>;
}

/**
 * An in-process MQTT 3.1.1 broker (aedes) for `npm start` when MQTT_URL is unset. It listens on
 * 127.0.0.1 only, on the given port or a free one, so it never clashes with a broker already on 1883.
 * Retained messages and QoS 1 in-flight state live in memory: fine for a single-node demo, which is why
 * production deployments use Mosquitto (see docker-compose.yml).
 */
export async function startEmbeddedBroker(port = 0): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker();
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  return {
    url: `mqtt://127.0.0.1:${actualPort}`,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
