"""Living on a desktop: the start-up check for system libraries, the applications menu and autostart entries,
and one window per data folder.

Nothing is imported here: :mod:`pricewatch.desktop.preflight` runs before any Qt module loads, and only
:mod:`pricewatch.desktop.instance` uses Qt (QtNetwork's local sockets).
"""
