"""The token store answers from memory between looks at the file, and never misses a change for long."""

from __future__ import annotations

import os
import time
from pathlib import Path

from pricewatch.api_token import RECHECK, TokenStore, new_token


def test_a_token_replaced_in_this_process_counts_at_once(tmp_path: Path) -> None:
    server, dialog = TokenStore(tmp_path / "api-token"), TokenStore(tmp_path / "api-token")
    old = server.get_or_create()
    assert server.matches(old)
    new = dialog.replace(new_token())  # another store of the same file, as the settings dialog's
    assert not server.matches(old) and server.matches(new)


def test_a_token_replaced_by_another_process_counts_after_the_next_look(tmp_path: Path) -> None:
    path = tmp_path / "api-token"
    server = TokenStore(path)
    old = server.get_or_create()
    assert server.matches(old)
    new = new_token()
    tmp = path.with_name("elsewhere.tmp")  # as another process's TokenStore writes it
    tmp.write_text(new + "\n", encoding="utf-8")
    os.replace(tmp, path)
    time.sleep(RECHECK)
    assert not server.matches(old) and server.matches(new)
