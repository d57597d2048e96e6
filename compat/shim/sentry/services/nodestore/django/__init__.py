"""2025+ path of sentry.nodestore.django."""

from sentry.nodestore.django import DjangoNodeStorage  # noqa: F401
