import mqtt from "mqtt";
import { describe, expect, it } from "vitest";
import { startEmbeddedBroker } from "./embedded-broker.js";
import { loadStartEnv } from "./env.js";
import { getFreePort } from "../../test/support/ports.js";

describe("npm start's embedded broker", () => {
  it("listens on MQTT_PORT when it is set (a free port otherwise), and carries messages", async () => {
    const port = await getFreePort();
    expect(loadStartEnv({ MQTT_PORT: String(port) }).env.MQTT_PORT).toBe(port);
    expect(loadStartEnv({}).env.MQTT_PORT).toBe(0);
    const broker = await startEmbeddedBroker(loadStartEnv({ MQTT_PORT: String(port) }).env.MQTT_PORT);
    try {
      expect(broker.url).toBe(`mqtt://127.0.0.1:${port}`);
      const client = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
      const got = new Promise<string>((resolve) => client.on("message", (_t, p) => resolve(p.toString())));
      await client.subscribeAsync("t/1", { qos: 1 });
      await client.publishAsync("t/1", "hello", { qos: 1 });
      expect(await got).toBe("hello");
      await client.endAsync();
    } finally {
      await broker.close();
    }
  });
});
