"""Keeping the scale tables in step with the scale data (claims/data/scales.json)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from claims.scales import default_scales
from db.models import SCALE_MODELS


def sync_scales(session: Session) -> int:
    """Insert scale values the data has and the database lacks; refresh labels of the others.

    Values are never deleted: reviews may point at them. Returns how many rows changed.
    """
    changed = 0
    for name, scale in default_scales().items():
        model = SCALE_MODELS[name]
        existing = {row.code: row for row in session.scalars(select(model))}
        for value in scale.values:
            fields = {
                "label": value.label,
                "position": value.position,
                "rating": value.rating,
                "description": value.description,
                "flag": value.flag,
            }
            row = existing.get(value.code)
            if row is None:
                session.add(model(code=value.code, **fields))
                changed += 1
            elif any(getattr(row, key) != wanted for key, wanted in fields.items()):
                for key, wanted in fields.items():
                    setattr(row, key, wanted)
                changed += 1
    return changed
