// A scorecard row: rates as percentages, unknown figures as a dash, units whole.
import { describe, expect, it } from "vitest";

import { figureCells } from "../pages/stock/Scorecards";

describe("figureCells", () => {
  it("shows each figure as a row reads it", () => {
    const cells = figureCells({
      fillRate: 0.93333,
      stockoutDays: 1,
      turns: 13.04,
      daysOfSupply: 9.33,
      sold: 1140.4,
      onHand: 1640,
    });
    expect(cells).toEqual(["93.3 %", "1", "13.0", "9.3", "1,140", "1,640"]);
  });

  it("leaves what cannot be known as a dash", () => {
    const cells = figureCells({ fillRate: null, stockoutDays: 0, turns: null, daysOfSupply: null, sold: 0, onHand: 0 });
    expect(cells.slice(0, 4)).toEqual(["–", "0", "–", "–"]);
  });
});
