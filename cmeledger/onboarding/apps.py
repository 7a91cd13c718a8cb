from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "cmeledger.onboarding"
    label = "onboarding"
    verbose_name = "Onboarding: organizations, boards and invitations by site staff"
