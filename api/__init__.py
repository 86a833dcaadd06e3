"""The HTTP service: a thin FastAPI face over :mod:`placement`.

Build the application with :func:`api.app.create_app` and a :class:`api.settings.Settings`;
``placement serve`` runs it with uvicorn.
"""
