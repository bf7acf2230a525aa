"""Group commit: writes that arrive together in one process share a transaction.

The first request to arrive writes its job at once. Requests that arrive while that
transaction runs queue up, and the next of them writes all the queued jobs in one
transaction: one BEGIN and one COMMIT (and, on SQLite, one turn of the file's single
write lock) for the lot. Every request waits until the transaction holding its own job
has committed, so an answer still means a stored row. A batch that fails is written
again one job at a time, so a bad job fails alone and the others are kept.
"""

import threading

_UNWRITTEN = object()


class _Job:
    __slots__ = ("item", "result", "error", "finished", "wake")

    def __init__(self, item):
        self.item = item
        self.result = _UNWRITTEN
        self.error = None
        self.finished = False
        self.wake = threading.Event()

    def outcome(self):
        if self.error is not None:
            raise self.error
        if self.result is _UNWRITTEN:
            # The thread writing the batch was interrupted: never report a write that
            # may not have happened as done.
            raise RuntimeError("group commit: the batch holding this job was not written")
        return self.result


class GroupCommit:
    """Run write(items) -> [result per item] for jobs submitted from many threads.

    write must be all or nothing: it commits every item or raises and commits none.
    """

    def __init__(self, write, max_batch=64):
        self._write = write
        self.max_batch = max_batch
        self._lock = threading.Lock()
        self._queue = []
        self._writing = False

    def submit(self, item):
        """Write item (with whatever else is waiting) and return its result, or raise."""
        job = _Job(item)
        with self._lock:
            self._queue.append(job)
            leads = not self._writing
            self._writing = True
        if not leads:
            job.wake.wait()  # set when the job is written, or when it is its turn to lead
        if not job.finished:
            self._write_next_batch()
        return job.outcome()

    def _write_next_batch(self):
        with self._lock:
            batch = self._queue[:self.max_batch]
            del self._queue[:self.max_batch]
        try:
            self._settle(batch)
        finally:
            with self._lock:
                if self._queue:
                    self._queue[0].wake.set()  # the oldest waiting job writes the next batch
                else:
                    self._writing = False
            for job in batch:
                job.finished = True
                job.wake.set()

    def _settle(self, batch):
        try:
            results = self._write([job.item for job in batch])
        except Exception as error:
            if len(batch) == 1:
                batch[0].error = error
                return
            for job in batch:  # Find the job that failed; keep the others.
                self._settle([job])
            return
        for job, result in zip(batch, results, strict=True):
            job.result = result
