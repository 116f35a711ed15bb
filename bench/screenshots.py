"""Screenshots of the real window under Xvfb, with sample products served by a local HTTP server.

Usage: .venv/bin/python bench/screenshots.py [--out docs/screenshots]   (``make screenshots`` runs it)

Starts ``Xvfb`` on a free display, a page server with a few shop pages, a fresh PRICEWATCH_HOME with those
products and some price history, then the real MainWindow on Qt's xcb platform. It checks every product (so
the task table has a batch with children), adds a failing and a slow look-up, and saves PNGs of the main
window, a product's price history, the task table, the add dialog and the settings dialog. A second run
under LANG=tr_TR.UTF-8 saves the main window in Turkish (main-window-tr.png). The last line lists the
files.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZE = (1200, 720)  # the window's default size (gui/main_window.py DEFAULT_SIZE): every column fits
SAMPLES = [  # title, price now, currency, history (days ago, price, in stock), target
    ("Breville Barista Express espresso machine", "549.95", "EUR",
     [(88, "699.00", True), (61, "649.00", True), (40, "629.00", False), (33, "629.00", True),
      (19, "579.00", True), (6, "549.95", True)], "550"),
    ("Sony WH-1000XM5 wireless headphones", "299.00", "EUR",
     [(80, "379.00", True), (52, "349.00", True), (21, "319.00", True), (9, "329.00", True)], "280"),
    ("Osprey Atmos AG 65 backpack", "239.90", "EUR", [(70, "259.90", True), (28, "249.90", True)], None),
    ("LEGO Technic Porsche 911 GT3 RS", "329.99", "EUR",
     [(75, "369.99", True), (45, "349.99", False), (30, "349.99", True), (12, "339.99", True)], "300"),
    ("Kindle Paperwhite (16 GB)", "149.99", "EUR", [(60, "159.99", True), (25, "139.99", True)], "129"),
    ("Dyson V15 Detect cordless vacuum", "599.00", "EUR", [(90, "749.00", True), (35, "649.00", True)], None),
    ("Fjällräven Kånken classic", "89.95", "EUR", [(50, "99.95", True)], None),
    ("Samsung 990 PRO 2 TB NVMe SSD", "159.90", "EUR",
     [(85, "229.90", True), (66, "199.90", True), (37, "179.90", True), (14, "169.90", True)], "150"),
]  # fmt: skip


SHOPS = ("kaffeehaus.example", "soundstore.example", "outdoor-shop.example", "toyland.example")


def page(title: str, price: str, currency: str) -> str:
    import json

    data = {"@context": "https://schema.org", "@type": "Product", "name": title,
            "offers": {"@type": "Offer", "price": price, "priceCurrency": currency,
                       "availability": "https://schema.org/InStock"}}  # fmt: skip
    return (f"<!doctype html><html lang='en'><head><title>{title}</title>"
            f"<script type='application/ld+json'>{json.dumps(data)}</script></head>"
            f"<body><h1>{title}</h1><p>{price} {currency}</p></body></html>")  # fmt: skip


def offers_page(title: str, variants: list[tuple[str, str, str]]) -> str:
    import json

    offers = [{"@type": "Offer", "sku": sku, "name": f"{title}, {name}", "price": price,
               "priceCurrency": "EUR", "availability": "https://schema.org/InStock"}
              for sku, name, price in variants]  # fmt: skip
    data = {"@context": "https://schema.org", "@type": "Product", "name": title, "offers": offers}
    return (
        f"<!doctype html><html lang='en'><head><title>{title}</title>"
        f"<script type='application/ld+json'>{json.dumps(data)}</script></head><body></body></html>"
    )


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise SystemExit("Xvfb is not installed (make screenshots installs it as root: apt-get install xvfb)")
    for number in range(97, 140):
        if Path(f"/tmp/.X11-unix/X{number}").exists() or Path(f"/tmp/.X{number}-lock").exists():
            continue
        screen = f"{SIZE[0] + 200}x{SIZE[1] + 200}x24"
        proc = subprocess.Popen([xvfb, f":{number}", "-screen", "0", screen, "-nolisten", "tcp"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if Path(f"/tmp/.X11-unix/X{number}").exists():
                return proc, f":{number}"
            if proc.poll() is not None:
                break
            time.sleep(0.05)
        proc.kill()
    raise SystemExit("could not start Xvfb on any display")


def seed(app: object, server: object) -> list[int]:
    from pricewatch.models import Availability, PriceObservation, utcnow

    ids = []
    now = utcnow()
    for n, (title, price, currency, history, target) in enumerate(SAMPLES):
        url = server.add(f"/shop{n % 4}/item-{n}", page(title, price, currency))  # type: ignore[attr-defined]
        product = app.add_product(url, title=title, target_price=target)  # type: ignore[attr-defined]
        for days, old, in_stock in history:
            availability = Availability.IN_STOCK if in_stock else Availability.OUT_OF_STOCK
            app.observations.add(  # type: ignore[attr-defined]
                PriceObservation(
                    product.id, now - timedelta(days=days, hours=n), Decimal(old), currency, availability
                )
            )
        app._refresh_summary(product.id, currency)  # type: ignore[attr-defined]
        # the pages are served from 127.0.0.1; show the shop names a user would see
        app.products.set_fields(product.id, shop=SHOPS[n % len(SHOPS)])  # type: ignore[attr-defined]
        ids.append(product.id)
    app.update_product(ids[4], paused=True)  # type: ignore[attr-defined]  # a paused product looks paused
    # a page that has gone away: its row shows the warning sign and the reason, the batch "Done, 1 failed"
    gone = server.add("/shop3/item-gone", "this product is no longer available", status=404)  # type: ignore[attr-defined]
    product = app.add_product(gone, title="Nintendo Switch OLED (page removed by the shop)")  # type: ignore[attr-defined]
    app.observations.add(  # type: ignore[attr-defined]
        PriceObservation(
            product.id, now - timedelta(days=20), Decimal("319.00"), "EUR", Availability.IN_STOCK
        )
    )
    app._refresh_summary(product.id, "EUR")  # type: ignore[attr-defined]
    app.products.set_fields(product.id, shop=SHOPS[3])  # type: ignore[attr-defined]
    ids.append(product.id)
    return ids


def shoot(out: Path, only_main: bool = False) -> list[Path]:
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from pricewatch.app import PriceWatch
    from pricewatch.gui.application import configure_application
    from pricewatch.gui.language import WindowLanguage, chosen_language
    from pricewatch.gui.main_window import MainWindow
    from pricewatch.scheduling import Scheduler
    from tests.support.pageserver import PageServer

    qt_app = QApplication.instance() or QApplication([])
    configure_application(qt_app)  # type: ignore[arg-type]
    language = WindowLanguage(qt_app)  # type: ignore[arg-type]
    language.use(chosen_language(""))  # the system's (LANG), as the program does
    suffix = "" if language.code == "en" else f"-{language.code}"
    saved: list[Path] = []

    def pump(seconds: float) -> None:
        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()

    def wait(condition, timeout: float = 20) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while not condition() and time.monotonic() < deadline:
            pump(0.05)

    def save(widget: object, name: str) -> None:
        pump(0.4)  # let the window manager-less X server settle and the widgets repaint
        path = out / name
        widget.grab().save(str(path))  # type: ignore[attr-defined]
        saved.append(path)

    with PageServer() as server:
        app = PriceWatch(scheduler=Scheduler)
        app.settings.fetch.per_host_delay = 0.2
        app.settings.notify.desktop = False
        ids = seed(app, server)
        app.start(scheduler=True)
        window = MainWindow(app)
        window.resize(*SIZE)
        window.show()
        wait(lambda: window.product_sync.is_loaded)
        pump(0.5)
        batch = window.check_all()
        wait(lambda: (r := window.task_model.record(batch)) is not None and r.state.is_final, 60)
        app.scrape(server.add("/shop3/discontinued", "gone", status=404))
        app.scrape(server.add("/shop2/slow-page", page("Slow page", "10.00", "EUR"), delay=60))
        wait(lambda: window.task_model.counts().get("FAILURE", 0) >= 1, 20)  # type: ignore[call-overload]
        pump(1.5)
        window.products.table.selectRow(0)
        save(window, f"main-window{suffix}.png")  # the products are the window; work shows in the status bar
        if only_main:
            window.quit()
            app.close()
            return saved

        detail = window.show_detail(ids[0])
        assert detail is not None
        detail.resize(980, 680)
        wait(lambda: detail.loaded)
        detail.set_range(90)
        save(detail, "product-detail.png")
        detail.close()

        panel = window.task_panel
        # a batch's failed child, selected: its parent ("Done, 1 failed") opens and the error shows beside
        # (the scheduler's start-up run may hold the checks, so not necessarily ``batch``)
        failed = [r for r in app.list_tasks(state="FAILURE") if r.parent_id] or app.list_tasks(
            state="FAILURE"
        )
        if failed:
            panel.select_task(failed[0].id)
        window.show_tasks()
        window.resizeDocks([window.task_dock], [320], Qt.Orientation.Vertical)
        save(window, "task-table.png")  # opened from the status bar's activity indicator
        window.task_dock.hide()

        variants = [("HB-40", "40 cm", "79.00"), ("HB-55", "55 cm", "99.00"), ("HB-70", "70 cm", "119.00")]
        new_url = server.add("/shop1/hiking-backpack", offers_page("Trail hiking backpack", variants))
        dialog = window.add_product(new_url)
        wait(lambda: dialog.lookup.currentWidget() is dialog.lookup.found)
        save(dialog, "add-product.png")
        dialog.reject()
        settings = window.open_settings()
        save(settings, "settings.png")
        settings.reject()

        window.quit()
        app.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--display", help=argparse.SUPPRESS)
    parser.add_argument("--only-main", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.display:  # the child: run the window on the given X display
        saved = shoot(args.out, only_main=args.only_main)
        print(" ".join(f"screenshot={p.relative_to(ROOT) if p.is_relative_to(ROOT) else p}" for p in saved))
        return
    xvfb, display = start_xvfb()
    try:
        lines = []
        # English (Irish English: euros written the European way), then the main window in Turkish
        for lang, extra in (("en_IE.UTF-8", []), ("tr_TR.UTF-8", ["--only-main"])):
            with tempfile.TemporaryDirectory(prefix="pricewatch-shots-") as home:
                env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", PRICEWATCH_HOME=home,
                           LANG=lang, LC_ALL=lang)  # fmt: skip
                env.pop("WAYLAND_DISPLAY", None)
                env.pop("LANGUAGE", None)
                command = [sys.executable, __file__, "--display", display, "--out", str(args.out), *extra]
                proc = subprocess.run(command, env=env, text=True, capture_output=True, timeout=300)
                sys.stderr.write(proc.stderr[-4000:] if proc.returncode else "")
                if proc.returncode:
                    raise SystemExit(f"the screenshot run failed (exit {proc.returncode})")
                lines.append(proc.stdout.strip().splitlines()[-1])
        print(" ".join(lines))
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)


if __name__ == "__main__":
    main()
