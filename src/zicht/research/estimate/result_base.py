"""The one results vocabulary of ``zicht.research.estimate`` (issue 16, item 7).

Every estimate result is a frozen dataclass deriving from :class:`EstimateResult`: its
fields ``method``, ``observed``, ``estimate``, ``se``, ``ci_lower``, ``ci_upper``,
``level``, ``interval``, ``lists``, ``warnings`` and ``provenance`` are declared here
(keyword-only, so a result type adds fields in any order), and it gets from here
``hidden``, ``repr()``, ``to_frame()`` (one row, the fixed columns first),
``to_dict()`` (the JSON document, numbers by one rule) and the frame of ``summary()``.
A result type adds only what is its own: ``frame_extra``, ``dict_body()``,
``summary_title()``, ``summary_body()`` and ``repr_tail()``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    import pandas as pd

#: The columns every result's ``to_frame()`` starts with.
FRAME_COLUMNS = ("estimate", "se", "ci_lower", "ci_upper", "level")


@dataclass(frozen=True, kw_only=True, repr=False)
class EstimateResult:
    """Base of every estimate result; derive with ``@dataclass(frozen=True, kw_only=True,
    repr=False)`` (``repr=False`` keeps the shared ``__repr__``)."""

    method: str
    observed: int
    estimate: float
    se: float
    ci_lower: float
    ci_upper: float
    level: float
    interval: str
    lists: tuple[str, ...]
    warnings: tuple[str, ...]
    provenance: dict[str, Any] = field(default_factory=dict)

    #: Columns of ``to_frame()`` after ``FRAME_COLUMNS``.
    frame_extra: ClassVar[tuple[str, ...]] = ()

    @property
    def hidden(self) -> float:
        """Estimated number seen by no list (the estimate minus the observed)."""
        return self.estimate - self.observed

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(method={self.method!r}, n={self.observed}, "
                f"estimate={self.estimate:.1f}, ci=({self.ci_lower:.1f}, "
                f"{self.ci_upper:.1f}), level={self.level}{self.repr_tail()})")

    def to_frame(self) -> pd.DataFrame:
        """One row: ``estimate, se, ci_lower, ci_upper, level``, then ``frame_extra``."""
        import pandas as pd

        columns = [*FRAME_COLUMNS, *self.frame_extra]
        return pd.DataFrame([{c: getattr(self, c) for c in columns}], columns=columns)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document (``zicht estimate --json``): non-finite numbers are None."""
        return {"method": self.method, "observed": self.observed,
                "estimate": json_number(self.estimate), "se": json_number(self.se),
                "ci_lower": json_number(self.ci_lower),
                "ci_upper": json_number(self.ci_upper), "level": self.level,
                "interval": self.interval, **self.dict_body(), "lists": list(self.lists),
                "warnings": list(self.warnings), "provenance": self.provenance}

    def summary(self) -> str:
        """A few lines for people: what was fitted, the figures, the warnings."""
        lines = [self.summary_title(), f"  observed           {self.observed:,}",
                 *self.summary_body()]
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)

    # ---- what a result type adds -----------------------------------------------------
    def repr_tail(self) -> str:
        """Text after ``level=...`` in ``repr()`` (``", rhat=1.002"``)."""
        return ""

    def dict_body(self) -> dict[str, Any]:
        """The keys of ``to_dict()`` that are the result type's own."""
        return {}

    def summary_title(self) -> str:
        return (f"{self.method} estimate, {len(self.lists)} lists "
                f"({', '.join(self.lists)})")

    def summary_body(self) -> list[str]:
        """The lines of ``summary()`` between the observed count and the warnings."""
        return []

    def interval_line(self, text: str, digits: int) -> str:
        """``  95% interval       lo - hi  [text]`` with ``digits`` decimals."""
        pct = round(self.level * 100)
        return (f"  {pct}% interval       {self.ci_lower:,.{digits}f} - "
                f"{self.ci_upper:,.{digits}f}  [{text}]")


def json_number(x: float | None, digits: int = 4) -> float | None:
    """A number for JSON: rounded to ``digits`` decimals; None when missing or not finite."""
    return None if x is None or not math.isfinite(x) else round(float(x), digits)
