"""``allies manage sharing_sweep``: fail imports stuck in "running", purge expired Idempotency-Keys."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from allies.sharing.sales import IDEMPOTENCY_KEY_TTL, STUCK_IMPORT_AFTER, sharing_sweep


class Command(BaseCommand):
    help = ("Mark sales imports still running after --stuck-after minutes as failed (their worker died), "
            "and delete Idempotency-Keys older than --keys-hours hours. Safe to run from cron.")

    def add_arguments(self, parser):
        parser.add_argument("--stuck-after", type=int, default=int(STUCK_IMPORT_AFTER.total_seconds() // 60),
                            metavar="MINUTES", help="minutes after the upload (default: %(default)s)")
        parser.add_argument("--keys-hours", type=int, default=int(IDEMPOTENCY_KEY_TTL.total_seconds() // 3600),
                            metavar="HOURS", help="age of Idempotency-Keys to delete (default: %(default)s)")

    def handle(self, *args, stuck_after: int, keys_hours: int, **options):
        if stuck_after < 1 or keys_hours < 1:
            raise CommandError("--stuck-after and --keys-hours must be at least 1")
        result = sharing_sweep(stuck_after=timedelta(minutes=stuck_after), keys_older_than=timedelta(hours=keys_hours))
        ids = ", ".join(map(str, result.stuck_imports)) or "-"
        self.stdout.write(f"stuck imports marked failed: {len(result.stuck_imports)} ({ids}); "
                          f"expired Idempotency-Keys deleted: {result.expired_keys}")
