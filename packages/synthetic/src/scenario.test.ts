import { describe, expect, it } from "vitest";
import { isValidPlate } from "@vigil/contracts";
import { plateFromText, randomCarPlate, randomMotorbikePlate } from "./plate-text.js";
import { Random } from "./random.js";
import { planTraffic, vehicleScale } from "./scenario.js";

describe("synthetic traffic plan", () => {
  it("is the same for the same seed and differs for another", () => {
    const a = planTraffic(new Random(5), 30, undefined).map((v) => [v.look.plate.display, v.enterS, v.lane]);
    const b = planTraffic(new Random(5), 30, undefined).map((v) => [v.look.plate.display, v.enterS, v.lane]);
    const c = planTraffic(new Random(6), 30, undefined).map((v) => [v.look.plate.display, v.enterS, v.lane]);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it("puts the wanted plate on exactly one vehicle, early, of the kind its layout implies", () => {
    for (const [text, kind] of [["51F-123.45", "car"], ["59-X1 234.56", "motorbike"]] as const) {
      const plan = planTraffic(new Random(1), 30, plateFromText(text));
      const wanted = plan.filter((v) => v.wanted);
      expect(wanted).toHaveLength(1);
      expect(wanted[0]!.look.kind).toBe(kind);
      expect(wanted[0]!.enterS).toBeLessThan(5);
      expect(wanted[0]!.approaching).toBe(false);
    }
  });

  it("only makes valid Vietnamese plates", () => {
    const rng = new Random(9);
    for (let i = 0; i < 200; i++) {
      const car = randomCarPlate(rng);
      const moto = randomMotorbikePlate(rng);
      expect(isValidPlate(car.display), car.display).toBe(true);
      expect(car.rows).toBe(1);
      expect(isValidPlate(moto.display), moto.display).toBe(true);
      expect(moto.lines).toHaveLength(2);
    }
  });

  it("moves receding vehicles away (shrinking) and oncoming ones closer (growing)", () => {
    const plan = planTraffic(new Random(2), 30, undefined);
    for (const v of plan) {
      const a = vehicleScale(v, v.enterS + 0.5)!;
      const b = vehicleScale(v, v.enterS + 1.5)!;
      if (v.approaching) expect(b).toBeGreaterThan(a);
      else expect(b).toBeLessThan(a);
      expect(vehicleScale(v, v.enterS - 0.1)).toBeUndefined();
    }
  });
});
