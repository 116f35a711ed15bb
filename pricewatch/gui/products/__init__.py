"""The product list: its model, filter, order, live sync with the database, thumbnails, import/export."""
