"""A calibration meeting: set up a session, score blind, watch the board, reveal, agree a
consensus, re-score, keep anchors.

``sessions`` holds the core use cases (blindness is enforced there); ``setup`` checks the new
session form; ``board`` and ``reveal`` say what the facilitator's screens show; ``consensus`` is
one item of the discussion; ``anchors`` is the anchor library. May import storage, stats, domain
and ``services.agreement``.
"""
