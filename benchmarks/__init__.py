"""zicht's benchmarks: ``python -m benchmarks [NAME ...] [--quick]``.

Every benchmark runs with one BLAS thread, as the ``zicht`` command does
(``zicht.core.threads``): zicht is measured as its users run it.
"""

from zicht.core.threads import single_threaded_blas

single_threaded_blas()
