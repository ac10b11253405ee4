/** Per-IP limits count networks: an IPv4 address, an IPv6 /64 (one host's allocation), however it is written. */
import { describe, expect, it } from "vitest";
import { ipNetwork } from "../../../core/subscribers/ip-network";

describe("ipNetwork", () => {
  it("keeps an IPv4 address, also when written IPv4-mapped", () => {
    expect(ipNetwork("203.0.113.7")).toBe("203.0.113.7");
    expect(ipNetwork("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(ipNetwork("::FFFF:203.0.113.7")).toBe("203.0.113.7");
  });

  it("gives every address of an IPv6 /64 the same network, however it is written", () => {
    const network = "2001:db8:aa:1::/64";
    for (const ip of [
      "2001:db8:aa:1::1",
      "2001:db8:aa:1:ffff:ffff:ffff:fffe",
      "2001:0db8:00aa:0001:0000:0000:0000:0002",
      "2001:DB8:AA:1:1234:5678:9abc:def0",
      "2001:db8:aa:1::1.2.3.4",
      "2001:db8:aa:1::1%eth0",
    ]) {
      expect(ipNetwork(ip)).toBe(network);
    }
  });

  it("tells neighbouring /64s apart, and places :: right", () => {
    expect(ipNetwork("2001:db8:aa:2::1")).toBe("2001:db8:aa:2::/64");
    expect(ipNetwork("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(ipNetwork("::1")).toBe("0:0:0:0::/64");
    expect(ipNetwork("fe80::")).toBe("fe80:0:0:0::/64");
    expect(ipNetwork("2001:db8:1:2:3::")).toBe("2001:db8:1:2::/64");
  });

  it("leaves anything else as it is", () => {
    expect(ipNetwork("unknown")).toBe("unknown");
    expect(ipNetwork("2001:db8:::1")).toBe("2001:db8:::1");
  });
});
