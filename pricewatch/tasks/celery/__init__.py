"""``executor = "celery"``: the page reads of price checks run on Celery workers, on any machine.

The engine (the window or ``pricewatch serve``) stays the coordinator and the one writer of its SQLite data:
a check's row is journaled, run and finished here as with the ``threads`` executor; only its fetch and
extraction (pure, JSON in and out) travel to a worker as the Celery task ``pricewatch.read_page``. The
coordinator stores the reading, evaluates the alerts and sends the notifications.

- :mod:`.config`: the settings both sides share and the Celery app built from them.
- :mod:`.pages`: what a worker does with a request, and how its answer becomes a page read again.
- :mod:`.link`: the coordinator's side: sending, collecting results, falling back to local reads.
- :mod:`.remote`: the page reader the tasks use (workers when they answer, this process otherwise).
- :mod:`.worker`: ``pricewatch worker``.

Nothing here imports Celery or Redis at import time of the package: only building an app does.
"""
