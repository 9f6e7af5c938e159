"""`manage.py jobs_worker`: the django-tasks database worker plus the job sweeper (icis/core/jobs.py).

Takes every option of `db_worker` (`--queue-name`, `--interval`, `--batch`, `--max-tasks`, `--worker-id`,
`--reload`/`--no-reload`...). Run one per machine or several against PostgreSQL: each claims a task with
SELECT ... FOR UPDATE SKIP LOCKED, so no task runs twice (docs/jobs.md).
"""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from icis.core import jobs, periodic


class Command(DatabaseWorkerCommand):
    help = (
        "Run background jobs from the database queue, queue the daily jobs when due, and mark jobs whose "
        "worker died as failed."
    )

    def handle(self, *args, **options):
        sweeper = jobs.Sweeper()
        sweeper.start()
        try:
            jobs.sweep()  # what an earlier, killed worker left running
            periodic.run_due()  # daily jobs due (and those missed while no worker ran)
        except Exception:  # noqa: BLE001  the database may still be starting; the thread tries again
            pass
        try:
            return super().handle(*args, **options)
        finally:
            sweeper.done.set()
