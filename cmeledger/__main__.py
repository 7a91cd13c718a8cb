"""The `cmeledger` command: Django's manage.py under the project's name."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmeledger.settings")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    # The default SQLite file lives under data/; create the folder on first use so a
    # fresh clone needs no manual step (settings themselves never write files).
    try:
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    except Exception:  # noqa: BLE001 - a misconfiguration is reported by Django below
        pass
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
