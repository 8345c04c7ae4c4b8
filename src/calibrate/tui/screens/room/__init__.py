"""The screens a rater sees in a served meeting: join with a code, then score."""
