"""Rater reliability for coaches: how each rater scored against the master key or consensus
(``comparison``), whether they meet the policy (``certification``, with
``default_policy.toml``), their history and drift over sessions (``history``) and the Raters
overview (``status``). May import storage, stats, domain and ``services.meeting``.
"""
