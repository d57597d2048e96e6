from sentry.nodestore.django.backend import DjangoNodeStorage  # noqa: F401
