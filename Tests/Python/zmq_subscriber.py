#!/usr/bin/env python3
"""A real ZeroMQ subscriber (pyzmq) for the node's -zmqpub* notifications.

Usage: zmq_subscriber.py ENDPOINT [ENDPOINT ...]

Connects a SUB socket to every endpoint, subscribes to every topic, and prints each message as one JSON line:
{"topic": "hashblock", "body": "<hex>", "seq": <int>, "frames": 3}, where seq is the third frame read as
4 bytes little-endian (as fluxd and bitcoind send it). Runs until standard input is closed, then prints
{"done": true} and exits 0. Run by the Swift tests (Tests/FluxNodeTests/ZMQNotificationTests.swift).
"""
import json
import struct
import sys
import threading

import zmq


def main() -> int:
    endpoints = sys.argv[1:]
    if not endpoints:
        print("usage: zmq_subscriber.py ENDPOINT [ENDPOINT ...]", file=sys.stderr)
        return 2
    context = zmq.Context()
    socket = context.socket(zmq.SUB)
    socket.setsockopt(zmq.SUBSCRIBE, b"")
    socket.setsockopt(zmq.RCVTIMEO, 100)
    for endpoint in endpoints:
        socket.connect(endpoint)
    stop = threading.Event()

    def wait_for_eof() -> None:
        sys.stdin.read()
        stop.set()

    threading.Thread(target=wait_for_eof, daemon=True).start()
    print(json.dumps({"ready": True}), flush=True)
    while not stop.is_set():
        try:
            frames = socket.recv_multipart()
        except zmq.Again:
            continue
        seq = struct.unpack("<I", frames[2])[0] if len(frames) == 3 and len(frames[2]) == 4 else -1
        print(json.dumps({"topic": frames[0].decode("ascii", "replace"), "body": frames[1].hex() if len(frames) > 1 else "",
                          "seq": seq, "frames": len(frames)}), flush=True)
    # Drain what already arrived.
    while True:
        try:
            frames = socket.recv_multipart(flags=zmq.NOBLOCK)
        except zmq.Again:
            break
        seq = struct.unpack("<I", frames[2])[0] if len(frames) == 3 and len(frames[2]) == 4 else -1
        print(json.dumps({"topic": frames[0].decode("ascii", "replace"), "body": frames[1].hex(), "seq": seq,
                          "frames": len(frames)}), flush=True)
    socket.close(linger=0)
    context.term()
    print(json.dumps({"done": True}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
