"""One item in several shops (``/product-groups``, ``/products/{id}/listings|merge|split``) and the exchange
rates prices are compared with (``/exchange-rates``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from pricewatch.api.auth import Runner
from pricewatch.api.errors import CONFLICT
from pricewatch.api.routes.common import Id, IdPath, Money, money
from pricewatch.api.routes.products import ProductCreate, ProductOut
from pricewatch.api.routes.task_models import TaskSubmitted
from pricewatch.storage.product_groups import Listing, ProductGroup
from pricewatch.storage.rates import RatesStatus

router = APIRouter(tags=["product groups"])


class ListingOut(BaseModel):
    product: ProductOut
    home_price: Money = Field(description="the price in the home currency; null: no price or no rate")
    rate_date: date | None = Field(description="the day of the exchange rate used; null: not converted")

    @classmethod
    def of(cls, item: Listing) -> ListingOut:
        return cls(
            product=ProductOut.of(item.product), home_price=money(item.home_price), rate_date=item.rate_date
        )


class ProductGroupOut(BaseModel):
    id: int = Field(description="the product's id: its lowest listing id")
    home_currency: str
    rates_stale: bool
    shops: int
    cheapest: ListingOut | None = Field(description="the lowest price in the home currency, in stock first")
    listings: list[ListingOut]

    @classmethod
    def of(cls, group: ProductGroup) -> ProductGroupOut:
        cheapest = None if group.cheapest is None else ListingOut.of(group.cheapest)
        return cls(
            id=group.id, home_currency=group.home_currency, rates_stale=group.rates_stale,
            shops=group.shop_count, cheapest=cheapest, listings=[ListingOut.of(i) for i in group.listings],
        )  # fmt: skip


class MergeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    other_id: Id


class RatesOut(BaseModel):
    home_currency: str
    rate_date: date | None
    stale: bool
    fetched_at: datetime | None
    last_attempt_at: datetime | None
    last_error: str | None = Field(description="why the last update failed (the stored rates are kept)")
    source: str | None
    per_eur: dict[str, str] = Field(description="units of each currency one euro buys")

    @classmethod
    def of(cls, status: RatesStatus, home: str, stale: bool) -> RatesOut:
        table = status.table
        return cls(
            home_currency=home, rate_date=table.rate_date, stale=stale, fetched_at=table.fetched_at,
            last_attempt_at=status.last_attempt_at, last_error=status.last_error, source=status.source,
            per_eur={currency: str(rate) for currency, rate in sorted(table.per_eur.items())},
        )  # fmt: skip


@router.get(
    "/product-groups", response_model=list[ProductGroupOut], summary="List products with their listings"
)
async def list_groups(
    runner: Runner, search: Annotated[str | None, Query(max_length=200)] = None
) -> list[ProductGroupOut]:
    groups = await runner.call(runner.app.product_groups, search=search or None)
    return [ProductGroupOut.of(g) for g in groups]


@router.get("/products/{product_id}/group", response_model=ProductGroupOut, summary="A listing's product")
async def get_group(product_id: IdPath, runner: Runner) -> ProductGroupOut:
    return ProductGroupOut.of(await runner.call(runner.app.product_group, product_id))


@router.post(
    "/products/{product_id}/listings", response_model=ProductOut, status_code=201, responses=CONFLICT,
    summary="Track another shop's listing of a product",
)  # fmt: skip
async def add_listing(product_id: IdPath, body: ProductCreate, runner: Runner) -> ProductOut:
    listing = await runner.call(
        runner.app.add_listing, product_id, body.url, target_price=body.target_price, title=body.title,
        css_selector=body.css_selector, check_interval_minutes=body.check_interval_minutes,
    )  # fmt: skip
    return ProductOut.of(listing)


@router.post("/products/{product_id}/merge", response_model=ProductGroupOut, summary="Make two products one")
async def merge(product_id: IdPath, body: MergeRequest, runner: Runner) -> ProductGroupOut:
    return ProductGroupOut.of(await runner.call(runner.app.merge_products, product_id, body.other_id))


@router.post(
    "/products/{product_id}/split",
    response_model=ProductGroupOut,
    summary="Take a listing out of its product",
)
async def split(product_id: IdPath, runner: Runner) -> ProductGroupOut:
    return ProductGroupOut.of(await runner.call(runner.app.split_listing, product_id))


@router.get("/exchange-rates", response_model=RatesOut, summary="The exchange rates prices are compared with")
async def rates(runner: Runner) -> RatesOut:
    app = runner.app

    def read() -> RatesOut:
        return RatesOut.of(app.exchange_rates(), app.home_currency, app.rates_stale())

    return await runner.call(read)


@router.post("/exchange-rates/update", response_model=TaskSubmitted, summary="Fetch the exchange rates now")
async def update_rates(runner: Runner) -> TaskSubmitted:
    return TaskSubmitted(task_id=await runner.call(runner.app.update_rates))
