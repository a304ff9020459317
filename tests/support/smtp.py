"""A real SMTP server for tests: aiosmtpd in a thread, on a free loopback port."""

import email
import email.policy
import socket
import threading

from aiosmtpd.controller import Controller


def free_port():
    """Return a loopback TCP port that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Handler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = self.sink.refusals.get(address.lower())
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.sink.before_accept is not None:
            answer = self.sink.before_accept(envelope)
            if answer:
                return answer
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.sink.lock:
            self.sink.messages.append(message)
            self.sink.raw.append(envelope.original_content)
            self.sink.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class SmtpSink:
    """Accept mail and keep every message; `refusals` maps an address to an SMTP answer such as '550 No such user'."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.messages = []
        self.raw = []  # the bytes of each message as they arrived, for what parsing hides (line ends, lengths)
        self.envelopes = []
        self.refusals = {}
        self.before_accept = None  # called with each envelope before 250; a returned string is the answer instead
        self.lock = threading.Lock()
        self._controller = None

    def start(self):
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address):
        """Return the messages accepted for one address."""
        with self.lock:
            return [m for m in self.messages if m["To"] == address]

    def message_ids(self):
        with self.lock:
            return [m["Message-ID"] for m in self.messages]


class SilentSmtpServer:
    """A mail server that takes the TCP connection and then never answers: after its greeting, or before it."""

    def __init__(self, greet=True):
        self.greet = greet
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self._stopping = threading.Event()
        self._connections = []
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self):
        while not self._stopping.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            self._connections.append(connection)  # held open, unread, until stop()
            if self.greet:
                connection.sendall(b"220 silent.example ESMTP\r\n")

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stopping.set()
        self._thread.join()
        for connection in self._connections:
            connection.close()
        self._listener.close()
