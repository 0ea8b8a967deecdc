"""
gunicorn's configuration for production and `make serve`
(`gunicorn -c gunicorn.conf.py`).

Every value can be changed from the environment (GUNICORN_* or the names below), so
one file serves a laptop, a container and a large server alike.
"""

import multiprocessing
import os

# Where to listen: a load balancer or reverse proxy sits in front in production.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: the app is CPU-bound Python with short database and cache calls.
# Twice the cores plus one keeps every core busy while another worker waits on I/O.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"

# A request that takes longer than this is stuck: the worker is replaced. Stripe
# calls give up after STRIPE_TIMEOUT_SECONDS (10 s) with one retry, well inside it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On a restart (HUP) or shutdown (TERM), workers finish what they serve first.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Connections kept open behind a load balancer that reuses them.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# Replace each worker after a few thousand requests (with jitter, so not all at
# once): a slow leak never grows without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "500"))

# Load the app before forking: workers share its memory, and a broken deploy fails
# at once instead of in every worker.
preload_app = True

# Logs to stdout/stderr, where the process manager collects them. The access log
# has no query strings (tokens and emails could be in them) and no client address.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# No control socket: several servers on one host must not share one.
control_socket_disable = True

# Behind a proxy on the same host, trust its X-Forwarded-* headers only from it.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
