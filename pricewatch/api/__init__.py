"""The optional local HTTP API: the facade's actions for scripts on the same computer.

Importing this package is cheap on purpose (the facade imports :mod:`pricewatch.api_token`);
FastAPI and uvicorn are loaded only by :mod:`pricewatch.api.factory` and :mod:`pricewatch.api.server`.
"""
