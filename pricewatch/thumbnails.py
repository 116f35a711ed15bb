"""Where product thumbnails live on disk: ``cache_dir/thumbs/<id>.img`` plus ``<id>.url`` (its source URL).

Plain files, no Qt: the image task writes them (raw bytes, never decoded), the GUI decodes them off its
thread, and removing a product removes them. The ``.url`` sidecar lets a changed image_url refetch; a
``.failed`` file holds an image URL that could not be fetched, so hourly checks do not ask the shop again
for a day.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

THUMBS_DIR = "thumbs"
RETRY_FAILED_AFTER = 24 * 3600  # seconds before an image URL that failed is tried again


def thumbs_dir(cache_dir: Path) -> Path:
    return cache_dir / THUMBS_DIR


def image_path(cache_dir: Path, product_id: int) -> Path:
    return thumbs_dir(cache_dir) / f"{int(product_id)}.img"


def source_path(cache_dir: Path, product_id: int) -> Path:
    return thumbs_dir(cache_dir) / f"{int(product_id)}.url"


def stored_source(cache_dir: Path, product_id: int) -> str | None:
    """The URL the stored thumbnail came from, or None when there is none (or only half of one)."""
    if not image_path(cache_dir, product_id).is_file():
        return None
    try:
        return source_path(cache_dir, product_id).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def has_thumbnail(cache_dir: Path, product_id: int, url: str) -> bool:
    return stored_source(cache_dir, product_id) == url


def failed_path(cache_dir: Path, product_id: int) -> Path:
    return thumbs_dir(cache_dir) / f"{int(product_id)}.failed"


def record_failure(cache_dir: Path, product_id: int, url: str) -> None:
    """Remember that ``url`` could not be fetched (its modification time says when)."""
    thumbs_dir(cache_dir).mkdir(parents=True, exist_ok=True)
    _write_atomic(failed_path(cache_dir, product_id), url.encode("utf-8"))


def failed_recently(cache_dir: Path, product_id: int, url: str, now: float | None = None) -> bool:
    """Whether fetching this very URL failed less than :data:`RETRY_FAILED_AFTER` seconds ago."""
    path = failed_path(cache_dir, product_id)
    try:
        if path.read_text(encoding="utf-8") != url:
            return False
        age = (time.time() if now is None else now) - path.stat().st_mtime
    except (OSError, UnicodeDecodeError):
        return False
    return age < RETRY_FAILED_AFTER


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_thumbnail(cache_dir: Path, product_id: int, url: str, data: bytes) -> Path:
    """Store the image bytes, then its source URL, each atomically (a crash between them only refetches)."""
    folder = thumbs_dir(cache_dir)
    folder.mkdir(parents=True, exist_ok=True)
    source_path(cache_dir, product_id).unlink(missing_ok=True)
    path = image_path(cache_dir, product_id)
    _write_atomic(path, data)
    _write_atomic(source_path(cache_dir, product_id), url.encode("utf-8"))
    return path


def remove_thumbnail(cache_dir: Path, product_id: int) -> None:
    for path in (
        image_path(cache_dir, product_id),
        source_path(cache_dir, product_id),
        failed_path(cache_dir, product_id),
    ):
        path.unlink(missing_ok=True)
