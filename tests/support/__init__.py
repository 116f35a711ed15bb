"""Test helpers shared by every folder of tests/, imported as ``tests.support.<module>``.

The modules with fixtures several folders use are plugins in tests/conftest.py (``pytest_plugins``); a test
module never imports another test module.
"""
