"""The tasks' names before the split into ideas, polls and feedback.

A job recorded or sent to the broker under an old name before the upgrade still runs: each old
name calls the task that now does the work. (Jobs waiting in the outbox are renamed by
``feedback.migrations.0001_initial``; these are for messages already in the broker.)"""

from celery import shared_task

from feedback import tasks as feedback_tasks
from ideas import tasks as ideas_tasks
from polls import tasks as polls_tasks

RENAMED = {
    f"voting.tasks.{task.__name__}": task
    for module in (ideas_tasks, polls_tasks, feedback_tasks)
    for task in vars(module).values()
    if getattr(task, "name", "").startswith(module.__name__ + ".")
}


def _forward(task):
    def run(*args, **kwargs):
        return task.run(*args, **kwargs)

    return run


for _old_name, _task in RENAMED.items():
    shared_task(name=_old_name)(_forward(_task))
