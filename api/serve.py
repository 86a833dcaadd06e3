"""Running the service with uvicorn."""

from __future__ import annotations

import uvicorn

from api.app import create_app
from api.core.logging import log_config
from api.settings import Settings


def serve(host: str = "127.0.0.1", port: int = 8000, settings: Settings | None = None) -> None:
    """Serve the application on ``host:port`` until interrupted (SIGINT or SIGTERM).

    Parameters
    ----------
    host
        Interface to listen on; loopback by default.
    port
        TCP port.
    settings
        The configuration; read from the ``PLACEMENT_*`` environment when not given.
    """
    app = create_app(settings if settings is not None else Settings())
    uvicorn.run(
        app, host=host, port=port, log_level="info", access_log=False, log_config=log_config()
    )
