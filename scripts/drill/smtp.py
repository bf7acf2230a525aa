"""The drill's SMTP server: counts accepted mail per recipient; can go down, hang or hold mail."""

import asyncio
import collections
import os
import select
import socket
import threading
import time
from datetime import UTC, datetime


class Handler:
    """aiosmtpd handler. A message counts once the server accepts it (answers 250)."""

    def __init__(self):
        self.received = collections.Counter()  # recipient -> accepted mails
        self.accepted_at = {}  # recipient -> when its first mail was accepted (naive UTC)
        self.total = 0
        self.refuse = False
        self.stall = threading.Event()
        self.stalled = set()  # client ports whose DATA is being held

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "421 4.3.2 Shutting down"
        port = session.peer[1]
        try:
            while self.stall.is_set():
                self.stalled.add(port)
                # A client that dies meanwhile cancels this coroutine: nothing is accepted.
                await asyncio.sleep(0.02)
        finally:
            self.stalled.discard(port)
        now = datetime.now(UTC).replace(tzinfo=None)
        for recipient in envelope.rcpt_tos:
            self.received[recipient.lower()] += 1
            self.accepted_at.setdefault(recipient.lower(), now)
        self.total += 1
        return "250 OK"


class Tarpit:
    """A port that accepts connections and never answers: a hung server, seen from outside."""

    def __init__(self, port=0):
        self.listener = socket.create_server(("127.0.0.1", port), backlog=256)
        self.port = self.listener.getsockname()[1]
        self.held = []
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while self.running:
            try:
                if select.select([self.listener], [], [], 0.1)[0]:
                    self.held.append(self.listener.accept()[0])
            except OSError:
                return

    def close(self):
        self.running = False
        self.thread.join(5)
        self.listener.close()
        for sock in self.held:
            sock.close()


class CountingSMTP:
    """An aiosmtpd server on a fixed loopback port that can be taken down and brought back."""

    def __init__(self, port):
        self.port = port
        self.handler = Handler()
        self.controller = None

    def up(self):
        from aiosmtpd.controller import Controller

        self.handler.refuse = False
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def hang(self):
        """Stop answering: the port still accepts, but no greeting ever comes."""
        self.controller.stop()
        self.controller = None
        self.tarpit = Tarpit(self.port)

    def unhang(self):
        self.tarpit.close()
        self.up()

    def down(self, grace=1.0):
        """Refuse new mail, let sends in progress finish, then close the port."""
        self.handler.refuse = True
        time.sleep(grace)
        if self.controller:
            self.controller.stop()
            self.controller = None


def socket_owner(local_port, remote_port, pids):
    """The pid among pids holding the loopback TCP connection local_port -> remote_port."""
    inode = None
    with open("/proc/net/tcp") as fh:
        for line in fh.readlines()[1:]:
            fields = line.split()
            local, remote = fields[1], fields[2]
            if (int(local.split(":")[1], 16) == local_port
                    and int(remote.split(":")[1], 16) == remote_port):
                inode = fields[9]
                break
    if inode is None:
        return None
    target = f"socket:[{inode}]"
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") == target:
                    return pid
            except OSError:
                continue
    return None
