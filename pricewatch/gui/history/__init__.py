"""The product window: current numbers, the price history chart and the list of readings."""
