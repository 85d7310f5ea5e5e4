"""Default values that the command line shows in its help: kept apart from the settings
(``zicht.core.config``, which imports pydantic-settings), so ``zicht --help`` stays light."""

DEFAULT_DATABASE_URL = "sqlite:///zicht.db"
