"""Widgets with their messages: those of one capability in its folder (``meeting/``,
``authoring/``, ``contracts/``, ``reliability/``), those shared by several screens here."""
