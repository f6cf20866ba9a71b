"""gunicorn's configuration for Pathways (decision 0016), read by `pathways serve` and by
gunicorn run directly:

    gunicorn -c python:pathways.web.gunicorn_conf

Each value may be changed from the environment (the names below), and gunicorn's own
command-line options override both. Times are in seconds.

- PATHWAYS_BIND: where to listen (default 127.0.0.1:8000; behind the TLS proxy, never
  on a public address), e.g. `0.0.0.0:8000` or `unix:/run/pathways/web.sock`.
- PATHWAYS_WORKERS (or WEB_CONCURRENCY): processes, default 2 per core plus 1, at most 9.
- PATHWAYS_THREADS: threads per process, default 4. Each thread holds its own database
  connection: workers x threads connections, which PostgreSQL's max_connections (100 by
  default) must allow beside the background worker and the commands.
- PATHWAYS_TIMEOUT: a process silent this long is killed and replaced (default 60).
- PATHWAYS_GRACEFUL_TIMEOUT: on SIGTERM or SIGHUP, requests under way get this long to
  finish before their process is killed (default 30).
- PATHWAYS_KEEPALIVE: an idle connection is closed after this long (default 75).
"""

from __future__ import annotations

import os
from typing import Any


def _number(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    value = int(raw)
    if value < 1:
        raise ValueError(f"{name}: {raw!r} is not a positive number")
    return value


def default_workers() -> int:
    """gunicorn's advice, two processes per core plus one, capped: each process holds
    Pathways in memory (about 250 MB) and its threads' database connections."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(2 * (cores or 1) + 1, 9)


wsgi_app = "pathways.wsgi:application"
bind = [os.environ.get("PATHWAYS_BIND", "").strip() or "127.0.0.1:8000"]
workers = _number("PATHWAYS_WORKERS", _number("WEB_CONCURRENCY", default_workers()))
# Threads, not more processes: a request mostly waits for the database.
worker_class = "gthread"
threads = _number("PATHWAYS_THREADS", 4)
timeout = _number("PATHWAYS_TIMEOUT", 60)
graceful_timeout = _number("PATHWAYS_GRACEFUL_TIMEOUT", 30)
# The TLS proxy keeps connections open to gunicorn between requests. Longer than the
# proxy's own idle limit (nginx: 60 s), so the proxy is the one to close an idle
# connection: closed here first, a request the proxy sends on it at that instant is lost
# ("connection reset"; seen under load at 5 s).
keepalive = _number("PATHWAYS_KEEPALIVE", 75)
# A process is replaced, gracefully, after about this many requests: memory a long-lived
# process gathers (caches, fragmentation) is given back without a restart.
max_requests = 2000
max_requests_jitter = 200
# Not preloaded: each process imports Pathways itself, so SIGHUP (a graceful reload)
# starts processes running the code on disk, which an upgrade relies on.
preload_app = False
proc_name = "pathways-web"
# Access log to standard output (the journal, under systemd), with the path but never the
# query string or the referring address: a search's query string holds a name.
accesslog = "-"
errorlog = "-"
# The request's id last (the X-Request-ID Pathways answers with, the proxy's where it
# gave one): the same id as the access audit's rows for the request.
access_log_format = (
    '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s" %({x-request-id}o)s'
)
# gunicorn's control socket is per user, not per server: two servers on one host (a test
# beside a demo) would fight over it. Reload and stop with signals (docs/deployment.md).
control_socket_disable = True


def post_worker_init(worker: Any) -> None:
    """Before a process takes its first request, import every page and endpoint (the
    URLconf): otherwise the first request each process serves waits seconds for it."""
    from django.urls import get_resolver

    patterns = get_resolver().url_patterns
    worker.log.debug("URLconf imported: %d patterns", len(patterns))
