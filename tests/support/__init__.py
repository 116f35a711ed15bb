"""Test helpers shared by every part: a real local page server and its fixtures."""
