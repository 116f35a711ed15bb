"""Scoring extraction the way the shared corpus's evaluate.py does (the product-extraction benchmark's
protocol): a price matches when it equals, as a Decimal, any accepted value; at most one prediction per
page; a missing availability counts as InStock; F1 over pages. Also the unsure flag's catch and false-alarm
rates."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Score:
    price_f1: float
    availability_f1: float
    unsure_catch: float  # share of wrong prices flagged unsure
    unsure_false_alarm: float  # share of right prices flagged unsure
    currency_right: float  # share of right prices with the expected currency
    wrong: list[str]  # pages whose price is wrong or missing, with what was expected and got


def _dec(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return None


def _f1(tp: int, fp: int, fn: int) -> float:
    if fp == fn == 0:
        return 1.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def predictions(folder: Path, rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """``pricewatch extract --json`` over every page of a fixture set, by file name."""
    proc = subprocess.run(
        [sys.executable, "-m", "pricewatch", "extract", "--json", *(str(folder / r["file"]) for r in rows)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    found = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    return {Path(row["source"]).name: row for row in found}


def score(rows: list[dict[str, Any]], preds: dict[str, dict[str, Any]]) -> Score:
    price = [0, 0, 0]
    availability = [0, 0, 0]
    flagged_wrong: list[bool] = []
    flagged_right: list[bool] = []
    currency_hits = 0
    wrong: list[str] = []
    for row in rows:
        pred = preds.get(Path(row["file"]).name, {})
        values = [row.get("price"), *row.get("price_alternatives", [])] if row.get("price") else []
        accepted = {v for v in map(_dec, values) if v not in (None, Decimal(0))}
        got = _dec(pred.get("price"))
        if got is None:
            price[2] += bool(accepted)
        elif got in accepted:
            price[0] += 1
            currency_hits += pred.get("currency") == row.get("currency")
        else:
            price[1] += 1
            price[2] += bool(accepted)
        if got is not None and "unsure" in pred:
            (flagged_right if got in accepted else flagged_wrong).append(bool(pred["unsure"]))
        if (got is None and accepted) or (got is not None and got not in accepted):
            wrong.append(f"{row['file']}: want {sorted(map(str, accepted))} got {got}")
        truth = row.get("availability")
        if truth in ("InStock", "OutOfStock"):
            said = pred.get("availability")
            said = said if said in ("InStock", "OutOfStock") else "InStock"
            availability[0 if said == truth else 1] += 1
            availability[2] += said != truth
    return Score(
        price_f1=_f1(*price),
        availability_f1=_f1(*availability),
        unsure_catch=sum(flagged_wrong) / len(flagged_wrong) if flagged_wrong else 1.0,
        unsure_false_alarm=sum(flagged_right) / len(flagged_right) if flagged_right else 0.0,
        currency_right=currency_hits / price[0] if price[0] else 0.0,
        wrong=wrong,
    )
