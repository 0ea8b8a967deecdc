"""
gunicorn's configuration for production and `make serve`:
`gunicorn -c gunicorn.conf.py redeeming_hope.wsgi`.

Every value can be changed from the environment (GUNICORN_* or the names below), so
one file serves a laptop, a container and a large server alike.
"""

import multiprocessing
import os

# Where to listen: a load balancer or reverse proxy sits in front in production.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Threaded workers (gthread): each process serves GUNICORN_THREADS requests at
# once. Pages are CPU-bound Python with short database and cache calls, so the
# processes keep the cores busy (twice the cores plus one: the cores this
# process may use, which Python 3.13 reads from CPU affinity, e.g. taskset or a
# container's cpuset, not all of the host's); the threads keep a request that
# waits on the network (Stripe, at most STRIPE_PAGE_TIMEOUT_SECONDS) from
# holding a whole process: with sync workers, 8 checkouts waiting on a hanging
# Stripe held every worker and the About page waited with them. Each thread has
# its own database connection: processes x threads connections per server.
_cores = getattr(os, "process_cpu_count", multiprocessing.cpu_count)() or 1
workers = int(os.environ.get("WEB_CONCURRENCY", _cores * 2 + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# A worker whose main loop is stuck this long is replaced (with gthread one slow
# request does not stop the loop; Stripe calls a visitor waits on give up after
# STRIPE_PAGE_TIMEOUT_SECONDS, 5 s, and background ones are not on this path).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On a restart (HUP) or shutdown (TERM), workers finish what they serve first.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Connections kept open behind a load balancer that reuses them.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# Replace each worker after many requests (with jitter, so not all at once): a
# slow leak never grows without bound. Cached pages are served at ~1,000/s per
# worker, and a new worker costs about a second of CPU to start: a few thousand
# would restart every worker every few seconds under load.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "5000"))

# Not preloaded by default, so that a graceful restart (`kill -HUP <master>`)
# starts new workers on the new code while the old ones finish their requests. Set
# GUNICORN_PRELOAD=1 to load the app once before forking (workers share its
# memory, a broken deploy fails at once), and then restart the master to deploy.
preload_app = os.environ.get("GUNICORN_PRELOAD", "0") == "1"

# Workers' heartbeat files in memory: a disk-backed /tmp (some containers) can
# stall the heartbeat and get healthy workers killed.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Logs to stdout/stderr, where the process manager collects them. The access log
# has no query strings (tokens and emails could be in them) and no client address;
# gunicorn's own lines ("Invalid request from ip=...") have the address as a
# keyed hash and no private link's secret.
# GUNICORN_ACCESS_LOG= (empty) turns the access log off.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
# Private links (an order's status page, a monthly gift's manage link) are
# written without their secret: redeeming_hope/access_log.py.
logger_class = "redeeming_hope.access_log.AccessLogger"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# No control socket (the same as --no-control-socket): its default path is one per
# user, so several servers on one host would fight over it.
control_socket_disable = True
proc_name = "redeeming-hope"

# Behind a proxy on the same host, trust its X-Forwarded-* headers only from it.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
