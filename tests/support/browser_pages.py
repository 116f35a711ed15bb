"""Pages that need a browser, served by the test page server (browser tests and the browser benchmark)."""

from __future__ import annotations

from tests.support.pageserver import PageServer
from tests.support.replies import Reply, Seen

HEAD = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>'

SCRIPT_PRICE = (
    HEAD.format(title="Script Kettle")
    + """<body><h1>Script Kettle</h1><div id="buy"></div>
<script>
window.addEventListener('load', function () {
  setTimeout(function () {
    document.getElementById('buy').innerHTML = '<span class="price">Price: 49.90 €</span>';
  }, 150);
});
</script></body></html>"""
)

FETCHED_PRICE = (
    HEAD.format(title="Fetched Toaster")
    + """<body><h1>Fetched Toaster</h1><p>A toaster with four slots, made of steel.</p>
<div id="buy">…</div>
<script>
setTimeout(function () {
  fetch('/api/price.json').then(function (r) { return r.json(); }).then(function (d) {
    var text = d.amount + ' ' + d.currency;
    document.getElementById('buy').innerHTML = '<span itemprop="price">' + text + '</span>';
  });
}, 200);
</script></body></html>"""
)
PRICE_JSON = '{"amount": "129.00", "currency": "EUR"}'

PLAIN_PRICE = (
    HEAD.format(title="Plain Lamp")
    + '<body><h1>Plain Lamp</h1><p class="price">Price: 19.99 €</p></body></html>'
)

CHALLENGE = (
    HEAD.format(title="Just a moment...")
    + """<body><div class="cf-browser-verification">Checking your browser before accessing the shop.</div>
<script>
setTimeout(function () {
  document.cookie = 'pw_check=passed; path=/; max-age=3600';
  location.reload();
}, 100);
</script></body></html>"""
)
GUARDED_PRICE = (
    HEAD.format(title="Guarded Blender")
    + '<body><h1>Guarded Blender</h1><p class="price">Price: 75.00 €</p></body></html>'
)

ENDLESS_LOOP = HEAD.format(title="Busy") + "<body><h1>Busy</h1><script>while (true) {}</script></body></html>"

HUGE_DOM = (
    HEAD.format(title="Huge")
    + """<body><div id="x"></div><script>
var part = '<p>' + 'x'.repeat(990) + '</p>', parts = [];
for (var i = 0; i < 50000; i++) parts.push(part);
document.getElementById('x').innerHTML = parts.join('');
</script></body></html>"""
)

POPUPS_AND_DOWNLOADS = (
    HEAD.format(title="Pushy")
    + """<body><h1>Pushy</h1><p>Price: 5.00 €</p>
<a id="dl" href="/file.bin" download>file</a>
<script>
window.open('/popup', '_blank');
window.open('/popup2');
document.getElementById('dl').click();
location.href = 'file:///etc/passwd';
Notification && Notification.requestPermission && Notification.requestPermission();
navigator.geolocation && navigator.geolocation.getCurrentPosition(function () {});
</script></body></html>"""
)


NEVER_LOADS = (
    HEAD.format(title="Never")
    + '<body><h1>Never</h1><script src="/slow.js"></script><p>Price: 1.00 €</p></body></html>'
)


def cookie_of(seen: Seen, name: str) -> str | None:
    for part in seen.headers.get("cookie", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def serve_shop(server: PageServer) -> None:
    """Every page above at its own path on ``server``."""
    server.add("/script", SCRIPT_PRICE)
    server.add("/fetched", FETCHED_PRICE)
    server.add("/api/price.json", PRICE_JSON, content_type="application/json")
    server.add("/plain", PLAIN_PRICE)
    server.add("/loop", ENDLESS_LOOP)
    server.add("/huge", HUGE_DOM)
    server.add("/pushy", POPUPS_AND_DOWNLOADS)
    server.add("/popup", PLAIN_PRICE)
    server.add("/popup2", PLAIN_PRICE)
    server.add("/never", NEVER_LOADS)
    server.add("/slow.js", "", delay=120, content_type="text/javascript")
    server.add("/file.bin", b"\0" * 1000, content_type="application/octet-stream")

    def guarded(seen: Seen) -> Reply:
        if cookie_of(seen, "pw_check") == "passed":
            return Reply(body=GUARDED_PRICE)
        return Reply(body=CHALLENGE, status=503)

    server.add_dynamic("/guarded", guarded)
