"""gunicorn settings hooks for the metrics of several workers: ``gunicorn -c python:dudao.ops.gunicorn``.

With ``PROMETHEUS_MULTIPROC_DIR`` set, the master empties that directory when it starts (counters
begin at zero with the server) and marks a worker's gauges dead when the worker exits; the counters a
dead worker wrote are kept, so totals never go back.
"""

import glob
import os


def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        os.makedirs(directory, exist_ok=True)
        for path in glob.glob(os.path.join(directory, "*.db")):
            os.remove(path)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
