import { isIPv4, isIPv6 } from "node:net";

/**
 * The network an address stands for in per-IP limits and consent records: an IPv4 address itself (also when
 * written IPv4-mapped, `::ffff:1.2.3.4`), an IPv6 address's /64. One host or household is given a whole /64, so
 * counting full IPv6 addresses would let anyone escape a per-IP limit by moving to the next address.
 */
export function ipNetwork(ip: string): string {
  const address = ip.split("%")[0]!.toLowerCase(); // without a zone id (fe80::1%eth0)
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(address)?.[1];
  if (mapped && isIPv4(mapped)) return mapped;
  if (!isIPv6(address)) return ip;
  const [head = "", tail] = address.split("::");
  const groups = (part: string | undefined) =>
    // A trailing dotted quad (64:ff9b::1.2.3.4) takes two groups; it is always in the lower 64 bits.
    part ? part.split(":").flatMap((group) => (group.includes(".") ? ["0", "0"] : [group])) : [];
  const left = groups(head);
  const right = groups(tail);
  const all = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  return `${all
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(":")}::/64`;
}
