import { describe, expect, it } from "vitest";
import { compareNames } from "./order.js";

describe("compareNames", () => {
  it("orders names without regard to case, then by code unit, on any machine", () => {
    const names = ["praguelcg2", "RAL-LCG2", "aa", "z", "AGLT2", "Aa", "ANALY_AGLT2", "AGLT2_TEST"];
    expect([...names].sort(compareNames)).toEqual([
      "Aa",
      "aa",
      "AGLT2",
      "AGLT2_TEST",
      "ANALY_AGLT2",
      "praguelcg2",
      "RAL-LCG2",
      "z",
    ]);
  });
});
