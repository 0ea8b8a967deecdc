"""The production settings, with emails written to files slowly (see slow_mail)."""

import os

from redeeming_hope.settings import *  # noqa: F403

MAILERS = {
    "default": {
        "BACKEND": "tests.production.slow_mail.EmailBackend",
        "OPTIONS": {"file_path": os.environ["TEST_MAIL_DIR"]},
    }
}
