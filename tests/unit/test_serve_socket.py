"""The stand-ins' listening sockets answer without Nagle's delay."""

from __future__ import annotations

import socket

from console.sandbox.serve import bind


def test_listener_turns_nagle_off_for_accepted_connections() -> None:
    listener = bind()
    try:
        client = socket.create_connection(listener.getsockname()[:2])
        accepted, _ = listener.accept()
        try:
            # Without it every reply waits for the client's delayed ACK (~40 ms on loopback).
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        finally:
            accepted.close()
            client.close()
    finally:
        listener.close()
