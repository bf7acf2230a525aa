"""The drill's SMTP server: counts accepted mail per recipient; can go down, or hold mail."""

import asyncio
import collections
import os
import threading
import time


class Handler:
    """aiosmtpd handler. A message counts once the server accepts it (answers 250)."""

    def __init__(self):
        self.received = collections.Counter()  # recipient -> accepted mails
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
        for recipient in envelope.rcpt_tos:
            self.received[recipient.lower()] += 1
        self.total += 1
        return "250 OK"


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
