"""Which gunicorn worker holds each keep-alive connection (Linux /proc), to spread them evenly.

A gthread worker keeps the connections it accepted. Sixteen clients that connect at once
mostly land on one worker, and the run then measures one worker instead of two: the same
bench gave 1,500 or 2,700 bare requests/s depending on that draw.
"""

import glob
import os
from collections import Counter


def worker_pids(master_pid):
    """The pids of the master's child processes (its workers)."""
    pids = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat) as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process is gone
        if int(fields[1]) == master_pid:
            pids.append(int(stat.split("/")[2]))
    return pids


def _socket_owners(pids):
    owners = {}
    for pid in pids:
        for fd in glob.glob(f"/proc/{pid}/fd/*"):
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                owners[target[len("socket:["):-1]] = pid
    return owners


def connection_workers(master_pid, server_port):
    """Map each client port connected to server_port to the pid of the worker serving it."""
    owners = _socket_owners(worker_pids(master_pid))
    found = {}
    with open("/proc/net/tcp") as fh:
        next(fh)
        for line in fh:
            fields = line.split()
            local, remote, inode = fields[1], fields[2], fields[9]
            if int(local.rsplit(":", 1)[1], 16) == server_port and inode in owners:
                found[int(remote.rsplit(":", 1)[1], 16)] = owners[inode]
    return found


def spread(clients, master_pid, server_port, reconnect, attempts=500):
    """Reconnect clients until every worker holds the same number of them (within one).

    clients have a .port (their local port); reconnect(client) returns a new client.
    Returns the clients and how many connections each worker holds.
    """
    clients = list(clients)
    workers = worker_pids(master_pid)
    for _ in range(attempts):
        held = connection_workers(master_pid, server_port)
        where = {client: held.get(client.port) for client in clients}
        counts = Counter({pid: 0 for pid in workers})
        counts.update(where.values())
        if None not in counts and max(counts.values()) - min(counts.values()) <= 1:
            return clients, dict(counts)
        busiest = None if None in counts else max(counts, key=counts.get)
        moved = next(client for client in clients if where[client] == busiest)
        clients[clients.index(moved)] = reconnect(moved)
    raise RuntimeError(f"could not spread {len(clients)} connections over {len(workers)} workers")
