"""Product thumbnails: fetch a product's image_url politely and store the raw bytes (never decoded here)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pricewatch import thumbnails
from pricewatch.errors import CancelledError, ScrapeError
from pricewatch.tasks.registry import task

if TYPE_CHECKING:
    from pricewatch.models import Product
    from pricewatch.tasks.context import TaskContext
    from pricewatch.tasks.services import TaskServices


def wants_thumbnail(services: TaskServices, product: Product) -> bool:
    """True when the product has an image_url with no thumbnail stored and no failed try in the last day."""
    if not services.settings.fetch.thumbnails or not product.image_url or product.id is None:
        return False
    cache_dir = services.paths.cache_dir
    return not (
        thumbnails.has_thumbnail(cache_dir, product.id, product.image_url)
        or thumbnails.failed_recently(cache_dir, product.id, product.image_url)
    )


# No retries: a thumbnail is a nicety, and the next successful check asks again.
@task("images.fetch_thumbnail", queue="scraping", max_retries=0)
def fetch_thumbnail(ctx: TaskContext, product_id: int) -> dict[str, Any]:
    """Fetch the product's image (PNG/JPEG/WebP/GIF, at most 2 MB) into ``cache_dir/thumbs``."""
    services = ctx.services
    product = services.products.get(int(product_id))
    if product is None or not product.image_url:
        return {"product_id": product_id, "skipped": "no product or no image"}
    url = product.image_url
    try:
        image = services.fetcher.fetch_image(
            url, page_url=product.url, respect_robots=not product.ignore_robots, cancel=ctx.cancel_event
        )
    except ScrapeError as exc:
        if not isinstance(exc, CancelledError):
            thumbnails.record_failure(services.paths.cache_dir, int(product_id), url)
        raise
    ctx.raise_if_cancelled()
    if services.products.get(int(product_id)) is None:  # removed while fetching: leave no orphan file
        return {"product_id": product_id, "skipped": "the product no longer exists"}
    path = thumbnails.save_thumbnail(services.paths.cache_dir, int(product_id), url, image.data)
    return {"product_id": int(product_id), "url": url, "final_url": image.final_url,
            "content_type": image.content_type, "bytes": len(image.data), "path": str(path)}  # fmt: skip
