"""What the browser fetcher needs to know, as plain data (built from ``settings.browser`` and the paths)."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pricewatch import __version__

if TYPE_CHECKING:
    from pricewatch.config import Paths, Settings

PROGRAM_TOKEN = f"PriceWatch/{__version__}"


@dataclass(frozen=True, slots=True)
class BrowserSettings:
    """Limits and manners of the browser fetcher.

    Attributes:
        folder: the persistent browser profile and cookie file live here (owner-only).
        pages: pages rendered at the same time; queue_limit: fetches waiting beyond them before refusal.
        deadline: seconds a page may take to settle (load, scripts, the price appearing).
        recycle_after_pages / memory_ceiling_mb: the helper is restarted after that many pages, or when it and
            its renderers use more memory than that after a page.
        user_agent: empty for the browser's own user agent with the program's name appended.
        proxy: ``http://host:port`` or ``socks5://host:port``, or empty.
        max_html_bytes: a rendered page larger than this is refused (kind ``too_large``).
    """

    folder: Path
    pages: int = 2
    queue_limit: int = 50
    deadline: float = 30.0
    recycle_after_pages: int = 200
    memory_ceiling_mb: int = 450
    user_agent: str = ""
    proxy: str = ""
    max_html_bytes: int = 10_000_000
    start_timeout: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings, paths: Paths) -> BrowserSettings:
        options = settings.browser
        return cls(
            folder=browser_folder(paths),
            pages=options.pages,
            queue_limit=options.queue_limit,
            deadline=options.deadline,
            recycle_after_pages=options.recycle_after_pages,
            memory_ceiling_mb=options.memory_ceiling_mb,
            user_agent=options.user_agent,
            proxy=settings.fetch.proxy,
            max_html_bytes=int(settings.fetch.max_body_mb * 1_000_000),
        )

    @property
    def cookie_file(self) -> Path:
        return self.folder / "cookies.json"

    def helper_config(self, profile: str) -> dict[str, Any]:
        """What the helper process is started with (JSON on its command line)."""
        data = asdict(self)
        data["folder"] = str(self.folder)
        data["profile"] = profile
        return data


def browser_folder(paths: Paths) -> Path:
    return paths.data_dir / "browser"


def ensure_private_folder(folder: Path) -> Path:
    """Create ``folder`` readable by its owner only (profiles hold logins)."""
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


def user_agent_for(browser_default: str, configured: str) -> str:
    """The configured user agent, or the browser's own with the program's name appended."""
    if configured.strip():
        return configured.strip()
    return f"{browser_default} {PROGRAM_TOKEN}"
