from django.apps import AppConfig


class CaptureConfig(AppConfig):
    name = "cmeledger.capture"
    label = "capture"
    verbose_name = "Certificate capture"
