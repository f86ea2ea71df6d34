from sanhak.labs.tests.conftest import labs

__all__ = ["labs"]
