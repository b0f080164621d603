import { describe, expect, it } from "vitest";
import { classifyStorageError, sqlState } from "./storage-errors.js";

const pgError = (code: string, message = "pg error") => Object.assign(new Error(message), { code });

describe("classifyStorageError", () => {
  it("retries connection, rollback, resource, shutdown and deployment faults", () => {
    for (const code of ["08006", "08001", "40001", "40P01", "53100", "53300", "57P01", "57P03", "57014", "58030", "55P03", "XX000", "28P01", "3D000", "42P01"]) {
      expect(classifyStorageError(pgError(code)), code).toBe("transient");
    }
  });

  it("retries errors without a SQLSTATE (refused or dropped connections, pool timeouts)", () => {
    expect(classifyStorageError(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }))).toBe("transient");
    expect(classifyStorageError(new Error("Connection terminated unexpectedly"))).toBe("transient");
    expect(classifyStorageError(new Error("timeout exceeded when trying to connect"))).toBe("transient");
  });

  it("splits on data errors: the year-9999 partition, bad values, constraints, limits", () => {
    expect(classifyStorageError(pgError("22009", "time zone displacement out of range: \"+010000-01-01T00:00:00.000Z\""))).toBe("data");
    for (const code of ["22P02", "22003", "22021", "23505", "23514", "54000"]) expect(classifyStorageError(pgError(code)), code).toBe("data");
    expect(classifyStorageError(new RangeError("Invalid time value"))).toBe("data");
  });

  it("reads only a five-character SQLSTATE as one", () => {
    expect(sqlState(pgError("22009"))).toBe("22009");
    expect(sqlState(pgError("ECONNRESET"))).toBeUndefined();
    expect(sqlState(null)).toBeUndefined();
  });
});
