"""The HTTP API: intake of reports, reading them back, consent withdrawal.

:func:`create_app` builds the FastAPI app; every module of this package that defines a
``router`` (an ``APIRouter``) is included, so a new group of routes is a new module.
Every route names its :class:`zicht.registry.access.Action` through
:func:`zicht.api.auth.require`, the one place access is decided.
"""

from zicht.api.app import create_app, create_app_from_env

__all__ = ["create_app", "create_app_from_env"]
