"""Background tasks of imports (Huey): run a job, and purge files of jobs left unconfirmed."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from zhongjian.dataio.services import import_job_run, import_jobs_purge


@db_task()
def import_job_task(job_id: int) -> None:
    import_job_run(job_id=job_id)


@db_periodic_task(crontab(minute="7"))
def import_jobs_purge_task() -> None:
    import_jobs_purge()
