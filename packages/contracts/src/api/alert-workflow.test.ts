import { describe, expect, it } from "vitest";
import { alertAssignBodySchema, webhookCreateBodySchema } from "./alert-workflow.js";

describe("alert workflow bodies", () => {
  it("assign takes exactly one of userId or unitId", () => {
    expect(alertAssignBodySchema.safeParse({ userId: "op1" }).success).toBe(true);
    expect(alertAssignBodySchema.safeParse({ unitId: "ca-quan-1" }).success).toBe(true);
    expect(alertAssignBodySchema.safeParse({}).success).toBe(false);
    expect(alertAssignBodySchema.safeParse({ userId: "op1", unitId: "ca-quan-1" }).success).toBe(false);
    expect(alertAssignBodySchema.safeParse({ userId: "op1", extra: 1 }).success).toBe(false);
  });

  it("webhook URLs: http(s) only, no credentials in them", () => {
    const ok = (url: string) => webhookCreateBodySchema.safeParse({ url }).success;
    expect(ok("https://hooks.example.vn/vigil?token=abc")).toBe(true);
    expect(ok("http://10.0.0.5:8080/in")).toBe(true);
    expect(ok("ftp://example.vn/x")).toBe(false);
    expect(ok("file:///etc/passwd")).toBe(false);
    expect(ok("javascript:alert(1)")).toBe(false);
    expect(ok("https://user:pass@hooks.example.vn/")).toBe(false);
    expect(ok("not a url")).toBe(false);
    expect(webhookCreateBodySchema.safeParse({ url: "https://a.vn/", types: ["system"] }).success).toBe(false);
    expect(webhookCreateBodySchema.safeParse({ url: "https://a.vn/", secret: "short" }).success).toBe(false);
  });
});
