"""Smart filters and tags in the window: the filter bar, saving a filter, and the Tags column's text."""
