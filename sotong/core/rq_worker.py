"""The RQ worker the scaled shape runs (``sotong worker`` with REDIS_URL).

RQ's worker listens for commands (stop a job, shut down) on a pub/sub thread that waits up to 60 s for
a message. Since redis-py 8.2, stopping that thread waits until the wait ends, and on a loaded machine
the thread can start a fresh 60 s wait between RQ's UNSUBSCRIBE and the stop: ``--burst`` then takes a
minute to exit, and a worker asked to stop lingers as long (measured: 64 s in 2 of 12 runs with four
busy cores' worth of load, 1.7 s otherwise). A one-second wait bounds that at a second; the thread
still answers a command as soon as it arrives, since the wait ends on a message.
"""

from __future__ import annotations

from rq.worker import SimpleWorker

#: Longest wait of the command-listening thread, so the longest a stopping worker waits for it.
PUBSUB_WAIT_SECONDS = 1.0


class Worker(SimpleWorker):
    """SimpleWorker (each job runs in this process, so models loaded once stay loaded: decision 0045)
    whose command listener stops within a second."""

    def subscribe(self) -> None:
        self.log.info("Worker %s: subscribing to channel %s", self.name, self.pubsub_channel_name)
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(  # type: ignore[assignment]  # RQ declares it None
            sleep_time=PUBSUB_WAIT_SECONDS, daemon=True, exception_handler=self._pubsub_exception_handler
        )
