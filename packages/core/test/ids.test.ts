import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  eventNodeId,
  groupForecastNodeId,
  InvalidIdError,
  issueOccurrenceNodeId,
  spanNodeId,
  unprocessedEventNodeId,
  validateNodeId,
  versionedSpanNodeId,
} from "../src/index.js";

const md5 = (s: string) => createHash("md5").update(s).digest("hex");

describe("node ids (research §5.1 vectors)", () => {
  it("event bodies: md5 of <project>:<event>", () => {
    expect(eventNodeId(1, "a".repeat(32))).toBe("3549e3329672c1f16a38f4704c14dafd");
    expect(eventNodeId(42, "0123456789abcdef0123456789abcdef")).toBe("57edf0acae59ea297b741f405b721a88");
    expect(eventNodeId("42", "01234567-89AB-CDEF-0123-456789ABCDEF")).toBe(
      "57edf0acae59ea297b741f405b721a88",
    );
  });

  it("other shapes", () => {
    expect(issueOccurrenceNodeId("occ1", 1)).toBe("i-o:6ffe235c6d268768034faa5cdf38e9c0");
    expect(groupForecastNodeId(1, 2)).toBe("e-g-f:8f33f96b202b322eca9941d3db61125e");
    expect(unprocessedEventNodeId(1, "a".repeat(32))).toBe(md5(`1:${"a".repeat(32)}:unprocessed`));
    expect(spanNodeId("abc", 3)).toBe(`s:${md5("abc::3")}`);
    expect(versionedSpanNodeId(2, 3, "t", "s")).toBe(`s:2:${md5("3:t:s")}`);
  });

  it("refuses malformed event and project ids", () => {
    expect(() => eventNodeId(1, "not-an-event")).toThrow(InvalidIdError);
    expect(() => eventNodeId(-1, "a".repeat(32))).toThrow(InvalidIdError);
  });

  it("validates ids against backend rules, counting characters", () => {
    expect(() => validateNodeId("", {})).toThrow(/cannot be empty/);
    expect(() => validateNodeId("x".repeat(41), { maxLength: 40 }, "django-pg")).toThrow(
      /longer than 40.*|django-pg/,
    );
    expect(() => validateNodeId("é".repeat(40), { maxLength: 40 })).not.toThrow();
    expect(() => validateNodeId("😀".repeat(40), { maxLength: 40 })).not.toThrow();
    expect(() =>
      validateNodeId("a/../b", { check: (id) => (id.includes("..") ? "no dot segments" : undefined) }),
    ).toThrow(/no dot segments/);
  });
});
