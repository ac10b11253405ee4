import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../core/config";
import { sendRates } from "../../../core/delivery/pacing";

describe("sharing SES's rate between transactional email and digests", () => {
  it("keeps a fifth for transactional email by default, at least 1/s and at most half", () => {
    expect(sendRates({ SES_MAX_SEND_RATE: 14 })).toEqual({ transactional: 2.8, digest: 11.2 });
    expect(sendRates({ SES_MAX_SEND_RATE: 4 })).toEqual({ transactional: 1, digest: 3 });
    expect(sendRates({ SES_MAX_SEND_RATE: 1 })).toEqual({ transactional: 0.5, digest: 0.5 }); // the SES sandbox
  });

  it("takes TRANSACTIONAL_SEND_RATE when set, and refuses one that leaves digests nothing", () => {
    expect(sendRates({ SES_MAX_SEND_RATE: 50, TRANSACTIONAL_SEND_RATE: 5 })).toEqual({ transactional: 5, digest: 45 });
    expect(() => sendRates({ SES_MAX_SEND_RATE: 14, TRANSACTIONAL_SEND_RATE: 14 })).toThrow(ConfigError);
    expect(() => sendRates({ SES_MAX_SEND_RATE: 14, TRANSACTIONAL_SEND_RATE: 14 })).toThrow(/TRANSACTIONAL_SEND_RATE/);
  });
});
