"""From a test to a plan: each item mapped to a learning target, each student's reflection on
each item, and what follows from it.

- ``classify``: per student, each target secure / careless only / gap, with the items as evidence.
- ``class_view``: the class as targets × students, with counts per target.
- ``groups``: students who share a gap, in groups of a size the teacher sets; exported as CSV.
- ``files``: loading blueprints and importing results files, with every error placed.

A gap becomes a learning-contract target in ``calibrate.services.contracts.from_test``.
May import storage and domain; never a front end.
"""
