"""A process killed between storing a price drop and queueing its alert loses neither (real SIGKILL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from pricewatch.models import AlertKind, AlertRule, TaskState
from tests.support.checks import fast_app
from tests.support.pages import product_page
from tests.support.pageserver import PageServer

# Runs one check in a fresh process that kills itself with SIGKILL the moment the reading is stored and the
# alert rules are about to be evaluated: the latest point at which the two used to be separate commits.
CRASHING_CHECK = """
import os, signal, sys
from pricewatch.tasks.builtin import price_tracking
from tests.support.checks import fast_app

def crash(ctx, outcome):
    os.kill(os.getpid(), signal.SIGKILL)

price_tracking.submit_alerts = crash
app = fast_app("sync")
app.start(scheduler=False)
app.check_product(int(sys.argv[1]))
"""


def test_a_kill_between_the_reading_and_its_alert_fires_the_alert_once(
    page_server: PageServer, pricewatch_home: Path
) -> None:
    url = page_server.add("/kettle", product_page("Kettle", "30.00"))
    app = fast_app("sync")
    try:
        pid = app.add_product(url).id or 0
        app.set_alert_rules(pid, [AlertRule(pid, AlertKind.ANY_DROP)])
        app.start(scheduler=False)
        assert app.wait_for_task(app.check_product(pid), timeout=30).state is TaskState.SUCCESS
    finally:
        app.close()
    page_server.add("/kettle", product_page("Kettle", "25.00"))

    env = dict(os.environ, PRICEWATCH_HOME=str(pricewatch_home), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [sys.executable, "-c", CRASHING_CHECK, str(pid)], env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr

    again = fast_app("threads")  # the next start runs the check the killed process left
    try:
        again.start(scheduler=False)
        checks = again.list_tasks(name="price_tracking.check_product_price")
        killed = next(t for t in checks if t.state is not TaskState.SUCCESS or t.result is None)
        assert again.wait_for_task(killed.id, timeout=30).state is TaskState.SUCCESS
        assert again.get_product(pid).price == Decimal("25.00")
        sends = again.list_tasks(name="notifications.send")
        assert len(sends) == 1, sends
        assert again.wait_for_task(sends[0].id, timeout=30).state.is_final
        assert len(again.list_notifications(product_id=pid)) == 1
    finally:
        again.close()
