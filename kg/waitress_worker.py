"""A gunicorn worker that serves its connections with waitress.

gunicorn stays the process manager (preloaded application, worker processes, restarts, signals,
the listening sockets); inside each worker, waitress does the HTTP. Waitress reads every request
(headers and body) and writes every response on one event loop, and hands a request to one of its
threads only once it has arrived whole, so clients that trickle bytes cost a socket and a buffer
each, never a thread. Its threads only run the application, which mostly waits on query processes.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import waitress
from gunicorn.workers.base import Worker

#: seconds of silence after which waitress closes a connection (idle, or a stalled request)
CHANNEL_TIMEOUT = 30
#: the largest request body waitress reads (larger: 413 from waitress, which closes the connection
#: while the client may still be sending); the application's own limit is smaller and answers
#: first, with its own message, once the body has arrived
MAX_BODY_BYTES = 2 * 1024 * 1024
#: seconds between two heartbeats to the gunicorn arbiter
HEARTBEAT = 1.0


class WaitressWorker(Worker):  # type: ignore[misc]
    """Serve the worker's listening sockets with a waitress server of ``threads`` threads.

    ``worker_connections`` bounds the open connections of one worker (waitress stops accepting
    above it); ``keepalive`` is not used: waitress closes any connection silent for
    :data:`CHANNEL_TIMEOUT` seconds.
    """

    def _create_server(self) -> Any:
        return waitress.create_server(
            self.wsgi,
            sockets=[listener.sock for listener in self.sockets],
            threads=self.cfg.threads,
            connection_limit=self.cfg.worker_connections,
            channel_timeout=CHANNEL_TIMEOUT,
            max_request_body_size=MAX_BODY_BYTES,
            asyncore_use_poll=True,  # select() stops at 1024 descriptors
            clear_untrusted_proxy_headers=True,
            ident="kg",
        )

    def run(self) -> None:
        """Serve until gunicorn asks this worker to stop or its parent goes away."""
        server = self._create_server()
        loop = threading.Thread(target=server.run, name="waitress-loop", daemon=True)
        loop.start()
        wake = threading.Event()
        while self.alive and loop.is_alive() and os.getppid() == self.ppid:
            self.notify()
            wake.wait(HEARTBEAT)
        server.close()
        server.task_dispatcher.shutdown(timeout=self.cfg.graceful_timeout)
