// Which ERROR answers to a PUSH make the client send it again (docs/sync-protocol.md).
import { describe, expect, it } from "vitest";
import { pushNotTaken } from "./sync";

describe("answers to a PUSH", () => {
  it("sends again what the server did not take, a database outage included", () => {
    for (const code of ["rate_limited", "unavailable", "internal", "bad_push", "malformed"]) {
      expect(pushNotTaken(code)).toBe(true);
    }
  });
  it("leaves the others to their own handling", () => {
    for (const code of ["token_expired", "account_gone", "resync_required", "cursor_ahead", "unknown_type"]) {
      expect(pushNotTaken(code)).toBe(false);
    }
  });
});
