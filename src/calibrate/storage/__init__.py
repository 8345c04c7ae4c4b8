"""Persistence: the only package that imports sqlite-utils.

sqlite-utils is loaded here, first, without its optional pandas and numpy support
(:mod:`calibrate.storage.lean_import`): the store never hands it such values, and they would
cost every start of the app ~0.2 s before its first screen.
"""

from calibrate.storage.lean_import import load_storage_lean

load_storage_lean()
