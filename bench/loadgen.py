"""The HTTP load generator bench/api.py and bench/feeds.py share: keep-alive clients, and windows
in which they all send one request back to back, started together after a barrier."""

from __future__ import annotations

import http.client
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field


class Client:
    """One keep-alive HTTP/1.1 connection to the server (reopened after an error)."""

    def __init__(self, port: int, headers: dict[str, str] | None = None) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = headers or {}

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, http.client.HTTPResponse]:
        """(status, body, response) of a GET with this client's headers and ``headers``."""
        try:
            self.conn.request("GET", path, headers={**self.headers, **(headers or {})})
            response = self.conn.getresponse()
            return response.status, response.read(), response
        except (OSError, http.client.HTTPException):
            self.conn.close()  # http.client reconnects on the next request
            raise

    def close(self) -> None:
        self.conn.close()


@dataclass
class Window:
    """One measured window of all clients on one endpoint."""

    ok: int = 0
    elapsed: float = 0.0
    latency: float = 0.0  # summed over the successful requests
    failures: Counter = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        return self.ok / self.elapsed if self.elapsed else 0.0

    @property
    def mean_ms(self) -> float:
        return 1000 * self.latency / self.ok if self.ok else float("nan")


def run_window(
    clients: list[Client],
    path: str,
    seconds: float,
    *,
    check: Callable[[int, bytes], str | None],
    headers: dict[str, str] | None = None,
) -> Window:
    """All clients GET ``path`` back to back for ``seconds``; ``check`` turns each answer into a
    problem (counted as a failure) or None (counted, with its latency, as a success)."""
    barrier = threading.Barrier(len(clients))
    results: list[tuple[float, float, int, float, Counter]] = [(0.0, 0.0, 0, 0.0, Counter())] * len(clients)

    def work(i: int, client: Client) -> None:
        ok, latency, failures = 0, 0.0, Counter()
        barrier.wait()
        started = time.perf_counter()
        end = t1 = started + seconds
        while (t0 := time.perf_counter()) < end:
            try:
                status, body, _ = client.get(path, headers)
                problem = check(status, body)
            except (OSError, http.client.HTTPException) as exc:
                problem = f"{type(exc).__name__}: {exc}"
            t1 = time.perf_counter()
            if problem is None:
                ok += 1
                latency += t1 - t0
            else:
                failures[problem] += 1
        results[i] = (started, max(t1, started), ok, latency, failures)

    threads = [threading.Thread(target=work, args=(i, c), name=f"client-{i}") for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    window = Window(elapsed=max(r[1] for r in results) - min(r[0] for r in results))
    for _, _, ok, latency, failures in results:
        window.ok += ok
        window.latency += latency
        window.failures.update(failures)
    return window
