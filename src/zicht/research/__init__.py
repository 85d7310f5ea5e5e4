"""The research zone: pseudonymised data only, DuckDB over Parquet.

``store`` opens an extract, ``classify`` holds the rules of METHODOLOGY §2 as data,
``monitor`` computes the chapter-2 figures; ``linked`` and ``estimate`` build on them.
Nothing leaves this zone except through ``zicht.disclosure``.
"""
