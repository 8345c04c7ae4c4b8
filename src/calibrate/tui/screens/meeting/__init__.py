"""The meeting's screens: new session, board, scoring, reveal, consensus, anchors."""
