"""One error hierarchy for all of zicht.

Every error says what happened, what was expected and what to do next, and never
carries personal data: records are referred to by id, row number and field name.
The HTTP status lives on the class and is mapped to a response in one handler
(``zicht.api``)::

    ZichtError                       base; raised for nothing by itself
    ├── ConfigError                  a setting or key is missing or malformed
    ├── ValidationError              input broke the import contract (all problems at once)
    ├── NotFoundError                a record, file or snapshot does not exist
    ├── AccessDenied                 the caller's role or organisation may not do this
    ├── ConflictError                the request clashes with stored state
    ├── TooManyRequests              too many failed sign-ins or too large a request
    ├── DisclosureError              output tried to leave the research zone ungated
    ├── EstimationError              a model cannot be fitted or is not identifiable
    └── NotBuiltError                a verb whose stage is not implemented yet

    ConvergenceWarning (UserWarning) an MCMC estimate whose chains disagree or are short
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar


class ZichtError(Exception):
    """Base of every zicht error."""

    status_code: ClassVar[int] = 500

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.context = context

    def to_dict(self) -> dict[str, Any]:
        return {"error": type(self).__name__, "message": self.message, **self.context}


class ConfigError(ZichtError):
    """Raised when a setting, key or key file is missing or malformed."""

    status_code = 500


@dataclass(frozen=True)
class Problem:
    """One validation problem: row as a spreadsheet user counts it (header = row 1)."""

    row: int | None
    field: str | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message}


class ValidationError(ZichtError):
    """Raised when input breaks the import contract; carries every problem found."""

    status_code = 422

    def __init__(self, message: str, problems: list[Problem], **context: Any) -> None:
        super().__init__(message, **context)
        self.problems = problems

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "errors": [p.to_dict() for p in self.problems]}


class NotFoundError(ZichtError):
    """Raised when a record, file or snapshot does not exist (or is not yours to see)."""

    status_code = 404


class AccessDenied(ZichtError):
    """Raised when the caller's key, role or organisation does not allow the action."""

    status_code = 403


class AuthenticationError(ZichtError):
    """Raised when no valid API key was presented."""

    status_code = 401


class ConflictError(ZichtError):
    """Raised when a request clashes with stored state (e.g. a decided review pair)."""

    status_code = 409


class TooManyRequests(ZichtError):
    """Raised when a caller failed to authenticate too often; retry after some seconds."""

    status_code = 429

    def __init__(self, message: str, retry_after: int, **context: Any) -> None:
        super().__init__(message, retry_after=retry_after, **context)
        self.retry_after = retry_after


class DisclosureError(ZichtError):
    """Raised when output would leave the research zone without passing the gate."""

    status_code = 500


class EstimationError(ZichtError):
    """Raised when a population model cannot be fitted, does not exist or is not identifiable."""

    status_code = 422


class ConvergenceWarning(UserWarning):
    """Warned when MCMC chains disagree (R-hat > 1.01) or are too short (ESS < 400).

    The estimate is still returned, with the same text in its ``warnings``; run longer
    chains (more ``samples`` or ``burn_in``) before publishing it.
    """


class NotBuiltError(ZichtError):
    """Raised by a verb whose stage has not been built yet."""

    status_code = 501
