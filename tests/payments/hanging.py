"""
A Stripe that hangs: a TCP server on 127.0.0.1 that accepts every connection
and never answers, for `STRIPE_API_BASE` to point at. What a slow or stuck
payment provider looks like from here: the connection is made, the request is
sent, and nothing comes back.
"""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class HangingServer:
    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port: int = self._listener.getsockname()[1]
        self.accepted = 0  # connections made to it
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _address = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            self._held.append(connection)  # read nothing, answer nothing

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        for connection in self._held:
            connection.close()
        self._listener.close()


@contextmanager
def hanging_server() -> Iterator[HangingServer]:
    server = HangingServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
