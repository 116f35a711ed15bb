"""One router per resource; :mod:`pricewatch.api.factory` mounts them under ``/api/v1``."""
