"""``pricewatch tasks``: list (the default), show, cancel, retry, run; against the real journal file."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from pricewatch.cli import main
from pricewatch.models import TaskRecord, TaskState, utcnow
from tests.support.tasks import Lab, make_app


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def journal(lab: Lab) -> dict[str, str]:
    """A few finished tasks and one waiting for a retry far in the future."""
    app = make_app("sync")
    app.save_settings()  # the short retry delays, for the commands' own facade
    try:
        ids = {
            "ok": app.submit_task("test.echo", kwargs={"value": "hi"}),
            "boom": app.submit_task("test.boom"),
            "batch": app.submit_task("test.batch", kwargs={"values": [1, 2]}),
        }
        waiting = TaskRecord(
            id="f" * 32, name="test.flaky", state=TaskState.RETRY, retries=1,
            eta=utcnow() + timedelta(hours=1), error="TransientError: \x1b[31mdown",
        )  # fmt: skip
        app.task_records.insert(waiting)
        ids["waiting"] = waiting.id
    finally:
        app.close()
    return ids


def test_tasks_alone_lists_newest_first(capsys: pytest.CaptureFixture[str], journal: dict[str, str]) -> None:
    code, out, _ = cli(capsys, "tasks")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["ID", "STATE", "NAME"]
    assert len(lines) == 1 + 6  # ok, boom, batch and its two children, waiting
    assert lines[1].startswith(journal["waiting"]) and "RETRY" in lines[1]
    assert "\x1b" not in out  # control characters from error text are not printed
    assert any(line.startswith(journal["boom"]) and "RuntimeError: boom" in line for line in lines)


def test_list_filters_and_json(capsys: pytest.CaptureFixture[str], journal: dict[str, str]) -> None:
    code, out, _ = cli(capsys, "tasks", "--state", "failure", "--json")
    data = json.loads(out)
    assert code == 0 and [t["id"] for t in data] == [journal["boom"]]
    assert data[0]["state"] == "FAILURE" and "RuntimeError" in data[0]["traceback"]
    _, out, _ = cli(capsys, "tasks", "list", "--name", "test.echo", "--json")
    assert sorted(str(t["kwargs"]["value"]) for t in json.loads(out)) == ["1", "2", "hi"]
    _, out, _ = cli(capsys, "tasks", "--limit", "2", "--json")
    assert len(json.loads(out)) == 2
    code, _, err = cli(capsys, "tasks", "--limit", "0")
    assert code == 2 and "--limit" in err


def test_show_prints_the_record_and_children(
    capsys: pytest.CaptureFixture[str], journal: dict[str, str]
) -> None:
    code, out, _ = cli(capsys, "tasks", "show", journal["boom"])
    assert code == 0 and "test.boom  FAILURE" in out and "traceback:" in out and "RuntimeError: boom" in out
    _, out, _ = cli(capsys, "tasks", "show", journal["batch"])
    assert "children:    2 SUCCESS" in out
    _, out, _ = cli(capsys, "tasks", "show", journal["batch"], "--json")
    data = json.loads(out)
    assert data["result"]["succeeded"] == 2 and len(data["children"]) == 2
    code, _, err = cli(capsys, "tasks", "show", "nope")
    assert code == 3 and "no task with id nope" in err


def test_cancel_and_retry(capsys: pytest.CaptureFixture[str], journal: dict[str, str], lab: Lab) -> None:
    code, out, _ = cli(capsys, "tasks", "cancel", journal["waiting"])
    assert code == 0 and "revoked" in out
    code, out, _ = cli(capsys, "tasks", "cancel", journal["ok"])
    assert code == 0 and "already finished (SUCCESS)" in out
    code, out, _ = cli(capsys, "tasks", "retry", journal["waiting"])
    assert code == 0 and out.startswith("queued again as task ") and out.endswith(": SUCCESS\n")
    new_id = out.split()[-2].rstrip(":")
    app = make_app("sync")
    try:
        assert app.get_task(new_id).name == "test.flaky" and app.get_task(new_id).retries == 2
        assert app.get_task(journal["waiting"]).state is TaskState.REVOKED
    finally:
        app.close()
    code, _, err = cli(capsys, "tasks", "retry", journal["ok"])
    assert code == 2 and "only failed or revoked" in err


def test_run_executes_inline_and_prints_the_record(capsys: pytest.CaptureFixture[str], lab: Lab) -> None:
    code, out, _ = cli(capsys, "tasks", "run", "test.echo", "--arg", 'value={"n": 1}', "--json")
    data = json.loads(out)
    assert code == 0 and data["state"] == "SUCCESS" and data["result"] == {"n": 1} and data["priority"] == 10
    code, out, _ = cli(capsys, "tasks", "run", "test.echo", "--arg", "value=plain text")
    assert code == 0 and 'result:      "plain text"' in out
    code, out, _ = cli(capsys, "tasks", "run", "test.boom")
    assert code == 1 and "FAILURE" in out
    code, _, err = cli(capsys, "tasks", "run", "test.nope")
    assert code == 2 and "unknown task 'test.nope'" in err and "test.echo" in err
    code, _, err = cli(capsys, "tasks", "run", "test.echo", "--arg", "novalue")
    assert code == 2 and "KEY=VALUE" in err


def test_no_tasks_yet(capsys: pytest.CaptureFixture[str], lab: Lab) -> None:
    assert cli(capsys, "tasks")[1] == "no tasks\n"
