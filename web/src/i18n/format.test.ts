import { describe, expect, it } from "vitest";
import { formatAgo, formatClock, formatDate, formatDuration, formatNumber, formatPercent, formatSeconds } from "./format";

describe("formatting", () => {
  it("formats practice durations in hours and minutes", () => {
    expect(formatDuration(45, "en")).toBe("45 min");
    expect(formatDuration(120, "en")).toBe("2 hr");
    expect(formatDuration(125, "en")).toBe("2 hr 5 min");
    expect(formatDuration(0, "en")).toBe("0 min");
    expect(formatDuration(59.6, "en")).toBe("1 hr");
    expect(formatDuration(90, "de")).toBe("1 Std. 30 Min.");
  });

  it("formats a running timer as a clock", () => {
    expect(formatClock(0)).toBe("00:00");
    expect(formatClock(754)).toBe("12:34");
    expect(formatClock(3754.9)).toBe("1:02:34");
  });

  it("formats dates in the user's timezone and language", () => {
    const d = "2026-11-23T23:30:00Z";
    expect(formatDate(d, "en", "UTC")).toBe("Mon, Nov 23, 2026");
    expect(formatDate(d, "en", "Asia/Tokyo")).toBe("Tue, Nov 24, 2026");
    expect(formatDate(d, "de", "UTC")).toContain("23. Nov. 2026");
  });

  it("formats numbers, shares and ages", () => {
    expect(formatNumber(12345.67, "en")).toBe("12,345.7");
    expect(formatNumber(12345.67, "de")).toBe("12.345,7");
    expect(formatPercent(0.424, "en")).toBe("42%");
    expect(formatAgo(30, "en")).toBe("30 seconds ago");
    expect(formatAgo(3 * 3600, "en")).toBe("3 hours ago");
    expect(formatSeconds(42, "en")).toBe("42 sec");
    expect(formatSeconds(4020, "en")).toBe("1 hr 7 min");
  });
});
