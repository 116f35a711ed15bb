"""Product thumbnails end to end without Qt: a real page server, the real fetcher, the engine, real files."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pricewatch import thumbnails
from pricewatch.app import PriceWatch
from pricewatch.errors import PermanentError
from pricewatch.models import TaskState
from tests.support.checks import fast_app, run
from tests.support.images import page_with_image, png_bytes
from tests.support.pageserver import PageServer

PNG = png_bytes()


@pytest.fixture
def app() -> Iterator[PriceWatch]:
    app = fast_app()
    yield app
    app.close()


def thumb_tasks(app: PriceWatch) -> list:
    return app.list_tasks(name="images.fetch_thumbnail")


def test_check_fetches_and_stores_the_thumbnail(app: PriceWatch, page_server: PageServer) -> None:
    image = page_server.add("/img/kettle.png", PNG, headers={"Content-Type": "image/png"})
    url = page_server.add("/kettle", page_with_image(image))
    product = app.add_product(url)
    assert product.id is not None

    check = run(app, app.check_product(product.id))
    assert check.state is TaskState.SUCCESS, check.error
    [task] = thumb_tasks(app)
    assert task.state is TaskState.SUCCESS, task.error
    assert task.parent_id == check.id
    path = thumbnails.image_path(app.paths.cache_dir, product.id)
    assert path.read_bytes() == PNG
    assert thumbnails.stored_source(app.paths.cache_dir, product.id) == image
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]

    # Same image_url and the file is there: a second check does not fetch it again.
    again = run(app, app.check_product(product.id))
    assert again.state is TaskState.SUCCESS and again.result["thumbnail_task"] is None
    assert page_server.hits("/img/kettle.png") == 1

    # A changed image_url refetches.
    blue = png_bytes(rgb=(0, 0, 255))
    other = page_server.add("/img/kettle2.png", blue, headers={"Content-Type": "image/png"})
    page_server.add("/kettle", page_with_image(other, price="18.00"))
    third = run(app, app.check_product(product.id))
    assert third.result["thumbnail_task"] is not None
    assert thumbnails.stored_source(app.paths.cache_dir, product.id) == other
    assert path.read_bytes() == blue

    app.remove_product(product.id)
    assert not path.exists()
    assert not thumbnails.source_path(app.paths.cache_dir, product.id).exists()


@pytest.mark.parametrize(
    ("body", "headers", "expected"),
    [
        (b"<html>not an image</html>", {"Content-Type": "text/html"}, "not a PNG, JPEG, WebP or GIF"),
        (PNG, {"Content-Type": "image/svg+xml"}, "not a PNG, JPEG, WebP or GIF"),
        (PNG, {"Content-Type": ""}, "not a PNG, JPEG, WebP or GIF"),
        (b"\x89PNG" + b"0" * 2_100_000, {"Content-Type": "image/png"}, "larger than 2 MB"),
    ],
)
def test_bad_image_fails_the_image_task_only(
    app: PriceWatch, page_server: PageServer, body: bytes, headers: dict[str, str], expected: str
) -> None:
    image = page_server.add("/img/bad", body, headers=headers)
    url = page_server.add("/kettle", page_with_image(image))
    product = app.add_product(url)
    assert product.id is not None
    check = run(app, app.check_product(product.id))
    assert check.state is TaskState.SUCCESS, check.error
    [task] = thumb_tasks(app)
    assert task.state is TaskState.FAILURE
    assert expected in (task.error or "")
    stored = app.get_product(product.id)
    assert stored.last_error is None and str(stored.price) == "19.99"
    assert not thumbnails.image_path(app.paths.cache_dir, product.id).exists()
    # The next hourly check does not ask the shop for the same broken image again (for a day).
    again = run(app, app.check_product(product.id))
    assert again.state is TaskState.SUCCESS and again.result["thumbnail_task"] is None
    assert page_server.hits("/img/bad") == 1


def test_fetch_image_refuses_non_images_and_big_ones(app: PriceWatch, page_server: PageServer) -> None:
    ok = page_server.add("/a.png", PNG, headers={"Content-Type": "image/png; charset=binary"})
    assert app.fetcher.fetch_image(ok).data == PNG
    page = page_server.add("/page", b"<html></html>", headers={"Content-Type": "text/html"})
    with pytest.raises(PermanentError) as info:
        app.fetcher.fetch_image(page)
    assert info.value.kind == "not_image"
    with pytest.raises(PermanentError) as info:
        app.fetcher.fetch_image(ok, max_bytes=100)
    assert info.value.kind == "too_large"


def test_fetch_image_honours_robots(app: PriceWatch, page_server: PageServer) -> None:
    page_server.add_robots("User-agent: *\nDisallow: /private/\n")
    blocked = page_server.add("/private/a.png", PNG, headers={"Content-Type": "image/png"})
    with pytest.raises(PermanentError):
        app.fetcher.fetch_image(blocked)
    assert page_server.hits("/private/a.png") == 0


def test_fetch_image_follows_redirects_and_classifies_http_errors(
    app: PriceWatch, page_server: PageServer
) -> None:
    target = page_server.add("/cdn/a.png", PNG, headers={"Content-Type": "image/png"})
    moved = page_server.add_redirect("/img/a.png", target)
    image = app.fetcher.fetch_image(moved)
    assert (image.final_url, image.content_type, image.data) == (target, "image/png", PNG)
    gone = page_server.add("/img/gone.png", b"", status=404)
    with pytest.raises(PermanentError):
        app.fetcher.fetch_image(gone)


def test_thumbnails_can_be_turned_off(app: PriceWatch, page_server: PageServer) -> None:
    image = page_server.add("/img/off.png", PNG, headers={"Content-Type": "image/png"})
    product = app.add_product(page_server.add("/kettle", page_with_image(image)))
    assert product.id is not None
    app.settings.fetch.thumbnails = False
    check = run(app, app.check_product(product.id))
    assert check.state is TaskState.SUCCESS and check.result["thumbnail_task"] is None
    assert page_server.hits("/img/off.png") == 0 and not thumb_tasks(app)
