"""``POST /products/many``: track a list of URLs at once, each with its own outcome."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from pricewatch.api.auth import Runner
from pricewatch.link_lists import AddOutcome, LinkEntry

router = APIRouter(prefix="/products", tags=["products"])

MAX_URLS = 1000
ListedUrl = Annotated[str, Field(max_length=4096)]
# The facade's reasons, in three words a script can switch on: not a web address is invalid too.
_OUTCOMES = {"not_web_address": "invalid", "invalid": "invalid", "listed_twice": "listed_twice",
             "already_tracked": "already_tracked"}  # fmt: skip


class ManyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    urls: Annotated[list[ListedUrl], Field(min_length=1, max_length=MAX_URLS)]


class UrlOutcome(BaseModel):
    url: str = Field(description="the URL in normal form when added, else as sent")
    outcome: Literal["added", "already_tracked", "listed_twice", "invalid"]
    product_id: int | None = Field(description="the product added, or the one it is already tracked as")
    reason: str | None = Field(description="why it was not added, in words")

    @classmethod
    def of(cls, o: AddOutcome) -> UrlOutcome:
        outcome = "added" if o.status == "added" else _OUTCOMES[o.skip or "invalid"]
        return cls(url=o.url, outcome=outcome, product_id=o.product_id, reason=o.reason)  # type: ignore[arg-type]


class ManyOut(BaseModel):
    added: int
    skipped: int
    outcomes: list[UrlOutcome] = Field(description="one per URL sent, in the same order")


@router.post("/many", response_model=ManyOut, summary="Track many URLs, each with its outcome")
async def add_many(body: ManyCreate, runner: Runner) -> ManyOut:
    outcomes = await runner.call(runner.app.add_many, [LinkEntry(url) for url in body.urls])
    added = sum(o.status == "added" for o in outcomes)
    return ManyOut(added=added, skipped=len(outcomes) - added, outcomes=[UrlOutcome.of(o) for o in outcomes])
