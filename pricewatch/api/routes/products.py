"""``/products``: the tracked products (list, add, read, change, remove) and their price history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from pricewatch.api.auth import Runner
from pricewatch.api.errors import CONFLICT
from pricewatch.api.routes.common import IdPath, Money, PriceText, Url, money
from pricewatch.api.routes.deal_models import DealOut, UnitPriceOut
from pricewatch.app import PriceWatch
from pricewatch.models import Availability, PriceObservation, Product, utcnow
from pricewatch.product_filters import ProductQuery

router = APIRouter(prefix="/products", tags=["products"])

Interval = Annotated[int, Field(ge=1, le=525_600, description="Minutes between checks")]


class ProductOut(BaseModel):
    id: int
    url: str
    title: str | None
    shop: str | None
    currency: str | None
    price: Money
    previous_price: Money
    lowest_price: Money
    highest_price: Money
    target_price: Money
    availability: Availability
    image_url: str | None
    css_selector: str | None
    offer_key: str | None
    check_interval_minutes: int
    ignore_robots: bool
    paused: bool
    fetch_mode: str = "auto"
    snoozed_until: datetime | None = None
    snooze_until_change: bool = False
    last_error: str | None
    last_error_kind: str | None = Field(
        default=None,
        description='what kind of failure the last check had ("http_4xx", "no_price"), else null',
    )
    last_error_status: int | None = Field(default=None, description="the shop's HTTP status with it, if any")
    created_at: datetime
    last_checked_at: datetime | None
    next_check_at: datetime | None
    list_price: Money = Field(default=None, description="the struck-through price the page showed last")
    quantity: str | None = Field(default=None, description='how much it holds as set ("500 g"), else null')
    deal: DealOut | None = Field(default=None, description="is the current price a deal")
    unit_price: UnitPriceOut | None = Field(default=None, description="price per kg, L or piece, if known")

    @classmethod
    def of(cls, p: Product, app: PriceWatch | None = None) -> ProductOut:
        """The product and its price per unit; with ``app`` (on a worker thread: it reads the history) its
        deal verdict too."""
        unit = PriceWatch.unit_price(p)
        deal = None if app is None or p.id is None else app.deal(p.id)
        return cls(
            list_price=money(p.list_price), quantity=p.quantity,
            deal=None if deal is None else DealOut.of(deal.to_json()),
            unit_price=None if unit is None else UnitPriceOut.model_validate(unit.to_json()),
            id=p.id or 0, url=p.url, title=p.title, shop=p.shop, currency=p.currency, price=money(p.price),
            previous_price=money(p.previous_price), lowest_price=money(p.lowest_price),
            highest_price=money(p.highest_price), target_price=money(p.target_price),
            availability=p.availability, image_url=p.image_url, css_selector=p.css_selector,
            offer_key=p.offer_key, check_interval_minutes=p.check_interval_minutes,
            ignore_robots=p.ignore_robots, paused=p.paused, last_error=p.last_error,
            last_error_kind=p.last_error_kind, last_error_status=p.last_error_status, created_at=p.created_at,
            last_checked_at=p.last_checked_at, next_check_at=p.next_check_at, fetch_mode=p.fetch_mode,
            snoozed_until=p.snoozed_until, snooze_until_change=p.snooze_until_change,
        )  # fmt: skip


class ProductCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: Url
    target_price: PriceText = None
    title: Annotated[str, Field(max_length=500)] | None = None
    css_selector: Annotated[str, Field(max_length=1000)] | None = None
    check_interval_minutes: Interval | None = None


class ProductPatch(BaseModel):
    """Only the fields sent are changed; ``null`` clears title, target price, selector and offer."""

    model_config = ConfigDict(extra="forbid")
    title: Annotated[str, Field(max_length=500)] | None = None
    target_price: PriceText = None
    css_selector: Annotated[str, Field(max_length=1000)] | None = None
    offer_key: Annotated[str, Field(max_length=500)] | None = None
    # Not nullable: a JSON null is a 422 (the defaults below only mean "not sent").
    check_interval_minutes: Interval = Field(default=None)  # type: ignore[assignment]
    ignore_robots: bool = Field(default=None)  # type: ignore[assignment]
    paused: bool = Field(default=None)  # type: ignore[assignment]
    fetch_mode: Literal["auto", "plain", "browser"] = Field(default=None)  # type: ignore[arg-type]
    quantity: (
        Annotated[str, Field(max_length=100, description='"500 g", "6 x 1.5 L"; null: the title\'s')] | None
    ) = None


class ObservationOut(BaseModel):
    observed_at: datetime
    price: Money
    currency: str | None
    availability: Availability
    unsure: bool = Field(default=False, description="the page was not clear about its price; fires no alert")
    list_price: Money = Field(default=None, description="the struck-through price the page showed with it")

    @classmethod
    def of(cls, o: PriceObservation) -> ObservationOut:
        return cls(
            observed_at=o.observed_at, price=money(o.price), currency=o.currency, availability=o.availability,
            unsure=o.unsure, list_price=money(o.list_price),
        )  # fmt: skip


class HistoryOut(BaseModel):
    product_id: int
    observations: list[ObservationOut]


@router.get("", response_model=list[ProductOut], summary="List products")
async def list_products(
    runner: Runner,
    search: Annotated[str | None, Query(max_length=200)] = None,
    deals: Annotated[bool, Query(description="with each product's deal verdict (reads its history)")] = True,
    tag: Annotated[str | None, Query(max_length=200, description="only products with this tag")] = None,
    shop: Annotated[str | None, Query(max_length=253, description="only products of this shop")] = None,
    below_target: Annotated[bool, Query(description="only products at or below their target")] = False,
    in_stock: Annotated[bool, Query(description="only products in stock")] = False,
    dropped_this_week: Annotated[bool, Query(description="only products cheaper in the last 7 days")] = False,
    unsure: Annotated[bool, Query(description="only products whose newest reading is unsure")] = False,
    saved: Annotated[
        str | None, Query(alias="filter", max_length=200, description="only what this saved filter matches")
    ] = None,
) -> list[ProductOut]:
    app = runner.app
    query = ProductQuery.from_json({
        "tag": tag or None, "shop": shop or None, "below_target": below_target, "in_stock": in_stock,
        "dropped_this_week": dropped_this_week, "unsure": unsure,
    })  # fmt: skip

    def read() -> list[ProductOut]:
        products = app.list_products(search=search or None, query=query, saved=saved or None)
        return [ProductOut.of(p, app if deals else None) for p in products]

    return await runner.call(read)


@router.post("", response_model=ProductOut, status_code=201, responses=CONFLICT, summary="Track a URL")
async def add_product(body: ProductCreate, runner: Runner) -> ProductOut:
    product = await runner.call(
        runner.app.add_product, body.url, target_price=body.target_price, title=body.title,
        css_selector=body.css_selector, check_interval_minutes=body.check_interval_minutes,
    )  # fmt: skip
    return ProductOut.of(product)


@router.get("/{product_id}", response_model=ProductOut, summary="Read a product")
async def get_product(product_id: IdPath, runner: Runner) -> ProductOut:
    app = runner.app
    return await runner.call(lambda: ProductOut.of(app.get_product(product_id), app))


@router.patch("/{product_id}", response_model=ProductOut, summary="Change a product")
async def update_product(product_id: IdPath, body: ProductPatch, runner: Runner) -> ProductOut:
    changes = body.model_dump(exclude_unset=True)
    app = runner.app
    return await runner.call(lambda: ProductOut.of(app.update_product(product_id, **changes), app))


class SnoozeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    days: Annotated[float, Field(gt=0, le=365, description="how long; 0 or null ends the snooze")] | None = (
        1.0
    )
    until_change: bool = Field(default=False, description="until the price changes again (days is ignored)")


@router.post("/{product_id}/snooze", response_model=ProductOut, summary="Hold back a product's notifications")
async def snooze(product_id: IdPath, body: SnoozeRequest, runner: Runner) -> ProductOut:
    until = None if body.days is None or body.until_change else utcnow() + timedelta(days=body.days)
    snoozed = await runner.call(runner.app.snooze_product, product_id, until, until_change=body.until_change)
    return ProductOut.of(snoozed)


@router.delete("/{product_id}", status_code=204, response_class=Response, summary="Stop tracking a product")
async def remove_product(product_id: IdPath, runner: Runner) -> Response:
    await runner.call(runner.app.remove_product, product_id)
    return Response(status_code=204)


@router.get("/{product_id}/history", response_model=HistoryOut, summary="Price history of a product")
async def history(product_id: IdPath, runner: Runner, since: datetime | None = None) -> HistoryOut:
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)  # a time without an offset is taken as UTC, like everything stored
    observations = await runner.call(runner.app.history, product_id, since=since)
    return HistoryOut(product_id=product_id, observations=[ObservationOut.of(o) for o in observations])
