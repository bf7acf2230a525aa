"""A TCP proxy for tests that can freeze: connections stay open and nothing is forwarded.

That is how a hung server looks from outside (a stopped process, a full disk, a lost
route): the port accepts, the socket stays open, and no answer ever comes. thaw() makes
it forward again, including what the client sent meanwhile, as a resumed server would.
"""

import select
import socket
import threading


class FreezeProxy:
    """Forward 127.0.0.1:port to target; freeze() holds every byte, thaw() lets them go."""

    def __init__(self, target_port, target_host="127.0.0.1"):
        self.target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.port = self._listener.getsockname()[1]
        self._running = threading.Event()
        self._running.set()
        self._thawed = threading.Event()
        self._thawed.set()
        self._lock = threading.Lock()
        self._sockets = set()
        self._threads = [threading.Thread(target=self._accept, daemon=True,
                                          name=f"freeze-proxy-{self.port}")]
        self._threads[0].start()

    @property
    def frozen(self):
        return not self._thawed.is_set()

    def freeze(self):
        """Stop forwarding: open connections hang, new ones are accepted and hang too."""
        self._thawed.clear()

    def thaw(self):
        """Forward again, what was held first."""
        self._thawed.set()

    def close(self):
        self._running.clear()
        self._thawed.set()
        self._listener.close()
        with self._lock:
            for sock in self._sockets:
                sock.close()
        for thread in self._threads:
            thread.join(5)

    def _track(self, sock):
        with self._lock:
            self._sockets.add(sock)
        return sock

    def _accept(self):
        while self._running.is_set():
            try:
                readable, _, _ = select.select([self._listener], [], [], 0.1)
                if not readable:
                    continue
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            thread = threading.Thread(target=self._relay, args=(self._track(client),),
                                      daemon=True)
            with self._lock:
                self._threads.append(thread)
            thread.start()

    def _wait_thawed(self):
        while self._running.is_set() and not self._thawed.wait(0.05):
            pass
        return self._running.is_set()

    def _relay(self, client):
        if not self._wait_thawed():
            return
        try:
            upstream = self._track(socket.create_connection(self.target, timeout=5))
        except OSError:
            client.close()
            return
        peer = {client: upstream, upstream: client}
        try:
            while self._wait_thawed():
                readable, _, _ = select.select(list(peer), [], [], 0.05)
                for sock in readable:
                    if self.frozen:
                        break  # leave the bytes in the kernel until thawed
                    data = sock.recv(65536)
                    if not data:
                        return
                    peer[sock].sendall(data)
        except OSError:
            return
        finally:
            client.close()
            upstream.close()
