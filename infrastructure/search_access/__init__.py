"""Lambda code of the search domain's access-mapping custom resource (``handler.py``)."""
