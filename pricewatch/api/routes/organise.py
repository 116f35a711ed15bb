"""Tags, saved smart filters, bulk edits and rule snoozes: ``/tags``, ``/filters``, ``/products/bulk``,
``/products/{id}/tags`` and ``/products/{id}/rules/{rule_id}/snooze``."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, ConfigDict, Field

from pricewatch.api.auth import Runner
from pricewatch.api.routes.common import Id, IdPath, Money, money
from pricewatch.api.routes.products import SnoozeRequest
from pricewatch.models import AlertKind, AlertRule, utcnow
from pricewatch.organising import MAX_INTERVAL_MINUTES, BulkEdit, BulkOutcome
from pricewatch.product_filters import ProductQuery, SavedFilter
from pricewatch.tagging import MAX_TAGS_PER_CALL

router = APIRouter(tags=["organising"])

# The facade checks names fully (trimmed, no control characters, 40 characters); these bound the request.
TagName = Annotated[str, Field(min_length=1, max_length=200)]
TagList = Annotated[list[TagName], Field(max_length=MAX_TAGS_PER_CALL)]
NamePath = Annotated[str, Path(min_length=1, max_length=200)]
MAX_BULK_IDS = 100_000


class TagOut(BaseModel):
    name: str
    products: int


class TagsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tags: TagList


class QueryBody(BaseModel):
    """A smart filter: the conditions given combine with AND."""

    model_config = ConfigDict(extra="forbid")
    tag: TagName | None = None
    shop: Annotated[str, Field(min_length=1, max_length=253)] | None = None
    below_target: bool = False
    in_stock: bool = False
    dropped_this_week: bool = Field(default=False, description="a price drop in the last seven days")
    unsure: bool = Field(default=False, description="the newest reading is unsure")

    def query(self) -> ProductQuery:
        return ProductQuery.from_json(self.model_dump(exclude_none=True))

    @classmethod
    def of(cls, query: ProductQuery) -> QueryBody:
        return cls(**query.to_json())


class FilterOut(BaseModel):
    name: str
    query: QueryBody

    @classmethod
    def of(cls, saved: SavedFilter) -> FilterOut:
        return cls(name=saved.name, query=QueryBody.of(saved.query))


class RuleBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: AlertKind
    amount: Annotated[Decimal, Field(gt=0, max_digits=20, decimal_places=10)] | None = None
    percent: Annotated[Decimal, Field(gt=0, lt=100, max_digits=20, decimal_places=10)] | None = None
    window_days: Annotated[int, Field(ge=1, le=3650)] | None = None

    def rule(self) -> AlertRule:
        return AlertRule(0, self.kind, amount=self.amount, percent=self.percent, window_days=self.window_days)


class BulkRequest(BaseModel):
    """What to change on every product listed; fields left out are left alone. All or nothing."""

    model_config = ConfigDict(extra="forbid")
    product_ids: Annotated[list[Id], Field(min_length=1, max_length=MAX_BULK_IDS)]
    add_tags: TagList = []
    remove_tags: TagList = []
    check_interval_minutes: Annotated[int, Field(ge=1, le=MAX_INTERVAL_MINUTES)] | None = None
    add_rule: RuleBody | None = None
    paused: bool | None = None


class BulkOut(BaseModel):
    product_ids: list[int]
    tags_added: int
    tags_removed: int
    intervals_set: int
    rules_added: int
    paused_set: int
    summary: str

    @classmethod
    def of(cls, outcome: BulkOutcome) -> BulkOut:
        return cls(
            product_ids=outcome.product_ids,
            tags_added=outcome.tags_added,
            tags_removed=outcome.tags_removed,
            intervals_set=outcome.intervals_set,
            rules_added=outcome.rules_added,
            paused_set=outcome.paused_set,
            summary=outcome.summary(),
        )


class RuleSnoozeOut(BaseModel):
    id: int
    kind: AlertKind
    amount: Money
    percent: Money
    snoozed_until: datetime | None
    snooze_until_change: bool


class RuleSnoozeRequest(SnoozeRequest):
    pass


@router.get("/tags", response_model=list[TagOut], summary="List tags with their number of products")
async def list_tags(runner: Runner) -> list[TagOut]:
    return [TagOut(name=name, products=count) for name, count in await runner.call(runner.app.tags)]


@router.get("/products/{product_id}/tags", response_model=list[str], summary="A product's tags")
async def product_tags(product_id: IdPath, runner: Runner) -> list[str]:
    return await runner.call(runner.app.product_tags, product_id)


@router.post("/products/{product_id}/tags", response_model=list[str], summary="Tag a product")
async def tag_product(product_id: IdPath, body: TagsBody, runner: Runner) -> list[str]:
    await runner.call(runner.app.tag_products, [product_id], body.tags)
    return await runner.call(runner.app.product_tags, product_id)


@router.delete(
    "/products/{product_id}/tags/{name}", status_code=204, response_class=Response, summary="Untag a product"
)
async def untag_product(product_id: IdPath, name: NamePath, runner: Runner) -> Response:
    await runner.call(runner.app.get_product, product_id)
    await runner.call(runner.app.untag_products, [product_id], [name])
    return Response(status_code=204)


@router.post("/products/bulk", response_model=BulkOut, summary="Change many products at once")
async def bulk_edit(body: BulkRequest, runner: Runner) -> BulkOut:
    edit = BulkEdit(
        add_tags=body.add_tags,
        remove_tags=body.remove_tags,
        check_interval_minutes=body.check_interval_minutes,
        add_rule=None if body.add_rule is None else body.add_rule.rule(),
        paused=body.paused,
    )
    return BulkOut.of(await runner.call(runner.app.bulk_edit, body.product_ids, edit))


@router.post(
    "/products/{product_id}/rules/{rule_id}/snooze", response_model=RuleSnoozeOut,
    summary="Hold back what one alert rule notifies",
)  # fmt: skip
async def snooze_rule(
    product_id: IdPath, rule_id: IdPath, body: RuleSnoozeRequest, runner: Runner
) -> RuleSnoozeOut:
    until = None if body.days is None or body.until_change else utcnow() + timedelta(days=body.days)
    rule = await runner.call(
        runner.app.snooze_rule, product_id, rule_id, until, until_change=body.until_change
    )
    return RuleSnoozeOut(
        id=rule.id or 0, kind=rule.kind, amount=money(rule.amount), percent=money(rule.percent),
        snoozed_until=rule.snoozed_until, snooze_until_change=rule.snooze_until_change,
    )  # fmt: skip


@router.get("/filters", response_model=list[FilterOut], summary="List saved filters")
async def list_filters(runner: Runner) -> list[FilterOut]:
    return [FilterOut.of(f) for f in await runner.call(runner.app.saved_filters)]


@router.get("/filters/{name}", response_model=FilterOut, summary="Read a saved filter")
async def get_filter(name: NamePath, runner: Runner) -> FilterOut:
    return FilterOut.of(await runner.call(runner.app.saved_filter, name))


@router.put("/filters/{name}", response_model=FilterOut, summary="Save a filter under a name")
async def save_filter(name: NamePath, body: QueryBody, runner: Runner) -> FilterOut:
    query = body.query()
    return FilterOut.of(await runner.call(runner.app.save_filter, name, query))


@router.delete("/filters/{name}", status_code=204, response_class=Response, summary="Delete a saved filter")
async def delete_filter(name: NamePath, runner: Runner) -> Response:
    await runner.call(runner.app.delete_filter, name)
    return Response(status_code=204)
