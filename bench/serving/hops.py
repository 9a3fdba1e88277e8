#!/usr/bin/env python3
"""Where a proxied request's time goes, from the kernel's packet timestamps (a tcpdump of the loopback).

Usage: hops.py [--bursts] CAPTURE.pcap PROXY_PORT [INSTANCE_PORT ...]

Every HTTP message on loopback is one TCP segment here (they are a few hundred bytes), and tcpdump stamps it when
the sender's kernel hands it to the loopback device, so the four stamps of a proxied request are
  t0 the client's request reaches the proxy's port      t1 the proxy's request to the instance leaves
  t2 the instance's answer leaves                        t3 the proxy's answer to the client leaves
and the proxy's own time is (t1 - t0) + (t3 - t2): waking up, reading, deciding, writing, both ways. The instance's
time is t2 - t1. The four are tied together by the request id: the proxy writes it into the request to the instance
and into the answer to the client (amlite does; nginx is configured to for the capture). With no INSTANCE_PORT the
PROXY_PORT is the instance scored directly, and only t3 - t0 is reported.

Both the client and the proxy keep one request outstanding per connection (no pipelining), so an answer belongs to
the last request seen on its connection; a segment tcpdump dropped loses that exchange, never misattributes one.
Copies the proxy mirrors to other ports are not followed. --bursts adds the way in (t1 - t0) by how many client
requests reached the proxy in the millisecond before this one: how a burst queues behind one event loop.
"""
import bisect
import statistics
import struct
import sys


def packets(path):
    """(seconds, src port, dst port, payload) of every TCP segment with data in a pcap of Ethernet or raw IPv4."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        raise SystemExit(f"{path}: not a pcap file (write it with tcpdump -w)")
    fraction = 1e-9 if magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d") else 1e-6
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    link_header = {1: 14, 101: 0, 113: 16}.get(linktype)
    if link_header is None:
        raise SystemExit(f"{path}: link type {linktype}; capture on lo (Ethernet) with tcpdump -i lo")
    offset = 24
    record = struct.Struct(endian + "IIII")
    while offset + 16 <= len(data):
        sec, frac, captured, _ = record.unpack_from(data, offset)
        frame = data[offset + 16: offset + 16 + captured]
        offset += 16 + captured
        ip = frame[link_header:]
        if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 6:
            continue
        tcp = ip[(ip[0] & 0x0F) * 4:]
        if len(tcp) < 20:
            continue
        payload = tcp[(tcp[12] >> 4) * 4:]
        if payload:
            src, dst = struct.unpack_from(">HH", tcp, 0)
            yield sec + frac * fraction, src, dst, payload


def request_id(payload):
    head = payload.split(b"\r\n\r\n", 1)[0]
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"x-request-id":
            return value.strip().decode("latin-1")
    return None


def percentiles(values):
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1e3
    return f"p50 {pick(0.50):6.3f}  p90 {pick(0.90):6.3f}  p99 {pick(0.99):6.3f}  max {ordered[-1] * 1e3:7.3f} ms"


def bursts(both, arrivals):
    """The way in by the number of requests that arrived in the 1 ms before each one, in groups of four."""
    groups = {}
    for (t0, _), (t1, _) in both:
        before = bisect.bisect_left(arrivals, t0) - bisect.bisect_left(arrivals, t0 - 0.001)
        groups.setdefault(min(before // 4 * 4, 28), []).append(t1 - t0)
    for low in sorted(groups):
        ordered = sorted(groups[low])
        label = f"{low}-{low + 3}" if low < 28 else "28+"
        print(f"  way in after {label:>5} requests in the 1 ms before: {len(ordered):6d} requests   "
              f"p50 {ordered[len(ordered) // 2] * 1e3:6.3f}  p99 {ordered[int(len(ordered) * 0.99)] * 1e3:6.3f} ms")


def main(argv):
    show_bursts = "--bursts" in argv
    argv = [a for a in argv if a != "--bursts"]
    if len(argv) < 3:
        raise SystemExit(__doc__)
    path, proxy = argv[1], int(argv[2])
    instances = {int(p) for p in argv[3:]}
    arrivals = []
    client_sent = {}      # client port -> t0 of its last request
    client = {}           # request id (or a serial number when scored directly) -> (t0, t3)
    upstream_sent = {}    # proxy's port towards an instance -> (id, t1)
    upstream = {}         # request id -> (t1, t2)
    serial = 0
    for t, src, dst, payload in packets(path):
        if dst == proxy and payload.startswith(b"POST "):
            client_sent[src] = t
            arrivals.append(t)
        elif src == proxy and payload.startswith(b"HTTP/1."):
            t0 = client_sent.pop(dst, None)
            if t0 is not None:
                key = request_id(payload) if instances else None
                if key is None:
                    serial += 1
                    key = serial
                client[key] = (t0, t)
        elif dst in instances and payload.startswith(b"POST "):
            upstream_sent[src] = (request_id(payload), t)
        elif src in instances and payload.startswith(b"HTTP/1."):
            sent = upstream_sent.pop(dst, None)
            if sent is not None and sent[0] is not None:
                upstream[sent[0]] = (sent[1], t)
    if not client:
        raise SystemExit(f"{path}: no request to port {proxy} and answer from it was captured")
    if not instances:
        print(f"  {len(client)} requests   instance (scored directly)  {percentiles([b - a for a, b in client.values()])}")
        return
    both = [(client[k], upstream[k]) for k in client if k in upstream]
    if not upstream:
        print(f"  {len(client)} requests   client to client  {percentiles([b - a for a, b in client.values()])}"
              f"   (no request to ports {sorted(instances)}: the proxy reached the instances another way)")
        return
    if not both:
        raise SystemExit(f"{path}: no client request could be tied to a request to ports {sorted(instances)}")
    through = [t3 - t0 for (t0, t3), _ in both]
    inbound = [t1 - t0 for (t0, _), (t1, _) in both]
    instance = [t2 - t1 for _, (t1, t2) in both]
    outbound = [t3 - t2 for (_, t3), (_, t2) in both]
    own = [i + o for i, o in zip(inbound, outbound)]
    print(f"  {len(both)} requests tied ({len(client)} answered to clients)")
    print(f"  client to client    {percentiles(through)}")
    print(f"  proxy, way in       {percentiles(inbound)}")
    print(f"  instance            {percentiles(instance)}")
    print(f"  proxy, way out      {percentiles(outbound)}")
    print(f"  proxy's own time    {percentiles(own)}   mean {statistics.fmean(own) * 1e3:.3f} ms")
    if show_bursts:
        bursts(both, sorted(arrivals))


if __name__ == "__main__":
    main(sys.argv)
