"""Widgets of the meeting's screens (board, reveal, consensus, anchors)."""
