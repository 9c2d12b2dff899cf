"""Apply the retention rule: flag people nobody has heard from, erase those still inactive after the flag.

Run daily (see docs/deploy.md). Prints counts only, never who.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from sidebyside.people.privacy import retention_run


def _people(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


class Command(BaseCommand):
    help = (
        "Flag people inactive for longer than PEOPLE_RETENTION_MONTHS so coordinators can get in touch, "
        "and erase those still inactive PEOPLE_RETENTION_WARNING_DAYS after being flagged."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="show the counts, change nothing")

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        warned, erased = retention_run(dry_run=dry_run)
        if dry_run:
            self.stdout.write(
                f"Would warn {_people(warned)}; would erase {_people(erased)}. Nothing was changed."
            )
        else:
            self.stdout.write(f"Warned {_people(warned)}; erased {_people(erased)}.")
