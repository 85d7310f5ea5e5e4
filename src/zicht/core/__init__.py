"""Shared foundations: errors, settings and the code lists of the report record."""

from zicht.core.errors import ZichtError

__all__ = ["ZichtError"]
