"""zicht: making human trafficking visible, privacy by design.

The package layout is the data flow (see ``docs/data-flow.md``)::

    registry -> boundary -> research -> disclosure -> publish
    (identifying)  (pseudonymise)  (pseudonyms only)  (the gate)  (report, tables, dashboard)
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
