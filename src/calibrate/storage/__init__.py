"""Persistence: the only package that imports sqlite-utils.

sqlite-utils is loaded without its optional pandas and numpy support
(:mod:`calibrate.storage.lean_import`, which the modules that need it import it from): the
store never hands it such values, and they would cost every start of the app ~0.2 s before its
first screen. Importing this package itself loads nothing, so `calibrate agree`, which only
reads a ratings file, never loads sqlite-utils.
"""
