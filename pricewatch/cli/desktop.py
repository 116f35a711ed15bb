"""``pricewatch install-desktop``: the applications menu entry, its icon, and the login autostart entry."""

from __future__ import annotations

import argparse

from pricewatch.cli.common import EXIT_IO, UserError
from pricewatch.desktop import entries


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    install = subparsers.add_parser(
        "install-desktop",
        help="add PriceWatch to the applications menu (and, with --autostart, start it at login)",
        description="Write PriceWatch's desktop entry and icon into your applications menu folder "
        "($XDG_DATA_HOME/applications, icons/hicolor); --autostart also starts it in the tray at login "
        "($XDG_CONFIG_HOME/autostart).",
    )
    install.add_argument(
        "--autostart", action="store_true", help="also start PriceWatch (in the tray) at login"
    )
    install.add_argument(
        "--remove", action="store_true", help="remove the menu entry, icon and autostart entry"
    )
    install.set_defaults(func=cmd_install_desktop)


def cmd_install_desktop(args: argparse.Namespace) -> int:
    try:
        if args.remove:
            removed = [*entries.remove_menu_entry()]
            autostart = entries.autostart_path()
            if autostart.exists():
                entries.set_autostart(False)
                removed.append(autostart)
            for path in removed:
                print(f"removed {path}")
            if not removed:
                print("nothing to remove: PriceWatch is not in the applications menu")
            return 0
        for path in entries.install_menu_entry():
            print(f"wrote {path}")
        if args.autostart:
            print(f"wrote {entries.set_autostart(True)} (PriceWatch starts in the tray at login)")
    except OSError as exc:
        raise UserError(
            f"cannot write {exc.filename or 'the desktop entry'}: {exc.strerror}", EXIT_IO
        ) from None
    return 0
