"""Authoring screens: rubrics and their versions, samples, raters, master key, kits."""
