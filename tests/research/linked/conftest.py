"""The linked tests import their world builders (``linked_world``, ``linked_tiny``) from
this folder."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
