"""A lean keep-alive HTTP/1.1 client for load runs: prepared bytes out, status and body in.

On this 2-core machine the load client shares the cores with the server it measures.
http.client spent 0.18 ms of CPU per beacon (0.59 of the 2 cores at full load) against the
server's 0.36 ms, so it capped the beacon's figure, not the server. This client parses only
the status line and Content-Length; bench_readers.py drives the signup and the beacon with
it, so both are measured the same way.
"""

import socket

HEAD_END = b"\r\n\r\n"


class LeanConnection:
    def __init__(self, port, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.pending = b""

    @property
    def port(self):
        """The local port (which gunicorn worker holds it: worker_connections.py)."""
        return self.sock.getsockname()[1]

    def close(self):
        self.sock.close()

    def exchange(self, request):
        """Send request (bytes of one whole HTTP request); (status, headers, body) back.

        Raises ConnectionError when the server closed the connection (an idle keep-alive
        one, say): the caller opens a new one.
        """
        self.sock.sendall(request)
        data = self.pending
        while HEAD_END not in data:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionResetError("the server closed the connection")
            data += chunk
        head, _, rest = data.partition(HEAD_END)
        status = int(head[9:12])
        length = 0
        lowered = head.lower()
        at = lowered.find(b"\r\ncontent-length:")
        if at >= 0:
            end = lowered.find(b"\r\n", at + 2)
            length = int(lowered[at + 17:end if end >= 0 else len(lowered)])
        while len(rest) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionResetError("the server closed the connection")
            rest += chunk
        self.pending = rest[length:]
        return status, head, rest[:length]


def request(method, path, headers=None, body=b""):
    """The bytes of one request (body as bytes)."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}",
             *(f"{name}: {value}" for name, value in (headers or {}).items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def header(head, name):
    """The first value of header name in a response head (bytes), as text, or ""."""
    for line in head.split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == name.lower().encode():
            return value.strip().decode("latin-1")
    return ""
