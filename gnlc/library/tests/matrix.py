"""This app's rows of the permission matrix (see gnlc/core/tests/test_permission_matrix.py)."""

ROUTES: dict = {}
