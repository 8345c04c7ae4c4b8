"""A coach's screens over a database that holds many schools' meetings."""
