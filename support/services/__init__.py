"""Every write and every rule of support; the facade other apps import (issue 15)."""
__all__: list = []
