from .backend import DjangoNodeStorage

__all__ = ["DjangoNodeStorage"]
