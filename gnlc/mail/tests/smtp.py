"""A real SMTP server for the tests (aiosmtpd, on a free port of 127.0.0.1) that can be
told to refuse messages or to go away in the middle of a batch."""

import socket

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self):
        self.received = []  # the subjects of the messages accepted, in order
        self.refuse = 0  # refuse this many of the next messages (451, try later)
        self.vanish_after = None  # close the connection when this many were accepted

    async def handle_DATA(self, server, session, envelope):
        if self.vanish_after is not None and len(self.received) >= self.vanish_after:
            # Goes away before answering: the client never hears the message accepted.
            server.transport.close()
            return "421 4.3.0 closing"
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 Try again later"
        subject = next(
            line.split(":", 1)[1].strip()
            for line in envelope.content.decode().splitlines()
            if line.startswith("Subject:")
        )
        self.received.append(subject)
        return "250 2.0.0 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPServer:
    def __init__(self):
        self.handler = Handler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def received(self):
        return self.handler.received

    def start(self):
        self.controller.start()
        self.running = True

    def stop(self):
        if getattr(self, "running", False):
            self.controller.stop()
            self.running = False
