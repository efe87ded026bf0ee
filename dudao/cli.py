"""The ``dudao`` command: Django's management commands under the product's name.

Examples: ``dudao migrate``, ``dudao demo``, ``dudao worker``, ``dudao audit verify``.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dudao.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["dudao", *sys.argv[1:]])


if __name__ == "__main__":
    main()
