"""The thin layer around the domain: HTTP pages, the WebSocket hub, the SQLite event store
and the ``yoriai`` command line."""
