"""django-axes and django-otp's TOTP devices as the admin shows them to
volunteers: under names they use, not the packages' names."""

from axes.apps import AppConfig as AxesConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPConfig


class SignInAttemptsConfig(AxesConfig):
    verbose_name = "Sign-in attempts"


class TwoStepSignInConfig(TOTPConfig):
    verbose_name = "Two-step sign-in"
