#!/usr/bin/env python3
"""Socket agent for the kernel trace tests, run inside a network namespace (`ip netns exec NS`).

Node cannot set SO_MARK or IP_TRANSPARENT, so this helper owns every socket of the namespace.
It reads one JSON command per line on stdin and writes one JSON event per line on stdout:

  {"cmd": "listen", "tcp": [ports], "udp": [ports], "marks": {"15001": 1337}}
      -> {"event": "listening"}
      Dual-stack listeners on the wildcard address with IP_TRANSPARENT (TPROXY needs it) and,
      per port, the SO_MARK ztunnel would set.
  {"cmd": "tcp", "id": 1, "family": 4, "src": "10.244.0.5", "sport": 43210, "dst": "...", "dport": 8080,
   "mark": 0, "timeout": 0.4}
      -> {"event": "result", "id": 1, "ok": true} once connected, then closes with SO_LINGER 0 (an RST),
         so a connection is exactly SYN, SYN-ACK, ACK, RST on the wire. A timed-out connect also
         reports "soft_error" (e.g. "ECONNREFUSED") when an ICMP error reached the socket.
  {"cmd": "udp", ...same fields}  -> sends one datagram -> {"event": "result", "id": 1, "ok": true}
  {"cmd": "udp", ..., "await_error": 0.4}  -> connects the socket first (only a connected UDP socket
      hears ICMP errors, udp(7)), sends one datagram, then waits up to that long for an error to
      arrive -> {"event": "result", "id": 1, "ok": false, "error": <sendto's error, if any>,
      "icmp_error": <the error an ICMP reply raised, if any>}
  {"cmd": "clear"} reports every connection waiting in an accept queue and every queued datagram,
      -> {"event": "accepted", "proto": "tcp", "listener": 15001, "local": [addr, port], "peer": [addr, port]}
      then {"event": "cleared"}. Polling here instead of in a thread makes the report complete: the
      kernel queued everything before the command arrived. Accepted sockets stay open until exit,
      since closing one would put a FIN on the wire during a later test.
"""
import errno
import json
import select
import socket
import struct
import sys
import resource

SO_MARK = 36
IP_TRANSPARENT = 19
IPV6_TRANSPARENT = 75
accepted = []


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def plain(addr):
    return addr[7:] if addr.startswith("::ffff:") else addr


def listener(kind, port, mark):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM if kind == "tcp" else socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.setsockopt(socket.SOL_IP, IP_TRANSPARENT, 1)
    s.setsockopt(socket.IPPROTO_IPV6, IPV6_TRANSPARENT, 1)
    if mark:
        s.setsockopt(socket.SOL_SOCKET, SO_MARK, mark)
    s.bind(("::", port))
    if kind == "tcp":
        s.listen(64)
    return s


def drain(sockets):
    while True:
        ready, _, _ = select.select(list(sockets), [], [], 0)
        if not ready:
            return
        for s in ready:
            kind, port = sockets[s]
            if kind == "tcp":
                conn, peer = s.accept()
                local = conn.getsockname()
                accepted.append(conn)
                emit({"event": "accepted", "proto": "tcp", "listener": port,
                      "local": [plain(local[0]), local[1]], "peer": [plain(peer[0]), peer[1]]})
            else:
                _, peer = s.recvfrom(65535)
                emit({"event": "accepted", "proto": "udp", "listener": port,
                      "local": [None, port], "peer": [plain(peer[0]), peer[1]]})


def client(cmd):
    family = socket.AF_INET if cmd["family"] == 4 else socket.AF_INET6
    kind = socket.SOCK_STREAM if cmd["cmd"] == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(family, kind)
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if cmd.get("mark"):
            s.setsockopt(socket.SOL_SOCKET, SO_MARK, cmd["mark"])
        if cmd.get("transparent"):
            s.setsockopt(socket.SOL_IP if family == socket.AF_INET else socket.IPPROTO_IPV6,
                         IP_TRANSPARENT if family == socket.AF_INET else IPV6_TRANSPARENT, 1)
        s.bind((cmd["src"], cmd["sport"]))
        if kind == socket.SOCK_DGRAM and cmd.get("await_error") is not None:
            return datagram_with_errors(s, cmd)
        if kind == socket.SOCK_DGRAM:
            s.sendto(b"x", (cmd["dst"], cmd["dport"]))
            return {"ok": True}
        s.settimeout(cmd.get("timeout", 0.4))
        try:
            s.connect((cmd["dst"], cmd["dport"]))
        except TimeoutError as e:
            # An ICMP error that arrives while connect() holds the socket lock is kept as a soft
            # error (tcp_v4_err / tcp_v6_err: sk_err_soft), and connect() waits for the SYN's
            # retransmission; SO_ERROR returns that soft error when no hard one is pending.
            soft = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            result = {"ok": False, "error": describe(e)}
            return {**result, "soft_error": errno.errorcode.get(soft, str(soft))} if soft else result
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        return {"ok": True}
    except OSError as e:
        return {"ok": False, "error": type(e).__name__ + ": " + str(e)}
    finally:
        s.close()


def describe(error):
    return type(error).__name__ + ": " + str(error)


def datagram_with_errors(s, cmd):
    s.connect((cmd["dst"], cmd["dport"]))
    result = {"ok": True}
    try:
        s.send(b"x")
    except OSError as e:
        result = {"ok": False, "error": describe(e)}
    # A pending socket error makes the socket readable; recv() then raises it. Nothing arrives
    # otherwise (no one answers a test datagram), so the timeout means "no error".
    ready, _, _ = select.select([s], [], [], cmd["await_error"])
    if ready:
        try:
            s.recv(65535)
        except OSError as e:
            result = {**result, "ok": False, "icmp_error": describe(e)}
    return result


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    sockets = {}
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd["cmd"] == "listen":
            marks = {int(k): v for k, v in cmd.get("marks", {}).items()}
            for kind in ("tcp", "udp"):
                for port in cmd.get(kind, []):
                    sockets[listener(kind, port, marks.get(port, 0))] = (kind, port)
            emit({"event": "listening"})
        elif cmd["cmd"] in ("tcp", "udp"):
            emit({"event": "result", "id": cmd["id"], **client(cmd)})
        elif cmd["cmd"] == "clear":
            drain(sockets)
            emit({"event": "cleared"})


if __name__ == "__main__":
    main()
