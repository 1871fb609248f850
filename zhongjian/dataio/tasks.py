"""Background tasks of imports (Huey): run a job, purge files of jobs and 任免审批表 batches left
unconfirmed, and fail the jobs of a dead worker when a consumer starts."""

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from zhongjian.dataio.lrmx_import import form_batches_purge
from zhongjian.dataio.services import import_job_run, import_jobs_purge, import_jobs_recover


@HUEY.on_startup()
def import_jobs_recover_on_startup() -> None:
    # With the embedded SQLite queue there is one consumer: a job still running when it starts
    # was left by the consumer before it. Several consumers on Redis fail them by age instead.
    import_jobs_recover(all_running=not settings.REDIS_URL)


@db_task()
def import_job_task(job_id: int) -> None:
    import_job_run(job_id=job_id)


@db_periodic_task(crontab(minute="7"))
def import_jobs_purge_task() -> None:
    import_jobs_purge()
    # 任免审批表 batches left unconfirmed: their encrypted records go after a day as well.
    form_batches_purge()
