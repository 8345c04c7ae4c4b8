"""One module per screen, grouped like the services: ``meeting/``, ``authoring/``,
``contracts/``, ``reliability/``, ``room/``; Home, Help and the shared modals sit here."""
