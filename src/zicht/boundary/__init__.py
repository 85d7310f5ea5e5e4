"""The boundary: the only way out of the registry zone (``docs/boundary.md``).

``write_extract`` writes the research-zone extract with keyed pseudonyms
(``PseudonymKey``: HMAC-SHA256 under a key the research zone never sees).
"""

from zicht.boundary.extract import ExtractResult, write_extract
from zicht.boundary.pseudonym import PseudonymKey, load_pseudonym_key

__all__ = ["ExtractResult", "PseudonymKey", "load_pseudonym_key", "write_extract"]
